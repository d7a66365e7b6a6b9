"""Models of the caseworker review: who works for which agency, the append-only audit
trail, program-defined messages to residents and the notifications sent to them.

Imported by `agencies/models.py` so they belong to the `agencies` app.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.models import Application
from civiportal.append_only import AppendOnlyError, AppendOnlyModel


class AuditEventIsAppendOnly(AppendOnlyError):
    """Raised on any attempt to change or delete an audit event."""


class AgencyMembership(models.Model):
    """A staff user's membership of an agency: the only thing that scopes what they see."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", _("Caseworker")
        SUPERVISOR = "supervisor", _("Supervisor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "user"]
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency"),
            models.CheckConstraint(
                condition=models.Q(role__in=["caseworker", "supervisor"]),
                name="agency_membership_role_valid",
            ),
        ]
        # Capabilities that are not tied to one model's add/change/delete/view.
        permissions = [
            ("assign_applications", "Can assign applications to caseworkers"),
            ("bulk_update_applications", "Can change application statuses in bulk (CSV)"),
            ("view_review_dashboard", "Can view the agency review dashboard"),
            ("view_reach_report", "Can view the city-wide reach report"),
            ("export_applications", "Can export applications"),
        ]

    def __str__(self):
        return f"{self.user} · {self.agency} ({self.get_role_display()})"


class AuditEvent(AppendOnlyModel):
    """One thing someone did: append-only, written in the same transaction as the action.

    Never updated or deleted, not even by a superuser through the admin: the trail is what
    an auditor follows to learn who did what to an application and when.
    """

    class Action(models.TextChoices):
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE_ADDED = "note_added", _("Note added")
        SENSITIVE_VIEWED = "sensitive_viewed", _("Sensitive answer viewed")
        FILE_DOWNLOADED = "file_downloaded", _("File downloaded")
        EXPORTED = "exported", _("Exported")
        BULK_UPLOAD = "bulk_upload", _("Bulk status upload")
        NOTIFICATION_SENT = "notification_sent", _("Resident notified")
        API_KEY_CREATED = "api_key_created", _("API key created")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
        RESIDENT_RESPONDED = "resident_responded", _("Resident answered a request")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too, so the trail still names the person after their account is removed.
    actor_repr = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("application"),
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("agency"),
    )
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    append_only_error = AuditEventIsAppendOnly

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["application", "created_at"], name="audit_application_idx"),
            models.Index(fields=["agency", "action", "created_at"], name="audit_agency_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"


class ProgramStatusMessage(models.Model):
    """What a program tells its residents when an application reaches a status."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="status_messages",
        verbose_name=_("program"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Application.Status.choices)
    message = models.TextField(
        _("message"),
        help_text=_("Sent to the resident by email and shown on their applications page."),
    )
    # Other languages: {"es": "..."}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "status"]
        verbose_name = _("program status message")
        verbose_name_plural = _("program status messages")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "status"], name="one_status_message_per_program_status"
            )
        ]

    def __str__(self):
        return f"{self.program} · {self.get_status_display()}"

    def text(self, language: str) -> str:
        language = (language or "en").split("-")[0]
        if language != "en":
            translated = (self.translations or {}).get(language)
            if translated:
                return translated
        return self.message


class ResidentNotification(models.Model):
    """What a resident was told about one status change, as caseworkers see it. One per
    status-change event. The message itself travels through the notification outbox
    (`outbox`, notifications.Notification), which sends, retries and records it;
    `sent_at` follows the outbox row."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="notification")
    status = models.CharField(_("status"), max_length=20, choices=Application.Status.choices)
    language = models.CharField(_("language"), max_length=10, default="en")
    to_email = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message = models.TextField(_("message to the resident"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    skipped_reason = models.CharField(_("not sent because"), max_length=200, blank=True)
    outbox = models.OneToOneField(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_record",
        verbose_name=_("outbox message"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("resident notification")
        verbose_name_plural = _("resident notifications")

    def __str__(self):
        return f"{self.application_id}: {self.status}"


class ReviewDashboard(Application):
    """No data of its own: gives the supervisor dashboard an entry in the admin index."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("review dashboard")
        verbose_name_plural = _("review dashboard")


class CityReach(Application):
    """No data of its own: gives the city-wide reach report an entry in the admin index."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("city-wide reach")
        verbose_name_plural = _("city-wide reach")
