"""The resident notification outbox: one row per message owed to a resident, written in
the transaction that caused it, then claimed, sent, retried and audited like an agency
`Delivery` (docs/operations.md, "Resident notifications")."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civiportal.outbox import OutboxEvent


class InvalidNotificationTransition(Exception):
    """A notification was asked to move to a status its current status does not allow."""


class Notification(models.Model):
    """One message to one resident address on one channel."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Submission confirmation")
        STATUS = "status", _("Status change")
        INFO_REQUEST = "info_request", _("Request for information")
        RENEWAL = "renewal", _("Renewal reminder")
        # Account emails: their link is a credential, so their body is rendered when each
        # attempt is made (notifications.rendering) and never stored.
        SIGN_UP_VERIFY = "sign_up_verify", _("Account: confirm email")
        SIGN_UP_EXISTS = "sign_up_exists", _("Account: already exists")
        PASSWORD_RESET = "password_reset", _("Account: password reset")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead, needs attention")
        RESOLVED = "resolved", _("Resolved by hand")

    # The only moves a notification may make; the same shape as Delivery.TRANSITIONS. A
    # late success (an attempt the sweeper had given up on answered after all) may still
    # mark a row sent from pending, failed or dead: it was sent.
    TRANSITIONS = {
        Status.PENDING: {Status.SENDING, Status.SENT, Status.RESOLVED},
        Status.SENDING: {Status.SENT, Status.FAILED, Status.DEAD},
        Status.FAILED: {Status.SENDING, Status.SENT, Status.PENDING, Status.DEAD, Status.RESOLVED},
        Status.DEAD: {Status.PENDING, Status.SENT, Status.RESOLVED},
        Status.SENT: set(),
        Status.RESOLVED: set(),
    }
    CLAIMABLE = (Status.PENDING, Status.FAILED)
    FINISHED = (Status.SENT, Status.RESOLVED)

    # Why the message exists, unique: "confirmation:<submission id>:email" and so on, so
    # a cause written twice still owes the resident one message.
    cause_key = models.CharField(_("cause"), max_length=200, unique=True)
    # Becomes the email's Message-ID: a resend after a lost answer is the same message.
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    # Account emails go to a user who may have no Applicant yet (a sign-up).
    applicant = models.ForeignKey(
        "applicants.Applicant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("applicant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    submission = models.ForeignKey(
        "applicants.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("submission"),
    )
    application = models.ForeignKey(
        "applicants.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # When the last task message for this row was due to run (see Delivery.queued_for).
    queued_for = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("resident notification (outbox)")
        verbose_name_plural = _("resident notifications (outbox)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "dead", "resolved"]
                ),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(applicant__isnull=False) | models.Q(user__isnull=False),
                name="notification_has_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.address} ({self.status})"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    @property
    def message_id(self) -> str:
        """The stable Message-ID of this notification's email."""
        return f"<notification-{self.idempotency_key}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>"


class NotificationEvent(OutboxEvent):
    """Append-only history of a notification: every state change and staff action."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CLAIMED = "claimed", _("Attempt started")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Attempt failed")
        DEAD = "dead", _("Gave up")
        RELEASED = "released", _("Released after its worker was lost")
        RETRIED = "retried", _("Retry requested")
        RESOLVED = "resolved", _("Marked resolved")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(OutboxEvent.Meta):
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")

    def __str__(self):
        return f"{self.notification_id}: {self.action}"
