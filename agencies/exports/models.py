"""Models of agency exports: API keys, saved column presets and batch PDF exports.

Imported by `agencies/models.py` so they belong to the `agencies` app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a key looks like: "cpk_<prefix>_<secret>". The prefix is stored in clear and
# indexed so a request finds its key row in one lookup; only a salted hash of the secret
# is stored, so a database leak does not leak usable keys.
API_KEY_SCHEME = "cpk"
API_KEY_PREFIX_LENGTH = 8


def _hash_secret(secret: str, salt: str) -> str:
    # Keys are 256-bit random, not passwords: a salted SHA-256 is enough (no brute force
    # to slow down) and keeps each API request cheap, unlike PBKDF2's 10^6 rounds.
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class AgencyApiKey(models.Model):
    """A key an agency's own system uses to read its applications and report decisions."""

    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("agency"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses the key, e.g. 'Case system (prod)'.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    can_view_sensitive = models.BooleanField(
        _("may read sensitive answers"),
        default=False,
        help_text=_("Otherwise sensitive answers are masked in what the key reads."),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "-created_at"]
        verbose_name = _("agency API key")
        verbose_name_plural = _("agency API keys")

    def __str__(self):
        return f"{self.agency} · {self.name} ({self.prefix}…)"

    @classmethod
    def new_secret(cls) -> tuple[str, str, str, str]:
        """(full key, prefix, salt, hash): the full key is shown once and never stored."""
        prefix = secrets.token_hex(API_KEY_PREFIX_LENGTH // 2)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_hex(16)
        return f"{API_KEY_SCHEME}_{prefix}_{secret}", prefix, salt, _hash_secret(secret, salt)

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.hashed_secret, _hash_secret(secret, self.salt))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ExportPreset(models.Model):
    """A saved choice of columns for an agency's CSV exports."""

    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.CASCADE,
        related_name="export_presets",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=100)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_presets",
        verbose_name=_("program"),
        help_text=_("Empty: the preset can be used with any of the agency's programs."),
    )
    question_keys = models.JSONField(
        _("question keys"),
        default=list,
        blank=True,
        help_text=_("The question keys to include, in order; empty means every question."),
    )
    drop_empty_columns = models.BooleanField(_("drop empty columns"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("export preset")
        verbose_name_plural = _("export presets")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_export_preset_name")
        ]

    def __str__(self):
        return f"{self.agency} · {self.name}"


class BatchExport(models.Model):
    """A zip of application PDFs for one program and date range, built by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Building")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.PROTECT,
        related_name="batch_exports",
        verbose_name=_("agency"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="batch_exports",
        verbose_name=_("program"),
    )
    since = models.DateField(_("submitted on or after"), null=True, blank=True)
    until = models.DateField(_("submitted on or before"), null=True, blank=True)
    # Fixed when requested, so a batch never includes sensitive answers the requester
    # could not see, whoever's worker builds it.
    can_view_sensitive = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch PDF export")
        verbose_name_plural = _("batch PDF exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "ready", "failed"]),
                name="batch_export_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.since or '…'} to {self.until or '…'} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
