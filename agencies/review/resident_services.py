"""What a resident does to an application after submitting it: answer a request for
information, or withdraw it.

These live beside the review services, not in `applicants`, because they move the review
workflow (`agencies.review.workflow`) and tell the agency through its delivery outbox; the
resident's pages that call them are served by `agencies.exports.views`. Like every review action
each writes its audit events in its own transaction and queues side effects on commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from agencies.review.models import AuditEvent
from agencies.review.services import _locked, _set_status, audit_record
from agencies.review.workflow import InvalidStatusTransition, Status, can_transition
from agencies.routing.models import Delivery
from agencies.routing.services import deliveries_create_for_event
from applicants.models import Application, ApplicationUpdate
from applicants.selectors import open_request
from applicants.services import answers_save


class NothingToAnswer(InvalidStatusTransition):
    """The application is not waiting for the resident (no open request for information)."""


class AnswerNotRequested(ValueError):
    """The response changes an answer the request did not name."""


def _resident(user):
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def application_withdraw(*, application: Application, user=None) -> Application:
    """Withdraw the resident's application and tell its agency through the outbox.

    `user` is the signed-in resident (None for a guest in their own session). Raises
    `InvalidStatusTransition` when the application is already decided or withdrawn.
    """
    locked = _locked(Application.objects).get(pk=application.pk)
    event = _set_status(
        application=locked,
        status=Status.WITHDRAWN,
        note=gettext("Withdrawn by the resident."),
        acting_user=_resident(user),
    )
    deliveries_create_for_event(
        application=locked, event=Delivery.Event.WITHDRAWN, audit_event=event
    )
    return locked


# Over 60 lines: one transaction in the order the audit trail reads it (lock, check,
# snapshot, reply, audit, status, outbox).
@transaction.atomic
def application_respond(
    *, application: Application, reply: str = "", answers: dict | None = None, user=None
) -> Application:
    """Answer the open request for information: save the corrected answers and uploaded
    documents as a new frozen snapshot (the old one is kept on the reply), record the
    reply, move the application to `resubmitted` and tell the agency through the outbox.

    Only the documents and questions the request named may change (`AnswerNotRequested`
    otherwise); the resident's profile is updated too so later applications pre-fill.
    Raises `NothingToAnswer` when the application is not waiting for the resident.
    """

    answers = dict(answers or {})
    reply = (reply or "").strip()
    locked = _locked(Application.objects).get(pk=application.pk)
    if not can_transition(locked.status, Status.RESUBMITTED):
        raise NothingToAnswer(
            locked.status,
            Status.RESUBMITTED,
            gettext("This application is not waiting for an answer from you."),
        )
    request = open_request(application=locked)
    allowed = set(request.requested_documents + request.requested_questions) if request else set()
    unexpected = sorted(set(answers) - allowed)
    if unexpected:
        raise AnswerNotRequested(
            gettext("These answers were not asked for: %(keys)s") % {"keys": ", ".join(unexpected)}
        )
    if not reply and not answers:
        raise AnswerNotRequested(gettext("Write a reply or give what was asked for."))
    changed = sorted(key for key, value in answers.items() if locked.answers.get(key) != value)
    previous = dict(locked.answers)
    if changed:
        locked.answers = {**previous, **{key: answers[key] for key in changed}}
        locked.save(update_fields=["answers"])
        answers_save(
            applicant=locked.submission.applicant, values={key: answers[key] for key in changed}
        )
    ApplicationUpdate.objects.create(
        application=locked,
        kind=ApplicationUpdate.Kind.REPLY,
        status=Status.RESUBMITTED,
        message=reply,
        replaced_answers=previous if changed else None,
    )
    actor = _resident(user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.RESIDENT_RESPONDED,
        application=locked,
        before={"answers": {key: previous.get(key) for key in changed}},
        after={"answers": {key: answers[key] for key in changed}},
        note=reply,
    )
    event = _set_status(
        application=locked,
        status=Status.RESUBMITTED,
        note=gettext("The resident answered the request."),
        acting_user=actor,
    )
    deliveries_create_for_event(
        application=locked, event=Delivery.Event.RESUBMITTED, audit_event=event
    )
    return locked
