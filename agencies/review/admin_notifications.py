"""Admin of the resident notification outbox (notifications.Notification), registered by
agencies because agency scoping lives here. Rows are read-only; staff act on them only
through the audited "retry now" and "mark resolved", which call the notification services.

Staff of an agency see the status messages of their agencies' applications. A submission's
confirmation names every program applied to, across agencies, so only superusers see it.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.review.selectors import scope_to_user
from notifications import services
from notifications.models import InvalidNotificationTransition, Notification, NotificationEvent


class NotificationEventInline(admin.TabularInline):
    model = NotificationEvent
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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "address", "application", "status", "attempts",
                    "next_attempt_at", "short_error", "sent_at", "created_at"]  # fmt: skip
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "submission__reference", "address",
                     "=idempotency_key"]  # fmt: skip
    date_hierarchy = "created_at"
    actions = ["retry_now", "mark_resolved"]
    inlines = [NotificationEventInline]
    fields = ["kind", "channel", "address", "language", "submission", "application",
              "idempotency_key", "status", "attempts", "next_attempt_at", "last_error",
              "claimed_at", "sent_at", "subject", "body", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return scope_to_user(
            super().get_queryset(request),
            user=request.user,
            agency_path="application__program__agency",
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, notification):
        error = notification.last_error
        return error if len(error) <= 120 else error[:119] + "…"

    def _apply(self, request, queryset, action, done_message):
        done, refused = 0, []
        for notification in queryset:
            try:
                action(notification=notification, acting_user=request.user)
            except InvalidNotificationTransition as error:
                refused.append(f"{notification.pk}: {error}")
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

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.notification_retry,
            lambda n: (
                ngettext(
                    "%(count)d notification queued again.",
                    "%(count)d notifications queued again.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Mark resolved (told another way)"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.notification_resolve,
            lambda n: (
                ngettext(
                    "%(count)d notification marked resolved.",
                    "%(count)d notifications marked resolved.",
                    n,
                )
                % {"count": n}
            ),
        )
