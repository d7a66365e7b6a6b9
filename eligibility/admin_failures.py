from django.contrib import admin

from eligibility.models import ScreeningFailure


@admin.register(ScreeningFailure)
class ScreeningFailureAdmin(admin.ModelAdmin):
    """Programs screening had to leave out, for program admins to fix (read-only: the rows
    are written by screening itself)."""

    list_display = ["version", "stage", "occurrences", "last_seen", "message"]
    list_filter = ["stage"]
    list_select_related = ["version__program"]
    readonly_fields = ["version", "stage", "message", "occurrences", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
