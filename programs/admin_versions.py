"""The version admin: a program's versions, their screens and the screens' questions.

Only drafts can be edited. A published or archived version opens read-only (Django's
view-only mode: no change permission, so a POST is refused), its inlines cannot be added
to or deleted, and the version itself cannot be deleted. Publishing and copying go through
`programs.services`, whose errors are shown as messages, never as a server error.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_errors import LinkedErrorSummaryMixin
from .admin_forms import ProgramVersionAdminForm, ScreenAdminForm
from .admin_preview import preview_view
from .builder.admin import (
    VersionBuilderMixin,
    VersionSummariesMixin,
    screens_describer,
    visibility_summary,
)
from .documents.errors import DocumentInvalid
from .models import ProgramVersion, PublishedVersionIsImmutable, Screen, ScreenQuestion

MAX_MESSAGES = 15
SUMMARIES = ("rule_summary", "estimate_summary", "examples_summary")


def report_errors(request, errors, *, title) -> None:
    messages.error(request, title)
    for error in errors[:MAX_MESSAGES]:
        messages.error(request, str(error))
    if len(errors) > MAX_MESSAGES:
        messages.error(request, _("…and %(count)d more.") % {"count": len(errors) - MAX_MESSAGES})


class FrozenAwareInlineMixin:
    """Inlines of a published/archived version are shown read-only."""

    def _editable(self, obj) -> bool:
        version = obj if isinstance(obj, ProgramVersion) else getattr(obj, "version", None)
        return version is None or version.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ScreenInline(FrozenAwareInlineMixin, admin.StackedInline):
    model = Screen
    form = ScreenAdminForm
    fields = ["order", "key", "title", "title_es", "description", "description_es", "visibility"]
    readonly_fields = ["visibility"]
    extra = 0
    ordering = ["order", "id"]
    show_change_link = True
    verbose_name_plural = _("screens (open a screen to choose its questions)")

    @admin.display(description=_("shown only if"))
    def visibility(self, obj):
        # Inline instances are made per request, so the describer is shared by this page's
        # screens only: a fixed number of queries however many screens there are.
        if obj is None or not obj.pk:
            return "—"
        if getattr(self, "_describer", None) is None:
            self._describer = screens_describer(obj.version_id)
        return visibility_summary(obj, self._describer)


@admin.register(ProgramVersion)
class ProgramVersionAdmin(
    LinkedErrorSummaryMixin, VersionBuilderMixin, VersionSummariesMixin, admin.ModelAdmin
):
    form = ProgramVersionAdminForm
    list_display = ["program", "number", "status", "published_at", "effective_at", "updated_at"]
    list_filter = ["status", "program"]
    search_fields = ["program__name", "program__slug"]
    list_select_related = ["program"]
    inlines = [ScreenInline]
    actions = ["publish_versions", "create_drafts"]
    change_form_template = "admin/programs/programversion/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "number",
            "status",
            "published_at",
            "effective_at",
            "published_by",
            "preview_link",
            *SUMMARIES,
        ]
        if obj is not None:
            fields.append("program")
        return fields

    def get_fields(self, request, obj=None):
        # The rule, estimate and examples are edited on the builder's pages (linked from
        # their summaries), never as JSON here.
        if obj is None:
            return ["program", "eligibility_gating"]
        return [
            "program",
            "number",
            "status",
            "published_at",
            "effective_at",
            "published_by",
            "preview_link",
            "eligibility_gating",
            *SUMMARIES,
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Bulk delete must not reach frozen versions either.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not obj.is_editable for obj in objs):
            perms_needed = {*perms_needed, _("published or archived versions")}
        return deleted, model_count, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            # Numbering (and locking against a concurrent draft) belongs to the service.
            draft = services.program_version_create_draft(program=obj.program)
            obj.pk, obj.number, obj.created_at = draft.pk, draft.number, draft.created_at
            obj._state.adding = False
        obj.save()

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:programs_programversion_preview", args=[obj.pk]),
            _("Preview as a resident"),
        )

    # -- publish / new draft ----------------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="programs_programversion_preview",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="programs_programversion_publish",
            ),
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="programs_programversion_new_draft",
            ),
        ]
        return urls + self.builder_urls() + super().get_urls()

    def preview(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return preview_view(request, pk)

    def _publish(self, request, version, effective_at=None) -> bool:
        try:
            version = services.program_version_publish(
                version=version, acting_user=request.user, effective_at=effective_at
            )
        except DocumentInvalid as error:
            report_errors(
                request,
                error.errors,
                title=_("%(version)s was not published:") % {"version": version},
            )
            return False
        except PublishedVersionIsImmutable as error:
            messages.error(request, str(error))
            return False
        if version.status == ProgramVersion.Status.SCHEDULED:
            messages.success(
                request,
                _(
                    "Scheduled %(program)s version %(number)s to take effect at %(when)s. "
                    "Until then the current version stays in effect."
                )
                % {
                    "program": version.program.name,
                    "number": version.number,
                    "when": date_format(
                        timezone.localtime(version.effective_at), "DATETIME_FORMAT"
                    ),
                },
            )
            return True
        messages.success(
            request,
            _("Published %(program)s version %(number)s. The previous version was archived.")
            % {"program": version.program.name, "number": version.number},
        )
        return True

    def _new_draft(self, request, version):
        draft = services.program_version_create_draft(program=version.program, from_version=version)
        messages.success(
            request,
            _("Created draft version %(number)s of %(program)s from version %(source)s.")
            % {"number": draft.number, "program": version.program.name, "source": version.number},
        )
        return draft

    def publish_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
        raw = request.POST.get("effective_at", "").strip()
        effective_at = None
        if raw:
            try:
                effective_at = parse_datetime(raw)
            except ValueError:  # well formed but not a real moment
                effective_at = None
            if effective_at is not None and timezone.is_naive(effective_at):
                effective_at = timezone.make_aware(effective_at)
            if effective_at is None or effective_at <= timezone.now():
                messages.error(request, _("Enter a date and time in the future to schedule."))
                return HttpResponseRedirect(
                    reverse("admin:programs_programversion_change", args=[pk])
                )
        if not super().has_change_permission(request, version):
            messages.error(request, _("You may not publish program versions."))
        else:
            self._publish(request, version, effective_at)
        return HttpResponseRedirect(reverse("admin:programs_programversion_change", args=[pk]))

    def new_draft_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
        if not self.has_add_permission(request):
            messages.error(request, _("You may not create program versions."))
            return HttpResponseRedirect(reverse("admin:programs_programversion_change", args=[pk]))
        draft = self._new_draft(request, version)
        return HttpResponseRedirect(
            reverse("admin:programs_programversion_change", args=[draft.pk])
        )

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish_versions(self, request, queryset):
        for version in queryset.select_related("program").order_by("program__slug", "number"):
            self._publish(request, version)

    @admin.action(
        description=_("Create a new draft from each selected version"), permissions=["add"]
    )
    def create_drafts(self, request, queryset):
        for version in queryset.select_related("program"):
            self._new_draft(request, version)


class ScreenQuestionInline(FrozenAwareInlineMixin, admin.TabularInline):
    model = ScreenQuestion
    fields = ["order", "question", "required"]
    autocomplete_fields = ["question"]
    extra = 1
    ordering = ["order", "id"]

    def _editable(self, obj) -> bool:
        return obj is None or obj.version.is_editable


@admin.register(Screen)
class ScreenAdmin(LinkedErrorSummaryMixin, admin.ModelAdmin):
    """One screen of a version and its questions in order (reached from the version page)."""

    form = ScreenAdminForm
    list_display = ["title", "key", "version", "order", "question_count"]
    list_filter = ["version__status", "version__program"]
    search_fields = ["title", "key", "version__program__slug"]
    list_select_related = ["version", "version__program"]
    inlines = [ScreenQuestionInline]
    fields = [
        "version",
        "order",
        "key",
        "title",
        "title_es",
        "description",
        "description_es",
        "visibility",
    ]

    @admin.display(description=_("shown only if"))
    def visibility(self, obj):
        return visibility_summary(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("screen_questions"))

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = ProgramVersion.objects.filter(
                status=ProgramVersion.Status.DRAFT
            ).select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["version", "visibility"] if obj is not None else ["visibility"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.version.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.version.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(
            reverse("admin:programs_programversion_change", args=[obj.version_id])
        )
