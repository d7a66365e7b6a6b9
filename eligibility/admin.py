"""Reference tables in the admin: browse tables and periods, add or correct a period field by
field (``admin_periods``), upload or edit a table document, download it, and read the audit
trail. Every change goes through ``eligibility.table_services.table_document_import``: the
same checks (every error with its JSON path, nothing written on error), locks and audit rows
as ``manage.py import_tables``."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eligibility.admin_periods import import_messages, period_view
from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from eligibility.table_selectors import (
    document_text,
    period_is_locked,
    tables_document,
    tables_used_by_published_versions,
)
from eligibility.table_services import TablesImported, table_document_import
from programs.documents.errors import DocumentInvalid

MAX_UPLOAD_BYTES = 2_000_000


class TableDocumentUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Table document (JSON)"),
        help_text=_("A civiportal.tables/1 document, as written by “Download as a document”."),
    )


class TableDocumentEditForm(forms.Form):
    document = forms.CharField(
        label=_("Table document (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Add a period with a new effective_from date; a period published programs have "
            "used cannot be changed."
        ),
    )


def parse_document(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise forms.ValidationError(
            gettext("This is not valid JSON: %(error)s") % {"error": error}
        ) from error


class TablePeriodInline(admin.TabularInline):
    model = TablePeriod
    fields = readonly_fields = (
        "edit",
        "effective_from",
        "effective_to",
        "values",
        "additional_person",
        "value",
        "source_citation",
        "source_url",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Periods are part of their table: whoever may see the table sees them.
        return request.user.has_perm("eligibility.view_referencetable") or request.user.has_perm(
            "eligibility.change_referencetable"
        )

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are made per request: read the tables in use once, not per row.
        self._used = tables_used_by_published_versions()
        self._may_change = request.user.has_perm("eligibility.change_referencetable")
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("Change"))
    def edit(self, period):
        if period_is_locked(
            table_key=period.table.key, effective_from=period.effective_from, used=self._used
        ):
            return gettext("Locked: used by published programs")
        if not self._may_change:
            return "—"
        url = reverse("admin:eligibility_referencetable_period", args=[period.table_id, period.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Correct this period"))


@admin.register(ReferenceTable)
class ReferenceTableAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "unit", "source_publisher", "updated_at")
    search_fields = ("key", "title")
    fields = readonly_fields = (
        "key",
        "title",
        "title_es",
        "unit",
        "source_publisher",
        "source_url",
        "notes",
        "updated_at",
    )
    inlines = [TablePeriodInline]
    change_list_template = "admin/eligibility/referencetable/change_list.html"
    change_form_template = "admin/eligibility/referencetable/change_form.html"

    # Tables change only as documents (upload or edit), so every change is checked and audited.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="eligibility_referencetable_upload",
            ),
            path(
                "download/",
                self.admin_site.admin_view(self.download_view),
                name="eligibility_referencetable_download",
            ),
            path(
                "<int:pk>/periods/add/",
                self.admin_site.admin_view(self.period_view),
                name="eligibility_referencetable_add_period",
            ),
            path(
                "<int:pk>/periods/<int:period_pk>/",
                self.admin_site.admin_view(self.period_view),
                name="eligibility_referencetable_period",
            ),
            path(
                "<int:pk>/edit-document/",
                self.admin_site.admin_view(self.edit_view),
                name="eligibility_referencetable_edit_document",
            ),
            *super().get_urls(),
        ]

    def _may_change(self, request) -> bool:
        return request.user.has_perm("eligibility.change_referencetable")

    def _apply(self, request, form, data) -> TablesImported | None:
        via = TableChange.Via.UPLOAD if "document" in request.FILES else TableChange.Via.ADMIN
        try:
            result = table_document_import(data=data, via=via, acting_user=request.user)
        except DocumentInvalid as error:
            for problem in error.errors:
                form.add_error(None, str(problem))
            return None
        import_messages(request, result)
        return result

    def period_view(self, request, pk, period_pk=None):
        return period_view(self, request, pk, period_pk)

    def _render(self, request, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "is_upload": isinstance(form, TableDocumentUploadForm),
        }
        return TemplateResponse(request, "admin/eligibility/table_document_form.html", context)

    def upload_view(self, request):
        if not self._may_change(request):
            raise PermissionDenied
        form = TableDocumentUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["document"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("document", gettext("The file is too large (2 MB at most)."))
            else:
                try:
                    data = parse_document(upload.read())
                except forms.ValidationError as error:
                    form.add_error("document", error)
                else:
                    if self._apply(request, form, data) is not None:
                        return HttpResponseRedirect(
                            reverse("admin:eligibility_referencetable_changelist")
                        )
        return self._render(request, form, gettext("Upload a table document"))

    def edit_view(self, request, pk):
        if not self._may_change(request):
            raise PermissionDenied
        table = get_object_or_404(ReferenceTable, pk=pk)
        initial = {"document": document_text(tables_document(keys=[table.key]))}
        form = TableDocumentEditForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                data = parse_document(form.cleaned_data["document"])
            except forms.ValidationError as error:
                form.add_error("document", error)
            else:
                if self._apply(request, form, data) is not None:
                    return HttpResponseRedirect(
                        reverse("admin:eligibility_referencetable_change", args=[pk])
                    )
        return self._render(
            request, form, gettext("Edit %(table)s as a document") % {"table": table.key}
        )

    def download_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            document_text(tables_document()), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="reference-tables.json"'
        return response


@admin.register(TableChange)
class TableChangeAdmin(admin.ModelAdmin):
    """The audit trail of table changes: read only (the rows themselves refuse changes)."""

    list_display = ("created_at", "table_key", "action", "effective_from", "via", "acting_user")
    list_filter = ("action", "via", "table_key")
    list_select_related = ("acting_user",)
    fields = readonly_fields = (
        "created_at",
        "table_key",
        "action",
        "effective_from",
        "via",
        "acting_user",
        "before",
        "after",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Registered on import: the programs screening had to leave out.
from eligibility import admin_failures  # noqa: E402, F401
