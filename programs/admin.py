"""The program builder: question bank, programs, versions, screens and their questions.

Django's admin autodiscovery imports only this module: the question bank and programs are
registered here, versions, screens and screen questions in `admin_versions`.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (
    admin_versions,  # noqa: F401
    selectors,
)
from .admin_errors import LinkedErrorSummaryMixin
from .admin_forms import ProgramAdminForm, QuestionAdminForm
from .builder.admin import ProgramDocumentsMixin
from .builder.question_forms import validation_field_names
from .documents.validate import FROZEN
from .models import Program, ProgramVersion, Question

# -- question bank -------------------------------------------------------------------------


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    change_form_template = "admin/programs/question/change_form.html"
    list_display = ["key", "label", "type", "sensitive", "updated_at"]
    list_filter = ["type", "sensitive"]
    search_fields = ["key", "label"]
    readonly_fields = ["used_by_programs", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "key",
                    "type",
                    "label",
                    "label_es",
                    "help_text",
                    "help_text_es",
                    "sensitive",
                ]
            },
        ),
        (_("Choices"), {"fields": ["options_text"]}),
        (
            _("Validation (leave empty what does not apply)"),
            {"fields": validation_field_names()},
        ),
        (_("Usage"), {"fields": ["used_by_programs", "created_at", "updated_at"]}),
    ]

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if form.is_bound:
            # A linked summary (each error a link to its field) replaces Django's "Please
            # correct the errors below.", which names no field.
            context["error_summary"] = form.error_summary()
            context["errors"] = []
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=_("used by programs"))
    def used_by_programs(self, obj):
        if not obj.pk:
            return "—"
        slugs = selectors.programs_using_questions([obj]).get(obj.pk, [])
        if not slugs:
            return _("Not used by any program yet.")
        return ", ".join(slugs)


# -- programs ------------------------------------------------------------------------------


class VersionListInline(admin.TabularInline):
    """The program's versions, listed; they are created and changed on their own pages."""

    model = ProgramVersion
    fields = ["number", "status", "published_at", "updated_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(LinkedErrorSummaryMixin, ProgramDocumentsMixin, admin.ModelAdmin):
    form = ProgramAdminForm
    fields = [
        "name",
        "name_es",
        "slug",
        "agency",
        "summary",
        "summary_es",
        "description",
        "description_es",
        "how_to_apply",
        "how_to_apply_es",
        "time_to_complete_minutes",
        "external_url",
        "categories",
        "display_mode",
        "closed_message",
        "closed_message_es",
        "source",
    ]
    list_display = ["name", "slug", "agency", "display_mode", "published_version"]
    list_filter = ["display_mode", "agency"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionListInline]
    list_select_related = ["agency"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related(selectors.published_version_prefetch())
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting the program would cascade into its frozen versions.
        if obj is not None and obj.versions.filter(status__in=FROZEN).exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("published version"))
    def published_version(self, obj):
        versions = getattr(obj, "published_versions", None)
        return f"v{versions[0].number}" if versions else "—"
