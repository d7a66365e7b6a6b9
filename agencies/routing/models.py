"""Models of routing: how an agency receives applications (channels), the delivery
outbox with its event trail, and the internal queue."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.routing.channels.addresses import non_public_address
from civiportal.outbox import OutboxEvent
from organizations.models import Agency


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class AgencyChannel(models.Model):
    """One way an agency receives its applications. An agency with no active channel gets
    the internal queue (the default), so nothing submitted is ever routed nowhere."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal queue")
        WEBHOOK = "webhook", _("Signed webhook")
        EMAIL = "email", _("Email notice")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERNAL)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive channels receive no new deliveries; past ones stay listed."),
    )
    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        help_text=_("HTTPS address that receives a signed JSON POST per application."),
    )
    webhook_secret = models.CharField(
        _("webhook signing secret"),
        max_length=200,
        blank=True,
        default=new_webhook_secret,
        help_text=_("Shared with the agency; it verifies the X-CiviPortal-Signature header."),
    )
    email = models.EmailField(
        _("intake email"),
        blank=True,
        help_text=_("Where email notices go; the agency's contact email when empty."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "kind"]
        verbose_name = _("delivery channel")
        verbose_name_plural = _("delivery channels")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="one_channel_per_agency_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind="webhook") | ~models.Q(webhook_url=""),
                name="webhook_channel_has_url",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="webhook") | ~models.Q(webhook_secret=""),
                name="webhook_channel_has_secret",
            ),
        ]

    def __str__(self):
        return f"{self.agency} · {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.WEBHOOK:
            if not self.webhook_url:
                errors["webhook_url"] = _("A webhook channel needs the agency's URL.")
            elif not self.webhook_url.startswith("https://") and not settings.WEBHOOK_ALLOW_HTTP:
                errors["webhook_url"] = _("Webhook URLs must use https://.")
            elif not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
                address = non_public_address(self.webhook_url)
                if address:
                    errors["webhook_url"] = _(
                        "This address leads to a private network (%(address)s); "
                        "webhooks must go to the agency's public server."
                    ) % {"address": address}
            if not self.webhook_secret:
                errors["webhook_secret"] = _("A webhook channel needs a signing secret.")
        if self.kind == self.Kind.EMAIL and not (self.email or self.agency.contact_email):
            errors["email"] = _("Give an intake email, or set the agency's contact email.")
        if errors:
            raise ValidationError(errors)

    @property
    def intake_email(self) -> str:
        return self.email or self.agency.contact_email


class InvalidDeliveryTransition(Exception):
    """A delivery was asked to move to a status its current status does not allow."""


class Delivery(models.Model):
    """The outbox row for one application and one agency channel, written in the same
    transaction as the submission; Celery tasks move it to `delivered` (or `dead`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERING = "delivering", _("Delivering")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead, needs attention")
        RESOLVED = "resolved", _("Resolved by hand")

    # The only moves a delivery may make. A worker claims pending/failed rows; the sweeper
    # releases rows stuck in delivering (their worker died); staff retry or resolve.
    # A late success (an attempt the sweeper had given up on, or that staff retried
    # meanwhile, answered 2xx after all) may still mark a row delivered: it was.
    TRANSITIONS = {
        Status.PENDING: {Status.DELIVERING, Status.DELIVERED, Status.RESOLVED},
        Status.DELIVERING: {Status.DELIVERED, Status.FAILED, Status.DEAD},
        Status.FAILED: {
            Status.DELIVERING,
            Status.DELIVERED,
            Status.PENDING,
            Status.DEAD,
            Status.RESOLVED,
        },
        Status.DEAD: {Status.PENDING, Status.DELIVERED, Status.RESOLVED},
        Status.DELIVERED: set(),
        Status.RESOLVED: set(),
    }

    class Event(models.TextChoices):
        SUBMITTED = "application.submitted", _("Application submitted")
        RESUBMITTED = "application.resubmitted", _("Resident answered a request")
        WITHDRAWN = "application.withdrawn", _("Resident withdrew the application")

    CLAIMABLE = (Status.PENDING, Status.FAILED)
    FINISHED = (Status.DELIVERED, Status.RESOLVED)

    application = models.ForeignKey(
        "applicants.Application", on_delete=models.PROTECT, related_name="deliveries"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.ForeignKey(AgencyChannel, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(
        _("event"), max_length=40, choices=Event.choices, default=Event.SUBMITTED
    )
    # The audit event a follow-up delivery reports (a withdrawal, a response); it makes
    # each follow-up unique per channel, as the submission is unique per application.
    audit_event = models.ForeignKey(
        "agencies.AuditEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sent as the Idempotency-Key / X-CiviPortal-Delivery header: the receiver's dedupe key.
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # When the last task message for this row was due to run; the sweeper re-sends rows
    # whose message is overdue (lost in a broker outage) and leaves the others alone.
    queued_for = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "channel"],
                condition=models.Q(event="application.submitted"),
                name="one_delivery_per_application_channel",
            ),
            models.UniqueConstraint(
                fields=["channel", "audit_event"],
                condition=models.Q(audit_event__isnull=False),
                name="one_delivery_per_channel_audit_event",
            ),
            models.CheckConstraint(
                condition=models.Q(event="application.submitted")
                | models.Q(audit_event__isnull=False),
                name="delivery_follow_up_has_audit_event",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "delivering", "delivered", "failed", "dead", "resolved"]
                ),
                name="delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["agency", "status", "created_at"], name="delivery_agency_idx"),
        ]

    def __str__(self):
        return f"{self.application_id} → {self.channel_id} ({self.status})"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class DeliveryEvent(OutboxEvent):
    """Append-only history of a delivery: every state change and staff action."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CLAIMED = "claimed", _("Attempt started")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Attempt failed")
        DEAD = "dead", _("Gave up")
        RELEASED = "released", _("Released after its worker was lost")
        RETRIED = "retried", _("Retry requested")
        RESOLVED = "resolved", _("Marked resolved")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(OutboxEvent.Meta):
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")

    def __str__(self):
        return f"{self.delivery_id}: {self.action}"


class AgencyQueueItem(models.Model):
    """An application waiting in its agency's internal queue. One per application, enforced
    by the database, so a delivery that runs twice still queues the application once."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="queue_items")
    application = models.OneToOneField(
        "applicants.Application", on_delete=models.PROTECT, related_name="queue_item"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["queued_at"]
        verbose_name = _("agency queue item")
        verbose_name_plural = _("agency queue items")

    def __str__(self):
        return f"{self.agency_id}: {self.application_id}"
