"""What the two outboxes (agency deliveries and resident notifications) share: the
append-only event trail written with every state change and staff action, and the
conditional claim of a row by one worker."""

from datetime import timedelta
from uuid import uuid4

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


# A row due "now" on another machine's clock is due here too.
CLOCK_SKEW = timedelta(seconds=2)


def claim_row(row: models.Model, *, now, status: str, extra: dict | None = None) -> bool:
    """Claim `row` (read, unlocked) into `status` with one conditional UPDATE: it matches only
    while the row still has the status, claim token and attempts that were read and is due,
    so of two workers racing for a row exactly one wins (the other's UPDATE waits for the
    winner's row lock, then re-checks and matches nothing). Every claim sets a fresh token,
    which makes the check exact. On success `row` holds the new values."""
    fields = {
        "status": status,
        "attempts": row.attempts + 1,
        "claimed_at": now,
        "claim_token": uuid4(),
        "updated_at": now,
        **(extra or {}),
    }
    claimed = (
        type(row)
        .objects.filter(
            pk=row.pk,
            status=row.status,
            claim_token=row.claim_token,
            attempts=row.attempts,
            next_attempt_at__lte=now + CLOCK_SKEW,
        )
        .update(**fields)
    )
    if not claimed:
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    return True
