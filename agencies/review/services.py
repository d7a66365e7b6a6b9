"""Business actions of the caseworker review: status changes, assignment, notes, the
audit trail and bulk status changes (those from an uploaded CSV: `csv_updates.py`). The
admin, commands and tasks all call these functions.

Every action writes its `AuditEvent` in the same transaction as the change, and the
resident's email is queued only once that transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from agencies.review.models import AgencyMembership, AuditEvent
from agencies.review.notifications import status_notification_create
from agencies.review.workflow import (
    InvalidStatusTransition,
    Status,
    check_transition,
)
from applicants.models import Application, ApplicationUpdate
from applicants.renewals import certify_on_approval


class InvalidAssignee(ValueError):
    """The chosen person does not work for the application's agency."""


class EmptyNote(ValueError):
    """A note was added with no text."""


def _actor_repr(user) -> str:
    if user is None:
        return "system"
    return user.get_username() or f"user #{user.pk}"


def audit_record(
    *,
    actor,
    action: str,
    application: Application | None = None,
    agency=None,
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one row to the audit trail. Call it inside the action's own transaction."""
    if agency is None and application is not None:
        agency_id = application.program.agency_id
    else:
        agency_id = getattr(agency, "pk", agency)
    return AuditEvent.objects.create(
        actor=actor,
        actor_repr=_actor_repr(actor),
        action=action,
        application=application,
        agency_id=agency_id,
        object_repr=object_repr or (str(application) if application is not None else ""),
        before=before or {},
        after=after or {},
        note=note,
    )


def _set_status(
    *,
    application: Application,
    status: str,
    note: str,
    acting_user,
    resident_message: str = "",
    requested_documents=(),
    requested_questions=(),
) -> AuditEvent:
    """Change one locked application's status; the caller holds the transaction.

    `note` is internal; `resident_message` is what the resident reads (history, email).
    """
    check_transition(current=application.status, requested=status, note=note)
    resident_message = (resident_message or "").strip()
    before = application.status
    application.status = status
    application.status_changed_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at"])
    if status == Status.APPROVED:
        certify_on_approval(application)
    event = audit_record(
        actor=acting_user,
        action=AuditEvent.Action.STATUS_CHANGED,
        application=application,
        before={"status": before},
        after={"status": status},
        note=note.strip(),
    )
    ApplicationUpdate.objects.create(
        application=application,
        kind=ApplicationUpdate.Kind.STATUS,
        status=status,
        message=resident_message,
        requested_documents=list(requested_documents),
        requested_questions=list(requested_questions),
    )
    status_notification_create(
        application=application, event=event, resident_message=resident_message
    )
    return event


def _locked(queryset):
    return queryset.select_for_update(of=("self",)).select_related(
        "program", "submission", "submission__applicant"
    )


@transaction.atomic
def application_set_status(
    *,
    application: Application,
    status: str,
    note: str = "",
    acting_user,
    resident_message: str = "",
    requested_documents=(),
    requested_questions=(),
) -> Application:
    """Move `application` to `status`, recording who did it and why, and queue the
    resident's email on commit.

    `note` stays internal; `resident_message` is shown to the resident (their page, the
    email, the PDF). Asking for more information may name what is needed: file question
    keys in `requested_documents`, other question keys in `requested_questions`.

    Raises `InvalidStatusTransition` for a move the workflow does not allow,
    `NoteRequired` (a subclass) when the move needs a note and none was given.
    """
    locked = _locked(Application.objects).get(pk=application.pk)
    _set_status(
        application=locked,
        status=status,
        note=note or "",
        acting_user=acting_user,
        resident_message=resident_message,
        requested_documents=requested_documents,
        requested_questions=requested_questions,
    )
    application.status = locked.status
    application.status_changed_at = locked.status_changed_at
    return locked


@dataclass
class BulkResult:
    changed: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


@transaction.atomic
def applications_bulk_set_status(
    *, applications, status: str, note: str = "", acting_user
) -> BulkResult:
    """Move every application that may make the move to `status`; leave the others as they
    are and say why each was skipped. All changes commit together."""
    if isinstance(applications, QuerySet):
        ids = list(applications.order_by().values_list("pk", flat=True))
    else:
        ids = [a.pk for a in applications]
    result = BulkResult()
    for application in _locked(Application.objects.filter(pk__in=ids)).order_by("pk"):
        try:
            _set_status(
                application=application, status=status, note=note or "", acting_user=acting_user
            )
        except InvalidStatusTransition as error:
            result.skipped.append((application, str(error)))
        else:
            result.changed.append(application)
    return result


@transaction.atomic
def application_assign(*, application: Application, assignee, acting_user) -> Application:
    """Assign `application` to `assignee` (None to unassign), who must be a member of the
    application's agency."""
    locked = _locked(Application.objects).get(pk=application.pk)
    if assignee is not None and not (
        assignee.is_active
        and AgencyMembership.objects.filter(
            user=assignee, agency_id=locked.program.agency_id
        ).exists()
    ):
        raise InvalidAssignee(
            gettext("%(user)s is not a member of %(agency)s.")
            % {"user": assignee, "agency": locked.program.agency}
        )
    before = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    audit_record(
        actor=acting_user,
        action=AuditEvent.Action.ASSIGNED,
        application=locked,
        before={"assignee": before},
        after={
            "assignee": getattr(assignee, "pk", None),
            "assignee_name": assignee.get_username() if assignee else "",
        },
    )
    application.assignee = assignee
    return locked


@transaction.atomic
def application_add_note(*, application: Application, note: str, acting_user) -> AuditEvent:
    """Add a caseworker note to the application's record (not shown to the resident)."""
    if not (note or "").strip():
        raise EmptyNote(gettext("Write a note before saving it."))
    return audit_record(
        actor=acting_user,
        action=AuditEvent.Action.NOTE_ADDED,
        application=application,
        note=note.strip(),
    )


def application_record_sensitive_view(
    *, application: Application, question_key: str, acting_user
) -> AuditEvent:
    """Record that `acting_user` revealed a sensitive answer."""
    return audit_record(
        actor=acting_user,
        action=AuditEvent.Action.SENSITIVE_VIEWED,
        application=application,
        after={"question": question_key},
    )


def application_record_file_download(
    *, application: Application, question_key: str, file_name: str, acting_user
) -> AuditEvent:
    """Record that `acting_user` downloaded a resident's uploaded file."""
    return audit_record(
        actor=acting_user,
        action=AuditEvent.Action.FILE_DOWNLOADED,
        application=application,
        after={"question": question_key, "file": file_name},
    )
