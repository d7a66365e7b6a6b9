"""Records beside the queue: the audit trail, memberships, status messages and the
notifications sent to residents."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.review import selectors
from agencies.review.admin.scoping import (
    AgencyScopedAdminMixin,
)
from agencies.review.audit_display import audit_change_text
from agencies.review.models import (
    AgencyMembership,
    AuditEvent,
    ProgramStatusMessage,
    ResidentNotification,
)
from civiportal.admin_mixins import ReadOnlyAdminMixin

# --- the audit trail ---------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail cannot be edited here."""

    list_display = [
        "created_at",
        "actor_repr",
        "action",
        "application",
        "agency",
        "summary",
        "short_note",
    ]
    list_filter = ["action", ("agency", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["application", "agency"]
    search_fields = ["=application__reference", "actor_repr", "note"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "application",
        "agency",
        "object_repr",
        "summary",
        "before",
        "after",
        "note",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("change"))
    def summary(self, event):
        return audit_change_text(event) or "—"

    @admin.display(description=_("note"))
    def short_note(self, event):
        return event.note[:80] or "—"


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "user__email", "agency__name"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Without this, staff who may add memberships could join any agency and so widen
        # their own scope.
        if db_field.name == "agency":
            kwargs["queryset"] = selectors.agencies_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProgramStatusMessage)
class ProgramStatusMessageAdmin(admin.ModelAdmin):
    """Program configuration, no personal data: not scoped to agencies."""

    list_display = ["program", "status", "short_message"]
    list_filter = ["status", "program"]
    list_select_related = ["program"]
    search_fields = ["program__name", "message"]

    @admin.display(description=_("message"))
    def short_message(self, message):
        return message.message[:100]


@admin.register(ResidentNotification)
class ResidentNotificationAdmin(ReadOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_path = "application__program__agency"
    list_display = ["application", "status", "language", "created_at", "sent_at", "skipped_reason"]
    list_filter = ["status", "language"]
    list_select_related = ["application"]
    search_fields = ["=application__reference"]
    readonly_fields = [f.name for f in ResidentNotification._meta.fields]
