"""Program documents in the admin: upload (the same validation and import as
`manage.py import_programs`: every error at once, nothing written on error), download (as
`export_programs` writes them) and the readable comparison of two versions."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..documents.errors import DocumentInvalid
from ..documents.export import export_document, program_document
from ..documents.limits import MAX_DOCUMENT_BYTES, document_read
from ..models import ProgramVersion, PublishedVersionIsImmutable
from ..selectors import versions_for_export
from ..services import program_document_import
from ..templatetags.portal_forms import summary_items
from .diff import version_diff
from .editor import Bank
from .sentences import Describer


class ProgramDocumentUploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Program document (JSON)"),
        help_text=gettext_lazy("As written by export_programs or downloaded here; 5 MB at most."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish each imported program at once"), required=False
    )


def _import(form, user) -> tuple[list, list, list[str]]:
    """(versions, warnings, errors) for the uploaded document; nothing is written on error."""
    upload = form.cleaned_data["document"]
    if upload.size > MAX_DOCUMENT_BYTES:
        form.add_error("document", _("The file is larger than 5 MB."))
        return [], [], []
    try:
        data = document_read(upload.read())
        versions, warnings = program_document_import(
            data=data, publish=form.cleaned_data["publish"], acting_user=user
        )
    except DocumentInvalid as error:
        return [], [], [str(e) for e in error.errors]
    except PublishedVersionIsImmutable as error:
        return [], [], [str(error)]
    return versions, warnings, []


def upload_view(request, *, user):
    form = ProgramDocumentUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        versions, warnings, errors = _import(form, user)
        for warning in warnings:
            messages.warning(request, str(warning))
        for version in versions:
            messages.success(
                request,
                _("%(program)s: version %(number)s (%(status)s) imported.")
                % {
                    "program": version.program.name,
                    "number": version.number,
                    "status": version.get_status_display(),
                },
            )
        if versions:
            return redirect(reverse("admin:programs_program_changelist"))
    summary = summary_items(form) if form.is_bound else []
    context = {"form": form, "errors": errors, "summary": summary}
    return TemplateResponse(request, "programs/builder/upload.html", context)


def _attachment(document: dict, filename: str) -> HttpResponse:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_all_view(request):
    versions, _missing = versions_for_export()
    return _attachment(export_document(versions), "programs.json")


def download_version_view(request, pk):
    version = get_object_or_404(ProgramVersion.objects.select_related("program__agency"), pk=pk)
    return _attachment(export_document([version]), f"{version.program.slug}-v{version.number}.json")


def compare_view(request, pk):
    version = get_object_or_404(ProgramVersion.objects.select_related("program__agency"), pk=pk)
    others = version.program.versions.exclude(pk=pk).order_by("-number")
    chosen = request.GET.get("with", "")
    other = next((v for v in others if str(v.pk) == chosen), None)
    if other is None:
        other = next((v for v in others if v.number < version.number), None)
    sections = []
    if other is not None:
        bank = Bank()
        describer = Describer(bank.infos, bank.tables)
        sections = version_diff(program_document(other), program_document(version), describer)
    context = {
        "version": version,
        "program": version.program,
        "others": others,
        "other": other,
        "sections": sections,
    }
    return TemplateResponse(request, "programs/builder/compare.html", context)
