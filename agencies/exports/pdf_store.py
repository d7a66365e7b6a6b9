"""Application PDFs rendered once and stored, re-rendered only when what they show changes.

Answers are frozen at submission, yet laying a PDF out (WeasyPrint) costs several times
more than everything else in a download. So each PDF is stored under a name that holds
a signature of its content: the HTML the PDF is laid out from, rendered with a fixed
"printed" date, plus the WeasyPrint version. Whatever the PDF shows (answers, status
history, staff notes, masking, language, program texts, the template itself) is in that
HTML, so any change to it gives a new name and the next request renders again; an
unchanged application is served from storage without WeasyPrint. The stored copy keeps
the "printed" date of its render.

The files hold residents' answers: they live in the default (private) storage like
uploaded documents, are served only through the permission-checked views, and are
deleted with their application.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from agencies.exports.pdf_export import PdfOptions, application_pdf_context
from applicants.models import Application
from civiportal.after_response import on_commit_after_response

logger = logging.getLogger(__name__)

STORE_DIR = "application-pdfs"
# Stands in for the "printed" date when computing the signature: that date changes on
# every render and is the one thing a stored copy may show differently.
_SIGNATURE_PRINTED_AT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class StoredPdf:
    name: str  # in default_storage
    rendered: bool  # False when an earlier render was served

    def open(self):
        return default_storage.open(self.name, "rb")

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read()


def _variant(options: PdfOptions, language: str) -> str:
    audience = "staff" if options.staff else "resident"
    answers = "full" if options.can_view_sensitive else "masked"
    return f"{audience}-{answers}-{language}"


def _html(context: dict, language: str, printed_at) -> str:
    with translation.override(language):
        return render_to_string(
            "exports/application_pdf.html", {**context, "generated_at": printed_at}
        )


def _weasyprint_version() -> str:
    import weasyprint

    return weasyprint.__version__


def stored_application_pdf(
    application: Application, *, options: PdfOptions, screens=None
) -> StoredPdf:
    """The PDF of `application` for the audience of `options`, from storage when its
    content has not changed since it was stored, else rendered now and stored."""
    language = options.language or translation.get_language() or "en"
    # The context translates some texts itself: build it in the PDF's language.
    with translation.override(language):
        context = application_pdf_context(
            application,
            options=PdfOptions(**{**options.__dict__, "language": language}),
            screens=screens,
        )
    digest = hashlib.sha256(_weasyprint_version().encode())
    digest.update(_html(context, language, _SIGNATURE_PRINTED_AT).encode())
    variant = _variant(options, language)
    folder = f"{STORE_DIR}/{application.pk}"
    name = f"{folder}/{variant}-{digest.hexdigest()[:40]}.pdf"
    if default_storage.exists(name):
        return StoredPdf(name=name, rendered=False)

    from weasyprint import HTML

    html = _html(context, language, timezone.localtime())
    pdf = HTML(string=html, base_url=options.base_url or None).write_pdf()
    if not default_storage.exists(name):  # a concurrent render may have stored it
        default_storage.save(name, ContentFile(pdf))
    _delete_older(folder, keep=name, variant=variant)
    return StoredPdf(name=name, rendered=True)


def _delete_older(folder: str, *, keep: str, variant: str) -> None:
    """Earlier renders of the same variant show outdated content: drop them."""
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        if filename.startswith(f"{variant}-") and f"{folder}/{filename}" != keep:
            default_storage.delete(f"{folder}/{filename}")


def stored_pdfs_delete(*, application_id: int) -> None:
    """Remove every stored PDF of an application (called when it is deleted)."""
    folder = f"{STORE_DIR}/{application_id}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        default_storage.delete(f"{folder}/{filename}")


def pdfs_delete_with_application(sender, *, instance, **kwargs) -> None:
    """Receiver of Application's post_delete (e.g. the guest purge): its PDFs go too."""
    transaction.on_commit(partial(stored_pdfs_delete, application_id=instance.pk))


def background_variants(application: Application) -> list[PdfOptions]:
    """The PDFs rendered ahead of the first download: the resident's copy in the language
    they submitted in, and the agency's copy with and without sensitive answers."""
    from django.conf import settings

    return [
        PdfOptions(can_view_sensitive=True, staff=False, language=application.submission.language),
        PdfOptions(can_view_sensitive=True, staff=True, language=settings.LANGUAGE_CODE),
        PdfOptions(can_view_sensitive=False, staff=True, language=settings.LANGUAGE_CODE),
    ]


def application_pdfs_render(application: Application, *, screens=None) -> int:
    """Render and store the background variants of one application that are not stored
    with their current content; returns how many were rendered (0: all up to date)."""
    from agencies.review.selectors import application_screens

    if screens is None:
        screens = application_screens(application=application)
    return sum(
        stored_application_pdf(application, options=options, screens=screens).rendered
        for options in background_variants(application)
    )


def _applications(**filters):
    return Application.objects.filter(**filters).select_related(
        "program", "program__agency", "submission"
    )


def submission_pdfs_render(*, submission_id: int) -> int:
    """Render and store the PDFs of every application of a submission; returns how many
    were rendered (0 when all were stored already: safe to run twice)."""
    return sum(map(application_pdfs_render, _applications(submission_id=submission_id)))


def application_pdfs_rerender(*, application_id: int) -> int:
    """Render again the stored PDFs of an application whose history changed (0 if it is
    gone or they are up to date); the outdated files are replaced."""
    return sum(map(application_pdfs_render, _applications(pk=application_id)))


def pdfs_render_after_submission(sender, *, submission, **kwargs) -> None:
    """Receiver of `applicants.signals.submission_created`: queue the background render
    once the submission commits. The one place the render is hooked to submission."""
    from agencies.exports.tasks import render_submission_pdfs

    on_commit_after_response(partial(_enqueue_render, render_submission_pdfs, submission.pk))


def pdfs_render_after_update(sender, *, instance, created: bool, **kwargs) -> None:
    """Receiver of `ApplicationUpdate`'s post_save: every entry of the resident-visible
    history (a status change, its message, a request, the resident's reply, a withdrawal)
    changes what the PDFs show, so they are rendered again in the background once it
    commits, and a download after that serves the new file at once."""
    if not created:
        return
    from agencies.exports.tasks import render_application_pdfs

    transaction.on_commit(
        partial(_enqueue_render, render_application_pdfs, instance.application_id)
    )


def _enqueue_render(task, object_id: int) -> None:
    # Without a broker (the embedded demo) the task would run inside the request that
    # caused it: leave the render to the first download instead.
    if task.app.conf.task_always_eager:
        return
    try:
        task.apply_async(args=[object_id], retry=False)
    # What caused the render is committed: a broker error must not reach the resident or
    # the caseworker. The first download renders the PDF in place instead.
    except Exception:
        logger.warning(
            "Could not queue %s for %s; the PDFs render on first download.",
            task.name,
            object_id,
            exc_info=True,
        )
