"""Exports in the admin: CSV export page and action, an application's PDF, batch PDF zips
with progress and a permission-checked download, and agency API keys (the presets' column
picker is `admin_presets.py`).

Every queryset is scoped by `agencies.review.selectors` exactly like the review admin; every
export goes through `agencies.exports.services`, which records it in the audit trail.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.exports import services
from agencies.exports.api_auth import api_key_create, api_key_revoke
from agencies.exports.csv_export import csv_filename
from agencies.exports.forms import BatchRequestForm, CsvExportForm
from agencies.exports.models import AgencyApiKey, BatchExport, ExportPreset
from agencies.exports.pdf_export import pdf_filename
from agencies.exports.selection import ExportError, ExportRange
from agencies.review import selectors
from agencies.review.admin.scoping import AgencyScopedAdminMixin
from applicants.models import Application

EXPORT_PERMISSION = services.EXPORT_PERMISSION


def _require_export(request) -> None:
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied


def _csv_response(export, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export.lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@admin.register(BatchExport)
class BatchExportAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """The exports hub: batch PDF zips (with progress), plus the CSV and PDF pages."""

    list_display = ["created_at", "program", "since", "until", "progress", "requested_by", "file"]
    list_select_related = ["program", "requested_by"]
    list_filter = ["status", ("program", admin.RelatedOnlyFieldListFilter)]
    change_list_template = "exports/admin/batch_change_list.html"
    readonly_fields = [f.name for f in BatchExport._meta.fields]

    def has_add_permission(self, request):
        return False  # requested through the batch form, which queues the task

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(EXPORT_PERMISSION) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("progress"))
    def progress(self, batch):
        if batch.status == BatchExport.Status.RUNNING:
            return format_html(
                '<progress max="{}" value="{}">{}%</progress> {} / {}',
                batch.total or 1,
                batch.done,
                batch.percent,
                batch.done,
                batch.total,
            )
        if batch.status == BatchExport.Status.FAILED:
            return format_html("{}: {}", batch.get_status_display(), batch.error[:200])
        return batch.get_status_display()

    @admin.display(description=_("file"))
    def file(self, batch):
        if batch.status != BatchExport.Status.READY:
            return "—"
        url = reverse("admin:agencies_batchexport_download", args=[batch.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            ngettext("Download %(n)d PDF (zip)", "Download %(n)d PDFs (zip)", batch.done)
            % {"n": batch.done},
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("request/", wrap(self.request_view), name="agencies_batchexport_request"),
            path("csv/", wrap(self.csv_view), name="agencies_batchexport_csv"),
            path(
                "<int:batch_id>/download/",
                wrap(self.download_view),
                name="agencies_batchexport_download",
            ),
            path(
                "application/<int:application_id>/pdf/",
                wrap(self.application_pdf_view),
                name="agencies_application_pdf",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        running = (
            self.get_queryset(request)
            .filter(status__in=[BatchExport.Status.PENDING, BatchExport.Status.RUNNING])
            .exists()
        )
        extra_context = {**(extra_context or {}), "refresh": running}
        return super().changelist_view(request, extra_context)

    def _page(self, request, title, form, *, submit):
        return TemplateResponse(
            request,
            "exports/admin/export_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "form": form,
                "submit": submit,
            },
            status=400 if form.is_bound and form.errors else 200,
        )

    def request_view(self, request):
        _require_export(request)
        form = BatchRequestForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.batch_export_request(
                    user=request.user,
                    export_range=ExportRange(data["program"], data["since"], data["until"]),
                )
            except ExportError as error:
                form.add_error(error.path if error.path in form.fields else None, str(error))
            else:
                self.message_user(
                    request,
                    gettext("Batch #%(id)s queued; this page shows its progress.")
                    % {"id": batch.pk},
                    messages.SUCCESS,
                )
                return redirect("admin:agencies_batchexport_changelist")
        return self._page(
            request, _("Request a zip of application PDFs"), form, submit=_("Queue the batch")
        )

    def csv_view(self, request):
        _require_export(request)
        form = CsvExportForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            export_range = ExportRange(data["program"], data["since"], data["until"])
            try:
                export = services.csv_export_for_user(
                    user=request.user,
                    export_range=export_range,
                    question_keys=data["keys"] or None,
                    drop_empty_columns=data["drop_empty_columns"],
                    bom=data["bom"],
                )
            except ExportError as error:
                field = "question_keys" if error.path.startswith("question_keys") else error.path
                form.add_error(field if field in form.fields else None, str(error))
            else:
                if data.get("save_as") and not data.get("preset"):
                    ExportPreset.objects.update_or_create(
                        agency_id=data["program"].agency_id,
                        name=data["save_as"],
                        defaults={
                            "program": data["program"],
                            "question_keys": data["keys"],
                            "drop_empty_columns": data["drop_empty_columns"],
                            "created_by": request.user,
                        },
                    )
                return _csv_response(export, csv_filename(export_range))
        return self._page(request, _("Export applications as CSV"), form, submit=_("Download CSV"))

    def download_view(self, request, batch_id):
        _require_export(request)
        batch = self.get_queryset(request).filter(pk=batch_id).first()
        # Only whoever asked for it (or a superuser): the zip holds what *they* may see.
        if batch is None or not (
            request.user.is_superuser or batch.requested_by_id == request.user.pk
        ):
            raise Http404(gettext("No such export."))
        if batch.status != BatchExport.Status.READY or not default_storage.exists(batch.file_path):
            raise Http404(gettext("This export is not ready."))
        services.batch_download_record(user=request.user, batch=batch)
        response = FileResponse(
            default_storage.open(batch.file_path, "rb"),
            as_attachment=True,
            filename=f"{batch.program.slug}-pdfs-{batch.pk}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def application_pdf_view(self, request, application_id):
        application = (
            selectors.applications_for_user(user=request.user).filter(pk=application_id).first()
        )
        if application is None:
            raise Http404(gettext("No such record in your agencies."))
        if not request.user.has_perm("applicants.view_application"):
            raise PermissionDenied
        pdf = services.application_pdf_for_user(user=request.user, application=application)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(application)}"'
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(AgencyApiKey)
class AgencyApiKeyAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """Keys are created here and shown once; afterwards only their prefix is visible."""

    list_display = ["name", "agency", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["agency"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter)]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agency", "name", "expires_at", "can_view_sensitive"]
        return [
            "agency",
            "name",
            "prefix",
            "can_view_sensitive",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = selectors.agencies_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row is the record of what the key did

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, full = api_key_create(
            agency=form.cleaned_data["agency"],
            name=form.cleaned_data["name"],
            created_by=request.user,
            expires_at=form.cleaned_data["expires_at"],
            can_view_sensitive=form.cleaned_data["can_view_sensitive"],
        )
        obj.pk = key.pk
        obj._state.adding = False
        self.message_user(
            request,
            gettext("Copy the key now; it is not stored and will not be shown again: %(key)s")
            % {"key": full},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(api_key=key, acting_user=request.user)
        self.message_user(request, gettext("Keys revoked."), messages.SUCCESS)


# --- an action on the review queue ----------------------------------------------------


@admin.action(description=_("Export selected applications as CSV"), permissions=["export"])
def export_selected_csv(modeladmin, request, queryset):
    _require_export(request)
    programs = list(queryset.order_by().values_list("program_id", flat=True).distinct()[:2])
    if len(programs) != 1:
        modeladmin.message_user(
            request,
            gettext("Select applications of one program: each program has its own columns."),
            messages.ERROR,
        )
        return None
    program = selectors.programs_for_user(user=request.user).get(pk=programs[0])
    export_range = ExportRange(program)
    export = services.csv_export_for_user(
        user=request.user, export_range=export_range, queryset=queryset, bom=True
    )
    return _csv_response(export, csv_filename(export_range))


def _add_review_actions() -> None:
    # Added to the review admin's instance, so the review module needs no change.
    review_admin = admin.site._registry.get(Application)
    if review_admin is not None and export_selected_csv not in (review_admin.actions or []):
        review_admin.actions = [*review_admin.actions, export_selected_csv]


_add_review_actions()
