"""Status changes from an uploaded CSV: a preview that checks every row without changing
anything, then all rows applied in one transaction or none.

Each change goes through the review services' status change, so it is audited and the
resident's email is queued on commit like any other.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from agencies.review.models import AuditEvent
from agencies.review.selectors import applications_for_user
from agencies.review.services import _locked, _set_status, audit_record
from agencies.review.workflow import InvalidStatusTransition, Status, check_transition
from applicants.models import Application

CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 5000


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
