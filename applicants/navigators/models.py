"""Community navigators: partner organizations whose staff apply on behalf of residents.

A `PartnerOrganization` has navigator members (`NavigatorMembership`: plain user accounts,
not admin staff). A resident becomes an organization's client through a
`ClientRelationship`, either added by a navigator (an applicant with no account) or linked
by the resident with a one-time `LinkCode` they generate on their own page. Revoking the
relationship ends the organization's access at once; every navigator request for a
client's data leaves a `PartnerAccessEvent`.

Imported by `applicants/models.py` so they belong to the `applicants` app.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiportal.append_only import AppendOnlyError, AppendOnlyModel


class PartnerAccessEventIsAppendOnly(AppendOnlyError):
    """Raised on any attempt to change or delete a navigator access event."""


class PartnerOrganization(models.Model):
    """A food bank, family resource centre, senior centre… whose staff help residents apply."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # Switching an organization off ends every member's access on their next request.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")

    def __str__(self):
        return self.name


class NavigatorMembership(models.Model):
    """A user's membership of a partner organization: the only thing that lets them see
    the organization's clients. Navigators are not admin staff."""

    class Role(models.TextChoices):
        NAVIGATOR = "navigator", _("Navigator")
        SUPERVISOR = "supervisor", _("Supervisor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="navigator_memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.NAVIGATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "user"]
        verbose_name = _("navigator membership")
        verbose_name_plural = _("navigator memberships")
        constraints = [
            # One organization per navigator keeps "as <organization>" unambiguous on every
            # answer and submission they enter.
            models.UniqueConstraint(fields=["user"], name="one_navigator_membership_per_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=["navigator", "supervisor"]),
                name="navigator_membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} ({self.get_role_display()})"

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR


class ClientRelationship(models.Model):
    """An organization acting for a resident, with how the resident consented."""

    class Consent(models.TextChoices):
        ADDED_BY_NAVIGATOR = "added_by_navigator", _("Added by a navigator")
        LINKED_BY_CODE = "linked_by_code", _("Linked by the resident's code")

    organization = models.ForeignKey(
        PartnerOrganization,
        on_delete=models.PROTECT,
        related_name="client_relationships",
        verbose_name=_("organization"),
    )
    applicant = models.ForeignKey(
        "applicants.Applicant",
        on_delete=models.CASCADE,
        related_name="client_relationships",
        verbose_name=_("applicant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    consent_method = models.CharField(_("consent"), max_length=30, choices=Consent.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client relationship")
        verbose_name_plural = _("client relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "applicant"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_relationship_per_organization_and_applicant",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_method__in=["added_by_navigator", "linked_by_code"]),
                name="client_relationship_consent_valid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "revoked_at"], name="client_rel_org_idx")]

    def __str__(self):
        return f"{self.organization} → applicant {self.applicant_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def link_code_hash(code: str) -> str:
    """The stored form of a link code: keyed by SECRET_KEY, so a copy of the table alone
    does not let anyone try the short codes offline."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(
        settings.SECRET_KEY.encode(), f"link-code:{normalised}".encode(), hashlib.sha256
    ).hexdigest()


class LinkCode(models.Model):
    """A one-time code a signed-in resident gives an organization to link their account.

    Only its hash is kept; it works once, before `expires_at`.
    """

    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.CASCADE, related_name="link_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by_organization = models.ForeignKey(
        PartnerOrganization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("link code")

    def __str__(self):
        return f"link code for applicant {self.applicant_id}"


class PartnerAccessEvent(AppendOnlyModel):
    """One navigator look at, or change to, a client's data: append-only.

    Kept apart from the agencies' audit trail, which is about applications; this one is
    about a resident's whole record and who outside government saw it.
    """

    class Action(models.TextChoices):
        CLIENTS_LISTED = "clients_listed", _("Client list viewed")
        CLIENT_VIEWED = "client_viewed", _("Client viewed")
        CLIENT_ADDED = "client_added", _("Client added")
        CLIENT_LINKED = "client_linked", _("Client linked by code")
        LINK_FAILED = "link_failed", _("Link code refused")
        ACTING_STARTED = "acting_started", _("Started acting for client")
        ACTING_REQUEST = "acting_request", _("Page used while acting for client")
        ACTING_STOPPED = "acting_stopped", _("Stopped acting for client")
        ACTING_REFUSED = "acting_refused", _("Acting ended: access removed")
        REVOKED = "revoked", _("Access revoked")
        FIGURES_VIEWED = "figures_viewed", _("Organization figures viewed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_repr = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    organization = models.ForeignKey(
        PartnerOrganization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_events",
        verbose_name=_("organization"),
    )
    applicant = models.ForeignKey(
        "applicants.Applicant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("applicant"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    path = models.CharField(_("page"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    append_only_error = PartnerAccessEventIsAppendOnly

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("navigator access event")
        verbose_name_plural = _("navigator access events")
        indexes = [
            models.Index(fields=["applicant", "created_at"], name="partner_access_applicant_idx"),
            models.Index(
                fields=["organization", "action", "created_at"], name="partner_access_org_idx"
            ),
            models.Index(fields=["actor", "action", "created_at"], name="partner_access_actor_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"
