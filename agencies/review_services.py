"""Business actions of the caseworker review: status changes, assignment, notes, the
audit trail and bulk updates. The admin, commands and tasks all call these functions.

Every action writes its `AuditEvent` in the same transaction as the change, and the
resident's email is queued only once that transaction commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from agencies.review_models import (
    AgencyMembership,
    AuditEvent,
    ProgramStatusMessage,
    ResidentNotification,
)
from agencies.selectors import applications_for_user
from agencies.workflow import (
    InvalidStatusTransition,
    Status,
    check_transition,
)
from applicants.models import Application

CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 5000


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


# Said to the resident when the program has not written its own message for a status.
DEFAULT_STATUS_MESSAGES = {
    Status.SUBMITTED: gettext_lazy("We received your application."),
    Status.IN_REVIEW: gettext_lazy("A caseworker is now reviewing your application."),
    Status.MORE_INFO_NEEDED: gettext_lazy(
        "We need more information to decide on your application. Please sign in to see "
        "what is needed, or contact the agency."
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
    message is the subject line and the address of their applications."""
    from django.conf import settings
    from django.template.loader import render_to_string

    with translation.override(language):
        context = {
            "application": application,
            "program_name": application.program.text("name", language),
            "status_label": Application.Status(status).label,
            "message": message,
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(
            render_to_string("agencies/email/status_changed_subject.txt", context).split()
        )
        if channel == "sms":
            return subject, f"{subject} {settings.SITE_URL}/"
        return subject, render_to_string("agencies/email/status_changed.txt", context)


def _status_outbox_write(*, application: Application, event_id: int, status: str,
                         message: str, language: str):  # fmt: skip
    """The resident's message about a status change, written to the notification outbox;
    returns the row to link (the email one if any), or None when they gave no address."""
    from notifications.services import notify_resident

    rows = notify_resident(
        applicant=application.submission.applicant,
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


def _notification_create(*, application: Application, event: AuditEvent) -> None:
    """Record what the resident is told (the caseworker-facing ResidentNotification) and
    write the message itself to the notification outbox, in the status change's own
    transaction: it is sent after commit, never while the application row is locked."""
    language = (application.submission.language or "en").split("-")[0]
    status = event.after["status"]
    message = status_message_for_resident(application=application, status=status, language=language)
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


def _set_status(*, application: Application, status: str, note: str, acting_user) -> AuditEvent:
    """Change one locked application's status; the caller holds the transaction."""
    check_transition(current=application.status, requested=status, note=note)
    before = application.status
    application.status = status
    application.status_changed_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at"])
    event = audit_record(
        actor=acting_user,
        action=AuditEvent.Action.STATUS_CHANGED,
        application=application,
        before={"status": before},
        after={"status": status},
        note=note.strip(),
    )
    _notification_create(application=application, event=event)
    return event


def _locked(queryset):
    return queryset.select_for_update(of=("self",)).select_related(
        "program", "submission", "submission__applicant"
    )


@transaction.atomic
def application_set_status(
    *, application: Application, status: str, note: str = "", acting_user
) -> Application:
    """Move `application` to `status`, recording who did it and why, and queue the
    resident's email on commit.

    Raises `InvalidStatusTransition` for a move the workflow does not allow and
    `NoteRequired` (a subclass) when the move needs a note and none was given.
    """
    locked = _locked(Application.objects).get(pk=application.pk)
    _set_status(application=locked, status=status, note=note or "", acting_user=acting_user)
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


# --- bulk updates from an uploaded CSV ----------------------------------------------------


class CsvFileError(ValueError):
    """The upload as a whole cannot be read (encoding, size, missing columns)."""


@dataclass
class CsvRow:
    line: int
    reference: str
    status: str
    note: str
    application: Application | None = None
    current_status: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else self.status

    @property
    def current_label(self) -> str:
        return Status(self.current_status).label if self.current_status else ""


@dataclass
class CsvPreview:
    rows: list[CsvRow]
    text: str

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


HEADER_ALIASES = {
    "reference": "reference",
    "ref": "reference",
    "status": "status",
    "new status": "status",
    "new_status": "status",
    "note": "note",
    "notes": "note",
}


def _status_from_cell(cell: str) -> str | None:
    wanted = cell.strip().lower()
    for value, label in Status.choices:
        if wanted in {value, str(label).lower()}:
            return value
    return None


def _read_csv_text(csv_file) -> str:
    raw = csv_file.read(CSV_MAX_BYTES + 1) if hasattr(csv_file, "read") else csv_file
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > CSV_MAX_BYTES:
        raise CsvFileError(gettext("The file is larger than 2 MB; split it into smaller files."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(
            gettext("The file is not UTF-8 text (byte %(position)s). Save it as CSV UTF-8.")
            % {"position": error.start + 1}
        ) from error


def status_changes_from_csv(*, agency_scope_user, csv_file) -> CsvPreview:
    """Read and check a CSV of (reference, new status, note) rows without changing
    anything: each row says whether it can be applied and, if not, why.

    References outside the user's agencies are reported exactly like unknown ones, so the
    upload cannot be used to learn which references exist elsewhere.
    """
    text = _read_csv_text(csv_file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError(gettext("The file is empty.")) from None
    except csv.Error as error:
        raise CsvFileError(gettext("The file is not valid CSV: %s") % error) from error
    columns = {}
    for index, name in enumerate(header):
        key = HEADER_ALIASES.get(name.strip().lower())
        if key and key not in columns:
            columns[key] = index
    missing = [name for name in ("reference", "status") if name not in columns]
    if missing:
        raise CsvFileError(
            gettext("The first row must name the columns reference, status and note; missing: %s")
            % ", ".join(missing)
        )

    rows: list[CsvRow] = []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= CSV_MAX_ROWS:
                raise CsvFileError(
                    gettext("The file has more than %(max)s rows; split it.")
                    % {"max": CSV_MAX_ROWS}
                )

            def cell(name, cells=cells):
                index = columns.get(name)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            raw_status = cell("status")
            rows.append(
                CsvRow(
                    line=line,
                    reference=cell("reference"),
                    status=_status_from_cell(raw_status) or raw_status,
                    note=cell("note"),
                )
            )
    except csv.Error as error:
        raise CsvFileError(gettext("The file is not valid CSV: %s") % error) from error
    if not rows:
        raise CsvFileError(gettext("The file has a header row but no changes."))

    references = [row.reference for row in rows if row.reference]
    found = {
        app.reference: app
        for app in applications_for_user(user=agency_scope_user)
        .filter(reference__in=references)
        .defer("answers", "eligibility")
    }
    _check_rows(rows, found)
    return CsvPreview(rows=rows, text=text)


def _check_rows(rows: list[CsvRow], found: dict[str, Application]) -> None:
    seen: set[str] = set()
    for row in rows:
        row.application = found.get(row.reference)
        row.current_status = row.application.status if row.application else ""
        if not row.reference:
            row.error = gettext("The reference is empty.")
        elif row.reference in seen:
            row.error = gettext("This reference appears more than once in the file.")
        elif row.application is None:
            row.error = gettext("No application with this reference in your agencies.")
        elif row.status not in Status.values:
            row.error = gettext("Unknown status %(status)r. Use one of: %(choices)s.") % {
                "status": row.status,
                "choices": ", ".join(Status.values),
            }
        else:
            try:
                check_transition(current=row.current_status, requested=row.status, note=row.note)
            except InvalidStatusTransition as error:
                row.error = str(error)
        seen.add(row.reference)


@transaction.atomic
def status_changes_apply_csv(*, acting_user, csv_text: str) -> CsvPreview:
    """Apply a previewed CSV in one transaction: every row or none.

    The rows are checked again under row locks (the queue may have moved since the
    preview); if any row is no longer valid nothing is changed and the returned preview
    carries the errors.
    """
    preview = status_changes_from_csv(agency_scope_user=acting_user, csv_file=csv_text)
    if not preview.ok:
        return preview
    ids = [row.application.pk for row in preview.rows]
    locked = {
        app.reference: app
        for app in _locked(applications_for_user(user=acting_user).filter(pk__in=ids)).order_by(
            "pk"
        )
    }
    _check_rows(preview.rows, locked)
    if not preview.ok:
        return preview
    upload = audit_record(
        actor=acting_user,
        action=AuditEvent.Action.BULK_UPLOAD,
        agency=None,
        object_repr=gettext("%(count)s status changes from CSV") % {"count": len(preview.rows)},
        after={"references": [row.reference for row in preview.rows]},
    )
    for row in preview.rows:
        _set_status(
            application=row.application,
            status=row.status,
            note=row.note or gettext("Bulk update (upload #%(id)s)") % {"id": upload.pk},
            acting_user=acting_user,
        )
    return preview
