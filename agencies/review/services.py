"""Business actions of the caseworker review: status changes, assignment, notes, the
audit trail and bulk updates. The admin, commands and tasks all call these functions.

Every action writes its `AuditEvent` in the same transaction as the change, and the
resident's email is queued only once that transaction commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from agencies.review.models import AgencyMembership, AuditEvent
from agencies.review.notifications import status_notification_create
from agencies.review.selectors import applications_for_user
from agencies.review.workflow import (
    InvalidStatusTransition,
    Status,
    check_transition,
)
from applicants.models import Application, ApplicationUpdate
from applicants.renewals import certify_on_approval

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


# Over 60 lines: header, rows and references are checked in one pass so the preview reports
# every bad row at once.
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
