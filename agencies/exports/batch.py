"""A zip of application PDFs, written one PDF at a time (memory holds one PDF, not the
batch). Used by the Celery batch task and by the `export_applications` command. PDFs
come from the store (`pdf_store.py`): an application whose PDF was rendered before and
has not changed since is copied from its file, not laid out again."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable

from django.db.models import QuerySet

from agencies.exports.pdf_export import PdfOptions, pdf_filename
from agencies.exports.pdf_store import StoredPdf, stored_application_pdf
from agencies.review.selectors import application_screens

CHUNK_SIZE = 100


def _with_pdf_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("program", "program__agency", "submission")


def iter_stored_pdfs(queryset: QuerySet, *, options: PdfOptions):
    """(filename, stored PDF) for each application; screens fetched once per version."""
    screens_by_version: dict[int, list] = {}
    for application in _with_pdf_relations(queryset).iterator(chunk_size=CHUNK_SIZE):
        screens = screens_by_version.get(application.program_version_id)
        if screens is None:
            screens = application_screens(application=application)
            screens_by_version[application.program_version_id] = screens
        yield (
            pdf_filename(application),
            stored_application_pdf(application, options=options, screens=screens),
        )


def iter_pdfs(queryset: QuerySet, *, options: PdfOptions):
    """(filename, PDF bytes) for each application."""
    for name, stored in iter_stored_pdfs(queryset, options=options):
        yield name, stored.read()


def _copy_into(archive: zipfile.ZipFile, name: str, stored: StoredPdf) -> None:
    with stored.open() as source, archive.open(name, "w") as target:
        shutil.copyfileobj(source, target)


def write_pdf_zip(
    queryset: QuerySet,
    target,
    *,
    options: PdfOptions,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every application of `queryset` as a PDF into a zip at `target` (a path or a
    binary file). Calls `progress(done)` after each. Returns the number written."""
    done = 0
    # PDFs are already compressed: storing them saves CPU and barely changes the size.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, stored in iter_stored_pdfs(queryset, options=options):
            _copy_into(archive, name, stored)
            done += 1
            if progress is not None:
                progress(done)
    return done
