"""Admin for agencies, their delivery channels, and the delivery outbox.

Delivery rows are read-only here: staff act on them only through the audited actions
"retry now" and "mark resolved", which call the same services as the tasks.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.review.selectors import member_agency_ids, scope_to_user
from agencies.routing import services
from agencies.routing.models import (
    AgencyChannel,
    Delivery,
    DeliveryEvent,
    InvalidDeliveryTransition,
)
from civiportal.admin_mixins import OutboxAdminMixin, OutboxEventInline
from organizations.models import Agency


class AgencyChannelInline(admin.StackedInline):
    model = AgencyChannel
    extra = 0
    fields = ["kind", "is_active", "webhook_url", "webhook_secret", "email"]
    verbose_name = _("delivery channel")
    verbose_name_plural = _(
        "Delivery channels (with none active, applications go to the internal queue)"
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "webhook_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email", "channel_kinds", "deliveries_link"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgencyChannelInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("channels")
        # Staff of an agency see only their agencies (channels, webhook addresses, failed
        # deliveries are the agency's business); city-wide roles, who belong to no agency,
        # see every agency.
        if not request.user.is_superuser and member_agency_ids(user=request.user).exists():
            queryset = scope_to_user(queryset, user=request.user, agency_path="pk")
        queryset = queryset.annotate(
            needing_attention=Count(
                "deliveries",
                filter=Q(deliveries__status=Delivery.Status.DEAD),
            )
        )
        return queryset

    @admin.display(description=_("channels"))
    def channel_kinds(self, agency):
        active = [c.get_kind_display() for c in agency.channels.all() if c.is_active]
        return ", ".join(active) or _("Internal queue (default)")

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, agency):
        url = reverse("admin:agencies_delivery_changelist") + f"?agency__id__exact={agency.pk}"
        if agency.needing_attention:
            label = ngettext(
                "%(count)d dead delivery", "%(count)d dead deliveries", agency.needing_attention
            ) % {"count": agency.needing_attention}
            return format_html('<a href="{}&status__exact=dead">{}</a>', url, label)
        return format_html('<a href="{}">{}</a>', url, _("View deliveries"))


class DeliveryEventInline(OutboxEventInline):
    model = DeliveryEvent


@admin.register(Delivery)
class DeliveryAdmin(OutboxAdminMixin, admin.ModelAdmin):
    row_argument = "delivery"
    transition_error = InvalidDeliveryTransition

    list_display = [
        "application",
        "agency",
        "channel_kind",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "delivered_at",
        "created_at",
    ]
    list_filter = ["status", "channel__kind", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["application", "agency", "channel"]
    search_fields = [
        "application__reference",
        "application__submission__reference",
        "=idempotency_key",
    ]
    date_hierarchy = "created_at"
    actions = ["retry_now", "mark_resolved"]
    inlines = [DeliveryEventInline]
    fields = [
        "application",
        "agency",
        "channel",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "claimed_at",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), user=request.user, agency_path="agency")

    @admin.display(description=_("channel"), ordering="channel__kind")
    def channel_kind(self, delivery):
        return delivery.channel.get_kind_display()

    def row_label(self, delivery) -> str:
        return str(delivery.application_id)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        self._apply(
            request,
            queryset.select_related("channel"),
            services.delivery_retry,
            lambda n: (
                ngettext(
                    "%(count)d delivery queued again.", "%(count)d deliveries queued again.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Mark resolved (delivered another way)"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._apply(
            request,
            queryset.select_related("channel"),
            services.delivery_resolve,
            lambda n: (
                ngettext(
                    "%(count)d delivery marked resolved.",
                    "%(count)d deliveries marked resolved.",
                    n,
                )
                % {"count": n}
            ),
        )
