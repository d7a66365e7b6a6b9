"""Background exports: the batch zip of PDFs, with progress the admin shows."""

from __future__ import annotations

import logging
import secrets
import tempfile

from celery import shared_task
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from agencies.exports.batch import write_pdf_zip
from agencies.exports.models import BatchExport
from agencies.exports.pdf_export import PdfOptions
from agencies.exports.pdf_store import submission_pdfs_render
from agencies.exports.selection import ExportRange, applications_in_range
from agencies.review.selectors import applications_for_user

logger = logging.getLogger(__name__)

# Progress is written every few PDFs, not after each: one UPDATE per PDF would be as
# many writes as renders for no visible gain.
PROGRESS_EVERY = 10


def batch_queryset(batch: BatchExport):
    """The batch's applications, scoped again at build time to what its requester may
    see now (a membership removed since the request narrows the batch to nothing)."""
    scoped = applications_for_user(user=batch.requested_by)
    return applications_in_range(
        scoped, ExportRange(program=batch.program, since=batch.since, until=batch.until)
    )


@shared_task(
    name="agencies.export_tasks.build_batch_export",
    acks_late=True,
    # A batch renders one PDF per application (about 0.1 s each): far above the default
    # limit for a large program, so the batch task has its own.
    time_limit=4 * 3600,
    soft_time_limit=4 * 3600 - 60,
)
def build_batch_export(batch_id: int) -> str:
    """Build the zip of a pending batch. Safe to run twice: the batch is claimed by a
    conditional update (pending -> running), so a second run finds it taken and returns.
    """
    claimed = BatchExport.objects.filter(pk=batch_id, status=BatchExport.Status.PENDING).update(
        status=BatchExport.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not pending"
    batch = BatchExport.objects.select_related("program", "requested_by").get(pk=batch_id)
    try:
        queryset = batch_queryset(batch)
        total = queryset.count()
        BatchExport.objects.filter(pk=batch.pk).update(total=total)
        options = PdfOptions(can_view_sensitive=batch.can_view_sensitive, staff=True)

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                BatchExport.objects.filter(pk=batch.pk).update(done=done)

        with tempfile.TemporaryFile(suffix=".zip") as handle:
            written = write_pdf_zip(queryset, handle, options=options, progress=progress)
            handle.seek(0)
            # An unguessable name: the file is only served by the permission-checked view,
            # and the name never appears anywhere a URL could leak it.
            name = f"exports/batch-{batch.pk}-{secrets.token_hex(8)}.zip"
            path = default_storage.save(name, File(handle))
    except Exception as error:
        # Rendering bugs are not transient: record the failure for the admin rather than
        # retrying, and let the worker log the traceback.
        logger.exception("batch export %s failed", batch_id)
        BatchExport.objects.filter(pk=batch.pk).update(
            status=BatchExport.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return "failed"
    BatchExport.objects.filter(pk=batch.pk).update(
        status=BatchExport.Status.READY,
        done=written,
        total=max(total, written),
        file_path=path,
        finished_at=timezone.now(),
    )
    return "ready"


@shared_task(name="agencies.export_tasks.render_submission_pdfs", acks_late=True)
def render_submission_pdfs(submission_id: int) -> int:
    """Render and store a new submission's PDFs so downloads and batches serve files."""

    return submission_pdfs_render(submission_id=submission_id)


@shared_task(name="agencies.export_tasks.render_application_pdfs", acks_late=True)
def render_application_pdfs(application_id: int) -> int:
    """Render again the stored PDFs of an application whose history changed."""
    from agencies.exports.pdf_store import application_pdfs_rerender

    return application_pdfs_rerender(application_id=application_id)
