"""Admin of the resident notification outbox (notifications.Notification), registered by
agencies because agency scoping lives here. Rows are read-only; staff act on them only
through the audited "retry now" and "mark resolved", which call the notification services.

Staff of an agency see the status messages of their agencies' applications. A submission's
confirmation names every program applied to, across agencies, so only superusers see it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.review.selectors import scope_to_user
from civiportal.admin_mixins import OutboxAdminMixin, OutboxEventInline
from notifications import services
from notifications.models import InvalidNotificationTransition, Notification, NotificationEvent


class NotificationEventInline(OutboxEventInline):
    model = NotificationEvent


@admin.register(Notification)
class NotificationAdmin(OutboxAdminMixin, admin.ModelAdmin):
    row_argument = "notification"
    transition_error = InvalidNotificationTransition

    list_display = ["kind", "channel", "address", "application", "status", "attempts",
                    "next_attempt_at", "short_error", "sent_at", "created_at"]  # fmt: skip
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "submission__reference", "address",
                     "=idempotency_key"]  # fmt: skip
    date_hierarchy = "created_at"
    actions = ["retry_now", "mark_resolved"]
    inlines = [NotificationEventInline]
    fields = ["kind", "channel", "address", "language", "user", "submission", "application",
              "idempotency_key", "status", "attempts", "next_attempt_at", "last_error",
              "claimed_at", "sent_at", "subject", "body", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return scope_to_user(
            super().get_queryset(request),
            user=request.user,
            agency_path="application__program__agency",
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
