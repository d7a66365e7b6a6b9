"""Admin for community navigators: partner organizations with their navigator members,
client relationships (read and revoke only through the resident) and the access trail
(read only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from applicants.navigators.models import (
    ClientRelationship,
    NavigatorMembership,
    PartnerAccessEvent,
    PartnerOrganization,
)
from civiportal.admin_mixins import ReadOnlyAdminMixin


class NavigatorMembershipInline(admin.TabularInline):
    model = NavigatorMembership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = _("navigator")
    verbose_name_plural = _("navigators (accounts that act for this organization's clients)")


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email", "contact_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [NavigatorMembershipInline]


@admin.register(NavigatorMembership)
class NavigatorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(ClientRelationship)
class ClientRelationshipAdmin(admin.ModelAdmin):
    """Relationships are made by navigators and ended by residents, on their own pages:
    here they are only looked at."""

    list_display = [
        "organization",
        "applicant",
        "consent_method",
        "created_by",
        "created_at",
        "revoked_at",
    ]
    list_filter = ["consent_method", "organization", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["organization__name", "applicant__email", "applicant__user__username"]
    list_select_related = ["organization", "applicant", "created_by"]
    readonly_fields = [
        "organization",
        "applicant",
        "created_by",
        "consent_method",
        "created_at",
        "revoked_at",
        "revoked_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerAccessEvent)
class PartnerAccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "organization", "action", "applicant", "path"]
    list_filter = ["action", "organization"]
    search_fields = ["actor_repr", "path", "applicant__email"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "applicant"]
    readonly_fields = [
        "created_at",
        "actor",
        "actor_repr",
        "organization",
        "applicant",
        "action",
        "path",
        "detail",
    ]
