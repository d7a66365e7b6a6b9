from celery import shared_task


@shared_task
def purge_guest_applicants() -> int:
    """Run daily by beat: delete guests whose sessions have expired (see the service)."""
    from applicants.services import guest_applicants_purge

    return guest_applicants_purge()


@shared_task
def purge_orphaned_uploads() -> int:
    """Run daily by beat: delete uploaded documents nothing refers to (see the service)."""
    from applicants.services import uploads_purge_orphaned

    return uploads_purge_orphaned()
