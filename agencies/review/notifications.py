"""What residents are told about their applications' status changes: the message (the
program's own, else the portal's default), rendered in their language and written to the
notification outbox in the status change's transaction, and the caseworker-facing
`ResidentNotification` record of it, kept in step with its outbox row."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from agencies.review.models import AuditEvent, ProgramStatusMessage, ResidentNotification
from agencies.review.workflow import Status
from applicants.contact import notification_destinations
from applicants.followup import application_followup
from applicants.guest_access import resident_link
from applicants.models import Application
from notifications.services import notify_resident

# Said to the resident when the program has not written its own message for a status.
DEFAULT_STATUS_MESSAGES = {
    Status.SUBMITTED: gettext_lazy("We received your application."),
    Status.IN_REVIEW: gettext_lazy("A caseworker is now reviewing your application."),
    Status.MORE_INFO_NEEDED: gettext_lazy(
        "We need more information to decide on your application. Open your application "
        "to see what is needed and answer, or contact the agency."
    ),
    Status.RESUBMITTED: gettext_lazy("We received the information you sent."),
    Status.APPROVED: gettext_lazy("Your application was approved."),
    Status.DENIED: gettext_lazy(
        "Your application was not approved. Contact the agency to learn why and how to appeal."
    ),
    Status.WITHDRAWN: gettext_lazy("Your application was withdrawn."),
}


def status_message_for_resident(*, application: Application, status: str, language: str) -> str:
    """The program's message for `status` in `language`, else the portal's default text."""
    message = (
        ProgramStatusMessage.objects.filter(program_id=application.program_id, status=status)
        .only("message", "translations")
        .first()
    )
    if message is not None:
        return message.text(language)
    with translation.override(language):
        return str(DEFAULT_STATUS_MESSAGES[Status(status)])


def _render_status_message(
    channel: str, *, application: Application, status: str, message: str, language: str
) -> tuple[str, str]:
    """The (subject, body) of a status message in the resident's language; a text
    message is the subject line and the link to the application."""
    link = resident_link(
        applicant=application.submission.applicant, reference=application.reference
    )
    with translation.override(language):
        context = {
            # The same account of the decision, contact and next steps as the page.
            "followup": application_followup(application=application, language=language),
            "application": application,
            "program_name": application.program.text("name", language),
            "status_label": Application.Status(status).label,
            "message": message,
            "application_url": link,
        }
        subject = " ".join(
            render_to_string("agencies/email/status_changed_subject.txt", context).split()
        )
        if channel == "sms":
            return subject, f"{subject} {link}"
        return subject, render_to_string("agencies/email/status_changed.txt", context)


def _status_outbox_write(*, application: Application, event_id: int, status: str,
                         message: str, language: str):  # fmt: skip
    """The resident's message about a status change, written to the notification outbox;
    returns the row to link (the email one if any), or None when they gave no address."""

    applicant = application.submission.applicant
    rows = notify_resident(
        applicant=applicant,
        destinations=notification_destinations(applicant),
        # Asking the resident for more is a request for information, tracked as such.
        kind="info_request" if status == Status.MORE_INFO_NEEDED else "status",
        cause=f"status:{event_id}",
        language=language,
        render=partial(
            _render_status_message,
            application=application,
            status=status,
            message=message,
            language=language,
        ),
        submission=application.submission,
        application=application,
    )
    return next((row for row in rows if row.channel == "email"), rows[0] if rows else None)


def status_notification_create(
    *, application: Application, event: AuditEvent, resident_message: str = ""
) -> None:
    """Record what the resident is told (the caseworker-facing ResidentNotification) and
    write the message itself to the notification outbox, in the status change's own
    transaction: it is sent after commit, never while the application row is locked."""
    language = (application.submission.language or "en").split("-")[0]
    status = event.after["status"]
    message = "\n\n".join(
        part
        for part in (
            status_message_for_resident(application=application, status=status, language=language),
            resident_message,  # what the caseworker wrote to this resident
        )
        if part
    )
    outbox = _status_outbox_write(
        application=application, event_id=event.pk, status=status, message=message,
        language=language,
    )  # fmt: skip
    ResidentNotification.objects.create(
        application=application,
        event=event,
        status=status,
        language=language,
        to_email=outbox.address if outbox is not None and outbox.channel == "email" else "",
        subject=outbox.subject if outbox is not None else "",
        message=message,
        outbox=outbox,
        skipped_reason="" if outbox is not None else "no email address",
    )


@transaction.atomic
def resident_notification_to_outbox(*, record_id: int) -> str:
    """Move a status message recorded by the release before the notification outbox
    (a ResidentNotification with no outbox row, not yet sent) into the outbox, so that
    messages still queued under the old task name at an upgrade are not lost."""
    record = (
        ResidentNotification.objects.select_for_update(of=("self",))
        .select_related("application__program", "application__submission__applicant")
        .filter(pk=record_id)
        .first()
    )
    if record is None or record.sent_at or record.skipped_reason or record.outbox_id:
        return "nothing to do"
    record.outbox = _status_outbox_write(
        application=record.application, event_id=record.event_id, status=record.status,
        message=record.message, language=record.language,
    )  # fmt: skip
    if record.outbox is None:
        record.skipped_reason = "no email address"
    record.save(update_fields=["outbox", "skipped_reason"])
    return "in the outbox" if record.outbox else "skipped"


def resident_notification_mark_sent(sender, *, notification, **kwargs) -> None:
    """Receiver of `notifications.signals.notification_sent`: keep the caseworker's
    record of a status message in step with its outbox row."""
    ResidentNotification.objects.filter(outbox=notification, sent_at__isnull=True).update(
        sent_at=notification.sent_at
    )
