from celery import shared_task
from django.db import transaction

from applicants.emails import submission_confirmation_create
from applicants.models import Submission
from applicants.services import guest_applicants_purge, uploads_purge_orphaned


@shared_task(ignore_result=True, acks_late=True)
def submission_confirmation_email(submission_id: int) -> str:
    """The confirmation task of the release before the notification outbox, kept so that
    its messages still queued at an upgrade write the confirmation to the outbox (once:
    the outbox row's cause is unique)."""

    with transaction.atomic():
        submission = Submission.objects.filter(pk=submission_id).first()
        if submission is None:
            return "gone"
        applications = list(submission.applications.select_related("program"))
        rows = submission_confirmation_create(submission=submission, applications=applications)
    return f"{len(rows)} in the outbox"


@shared_task
def purge_guest_applicants() -> int:
    """Run daily by beat: delete guests whose sessions have expired (see the service)."""

    return guest_applicants_purge()


@shared_task
def purge_orphaned_uploads() -> int:
    """Run daily by beat: delete uploaded documents nothing refers to (see the service)."""

    return uploads_purge_orphaned()


@shared_task(ignore_result=True)
def send_renewal_reminders() -> int:
    """Run hourly by beat: write the renewal reminders due today to the notification
    outbox, each (application, reminder) once however often it runs."""
    from applicants.renewals import renewal_reminders_send

    return renewal_reminders_send()
