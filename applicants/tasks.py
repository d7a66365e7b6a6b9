from celery import shared_task

from applicants.emails import submission_confirmation_send
from applicants.models import Submission


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}, acks_late=True
)
def submission_confirmation_email(submission_id: int) -> bool:
    """Email the resident the references of a submission (queued on commit)."""
    submission = (
        Submission.objects.select_related("applicant", "applicant__user")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return False
    return submission_confirmation_send(submission=submission)


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
