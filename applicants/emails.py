"""The messages residents receive from the journey, rendered in their language and
written to the notification outbox (notifications/) in the submission's transaction."""

from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from applicants.contact import notification_destinations
from applicants.guest_access import resident_link
from applicants.models import Application, Submission
from notifications.services import notify_resident


def _render_confirmation(
    channel: str, *, submission: Submission, applications: list[Application]
) -> tuple[str, str]:
    language = submission.language or settings.LANGUAGE_CODE
    applications_url = resident_link(applicant=submission.applicant)
    with translation.override(language):
        context = {
            "submission": submission,
            "applications": [
                {"program": a.program.text("name"), "reference": a.reference} for a in applications
            ],
            "applications_url": applications_url,
            "PORTAL_NAME": "CiviPortal",
        }
        subject = " ".join(
            render_to_string("applicants/email/confirmation_subject.txt", context).split()
        )
        if channel == "sms":
            return subject, f"{subject} {applications_url}"
        return subject, render_to_string("applicants/email/confirmation.txt", context)


def submission_confirmation_create(
    *,
    submission: Submission,
    applications: list[Application],
    answers: dict | None = None,
    new_submission: bool = False,
) -> list:
    """Write the confirmation a resident is owed for `submission` to the outbox, inside
    the submission's own transaction (nothing when they gave no address: a guest may
    not have). It is sent after commit by a worker, or by the sweeper if the broker is
    down then. `answers`: the resident's profile when the caller read it already.
    `new_submission`: the submission was created in this transaction, so no confirmation
    can exist for it yet (see `notify_resident`'s `cause_is_new`)."""
    ordered = sorted(applications, key=lambda application: application.reference)
    return notify_resident(
        applicant=submission.applicant,
        destinations=notification_destinations(submission.applicant, answers=answers),
        kind="confirmation",
        cause=f"confirmation:{submission.pk}",
        language=submission.language or settings.LANGUAGE_CODE,
        render=partial(_render_confirmation, submission=submission, applications=ordered),
        submission=submission,
        cause_is_new=new_submission,
    )
