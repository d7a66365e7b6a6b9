"""The export actions the admin, the command and the tasks call: each checks scope,
records the export in the audit trail, then hands back what to stream or queues the work.
"""

from __future__ import annotations

from django.db import transaction

from agencies.exports.audit import export_record
from agencies.exports.csv_export import CsvExport, prepare_csv_export
from agencies.exports.models import BatchExport
from agencies.exports.pdf_export import PdfOptions
from agencies.exports.pdf_store import stored_application_pdf
from agencies.exports.selection import ExportError, ExportRange, check_range
from agencies.exports.tasks import build_batch_export
from agencies.review.selectors import applications_for_user, programs_for_user

SENSITIVE_PERMISSION = "programs.view_sensitive_answers"
EXPORT_PERMISSION = "agencies.export_applications"


def user_can_view_sensitive(user) -> bool:
    return bool(user is not None and user.has_perm(SENSITIVE_PERMISSION))


def _check_program(*, user, program) -> None:
    # The same answer for another agency's program as for one that does not exist.
    if not programs_for_user(user=user).filter(pk=program.pk).exists():
        raise ExportError("No such program in your agencies.", path="program")


def csv_export_for_user(
    *,
    user,
    export_range: ExportRange,
    question_keys: list[str] | None = None,
    drop_empty_columns: bool = False,
    bom: bool = False,
    queryset=None,
) -> CsvExport:
    """A CSV export of `export_range` limited to what `user` may see, recorded in the
    audit trail. `queryset` narrows it further (e.g. the rows selected in the admin)."""
    _check_program(user=user, program=export_range.program)
    scoped = applications_for_user(user=user)
    if queryset is not None:
        scoped = scoped.filter(pk__in=queryset.values("pk"))
    export = prepare_csv_export(
        queryset=scoped,
        export_range=export_range,
        question_keys=question_keys,
        drop_empty_columns=drop_empty_columns,
        can_view_sensitive=user_can_view_sensitive(user),
        bom=bom,
    )
    export_record(
        actor=user,
        agency=export_range.program.agency_id,
        kind="csv",
        details={
            **export_range.describe(),
            "columns": question_keys or "all",
            "drop_empty_columns": drop_empty_columns,
            "selected_only": queryset is not None,
        },
        object_repr=f"CSV export of {export_range.program.slug}",
    )
    return export


def resident_application_pdf(*, application, language=None, base_url: str = "") -> bytes:
    """A resident's own application as PDF: the agencies' template, with every answer they
    gave (sensitive ones included: they are the resident's own) and no staff notes.
    Served from storage when an unchanged copy was rendered before."""
    return stored_application_pdf(
        application,
        options=PdfOptions(
            can_view_sensitive=True, staff=False, language=language, base_url=base_url
        ),
    ).read()


def application_pdf_for_user(*, user, application) -> bytes:
    """The agency's PDF of one application `user` may see (callers fetch it through
    `applications_for_user`); recorded in the audit trail."""
    pdf = stored_application_pdf(
        application,
        options=PdfOptions(can_view_sensitive=user_can_view_sensitive(user), staff=True),
    ).read()
    export_record(
        actor=user, agency=application.program.agency_id, kind="pdf", application=application
    )
    return pdf


@transaction.atomic
def batch_export_request(*, user, export_range: ExportRange) -> BatchExport:
    """Queue a zip of PDFs of `export_range` for `user`; the task starts on commit."""

    check_range(since=export_range.since, until=export_range.until)
    _check_program(user=user, program=export_range.program)
    batch = BatchExport.objects.create(
        requested_by=user,
        agency_id=export_range.program.agency_id,
        program=export_range.program,
        since=export_range.since,
        until=export_range.until,
        can_view_sensitive=user_can_view_sensitive(user),
    )
    export_record(
        actor=user,
        agency=batch.agency_id,
        kind="batch_pdf",
        details={**export_range.describe(), "batch": batch.pk},
        object_repr=f"PDF batch #{batch.pk} of {export_range.program.slug}",
    )
    transaction.on_commit(lambda: build_batch_export.delay(batch.pk))
    return batch


def batch_download_record(*, user, batch: BatchExport) -> None:
    export_record(
        actor=user,
        agency=batch.agency_id,
        kind="batch_download",
        details={"batch": batch.pk},
        object_repr=f"PDF batch #{batch.pk} downloaded",
    )
