from celery import shared_task

from programs.services import program_versions_activate_due


@shared_task
def activate_scheduled_versions() -> list[str]:
    """Run by beat every 30 s: scheduled versions whose moment has come become the published
    ones (screening already switched at that moment; this archives what they replace)."""

    return [f"{v.program.slug} v{v.number}" for v in program_versions_activate_due()]
