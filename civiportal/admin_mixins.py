from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """An admin for records nobody edits by hand (audit trails, sent notifications): they
    can be listed and opened, never added, changed or deleted, not even by a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxEventInline(admin.TabularInline):
    """The append-only history under an outbox row (a delivery or a notification)."""

    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "attempt", "message",
              "acting_user"]  # fmt: skip
    readonly_fields = fields
    ordering = ["created_at", "pk"]
    verbose_name_plural = _("History (append-only)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("acting_user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboxAdminMixin:
    """Outbox rows are read-only: staff act on them only through audited actions that call
    the outbox's services, one row at a time, and are told which rows were refused."""

    # The services' keyword for the row and the error they raise on a refused transition.
    row_argument: str
    transition_error: type[Exception]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, row):
        error = row.last_error
        return error if len(error) <= 120 else error[:119] + "…"

    def row_label(self, row) -> str:
        return str(row.pk)

    def _apply(self, request, queryset, action, done_message):
        done, refused = 0, []
        for row in queryset:
            try:
                action(**{self.row_argument: row}, acting_user=request.user)
            except self.transition_error as error:
                refused.append(f"{self.row_label(row)}: {error}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not changed: %(details)s") % {"details": "; ".join(refused[:10])},
                messages.WARNING,
            )
