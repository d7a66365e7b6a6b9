"""What the two outboxes (agency deliveries and resident notifications) share: the
append-only event trail written with every state change and staff action."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiportal.append_only import AppendOnlyModel


class OutboxEvent(AppendOnlyModel):
    """One state change of an outbox row; subclasses add the row's foreign key and their
    `Action` choices as the `action` field."""

    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    message = models.TextField(_("message"), blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acting user"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]
