"""Business actions of community navigators: clients, link codes, revocation, the access trail.

Views, the admin and tests call these functions; none repeats their logic. Every action
that touches a client writes its `PartnerAccessEvent` in the same transaction.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import REFERENCE_ALPHABET, Applicant
from applicants.navigators.models import (
    ClientRelationship,
    LinkCode,
    NavigatorMembership,
    PartnerAccessEvent,
    PartnerOrganization,
    link_code_hash,
)
from applicants.services import answers_save

LINK_CODE_LIFETIME = timedelta(minutes=30)
LINK_CODE_LENGTH = 8
# Wrong codes a navigator may enter in LINK_ATTEMPT_WINDOW before being refused: with
# 32^8 codes and a 30-minute life, guessing one of the few live codes is hopeless.
LINK_ATTEMPT_LIMIT = 10
LINK_ATTEMPT_WINDOW = timedelta(minutes=15)

# The intake questions a navigator fills when adding a client.
CLIENT_NAME_KEY = "applicant.name"
CLIENT_BIRTH_DATE_KEY = "applicant.birth_date"
CLIENT_EMAIL_KEY = "contact.email"
CLIENT_PHONE_KEY = "contact.phone"
CLIENT_KEYS = (CLIENT_NAME_KEY, CLIENT_BIRTH_DATE_KEY, CLIENT_EMAIL_KEY, CLIENT_PHONE_KEY)


class LinkCodeInvalid(ValidationError):
    """The code cannot link a resident: unknown, expired, used, or too many tries."""


class NotAllowed(ValidationError):
    """The user may not do this to this relationship."""


def _actor_repr(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:200]


def partner_access_record(
    *,
    actor,
    organization: PartnerOrganization | None,
    action: str,
    applicant: Applicant | None = None,
    path: str = "",
    detail: dict | None = None,
) -> PartnerAccessEvent:
    """Append one row to the navigators' access trail."""
    return PartnerAccessEvent.objects.create(
        actor=actor,
        actor_repr=_actor_repr(actor),
        organization=organization,
        applicant=applicant,
        action=action,
        path=path[:300],
        detail=detail or {},
    )


# Clients -------------------------------------------------------------------------------


@transaction.atomic
def client_create(
    *, membership: NavigatorMembership, values: dict, language: str = "en"
) -> ClientRelationship:
    """Add a resident without an account as a client of the navigator's organization.

    `values` are canonical answers ({question key: value}, e.g. `applicant.name`); they are
    saved to the new applicant's profile as entered by the navigator for the organization,
    so the intake starts pre-filled.
    """
    navigator, organization = membership.user, membership.organization
    email = values.get(CLIENT_EMAIL_KEY) or ""
    applicant = Applicant.objects.create(
        email=email if isinstance(email, str) else "", preferred_language=language
    )
    answers_save(
        applicant=applicant,
        values={key: value for key, value in values.items() if value not in (None, "")},
        entered_by=navigator,
        partner_organization=organization,
    )
    relationship = ClientRelationship.objects.create(
        organization=organization,
        applicant=applicant,
        created_by=navigator,
        consent_method=ClientRelationship.Consent.ADDED_BY_NAVIGATOR,
    )
    partner_access_record(
        actor=navigator,
        organization=organization,
        applicant=applicant,
        action=PartnerAccessEvent.Action.CLIENT_ADDED,
        detail={"relationship": relationship.pk},
    )
    return relationship


# Link codes ----------------------------------------------------------------------------


def _new_code() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
    return f"{body[:4]}-{body[4:]}"


@transaction.atomic
def link_code_create(*, applicant: Applicant, now=None) -> tuple[LinkCode, str]:
    """A fresh one-time code for `applicant` (who must have an account), valid for
    LINK_CODE_LIFETIME; returns the row and the code itself, which is never stored.
    Earlier unused codes of the same resident stop working: only the newest one shown
    to them is live."""
    if applicant.user_id is None:
        raise NotAllowed(_("Sign in to your account to let an organization help you."))
    now = now or timezone.now()
    LinkCode.objects.filter(applicant=applicant, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    for _attempt in range(5):
        code = _new_code()
        try:
            with transaction.atomic():
                row = LinkCode.objects.create(
                    applicant=applicant,
                    code_hash=link_code_hash(code),
                    expires_at=now + LINK_CODE_LIFETIME,
                )
        except IntegrityError:
            continue  # the same code already exists (vanishingly rare): draw another
        return row, code
    raise RuntimeError("could not draw a unique link code")


def link_code_redeem(
    *, code: str, membership: NavigatorMembership, path: str = "", now=None
) -> ClientRelationship:
    """Link the resident who generated `code` to the navigator's organization.

    The code works once and only before it expires. A resident already linked to the
    organization keeps their one relationship (the code is used up all the same). Raises
    `LinkCodeInvalid` with a message saying why; every refusal is in the access trail, and
    a navigator who enters too many wrong codes is refused for a while.
    """
    navigator, organization = membership.user, membership.organization
    now = now or timezone.now()
    recent_failures = PartnerAccessEvent.objects.filter(
        actor=navigator,
        action=PartnerAccessEvent.Action.LINK_FAILED,
        created_at__gte=now - LINK_ATTEMPT_WINDOW,
    ).count()
    if recent_failures >= LINK_ATTEMPT_LIMIT:
        error = LinkCodeInvalid(
            _("Too many codes were refused. Wait 15 minutes and try again."), code="throttled"
        )
    else:
        try:
            return _link_code_consume(code=code, membership=membership, path=path, now=now)
        except LinkCodeInvalid as refused:
            error = refused
    partner_access_record(
        actor=navigator,
        organization=organization,
        action=PartnerAccessEvent.Action.LINK_FAILED,
        path=path,
        detail={"reason": error.code},
    )
    raise error


@transaction.atomic
def _link_code_consume(*, code, membership, path, now) -> ClientRelationship:
    navigator, organization = membership.user, membership.organization
    row = (
        LinkCode.objects.select_for_update()
        .select_related("applicant")
        .filter(code_hash=link_code_hash(code))
        .first()
    )
    if row is None:
        raise LinkCodeInvalid(
            _("That code was not recognised. Check it with the resident."), code="unknown"
        )
    if row.used_at is not None:
        raise LinkCodeInvalid(
            _("That code has already been used. Ask the resident for a new one."), code="used"
        )
    if row.expires_at <= now:
        raise LinkCodeInvalid(
            _("That code has expired. Ask the resident for a new one."), code="expired"
        )
    row.used_at = now
    row.used_by_organization = organization
    row.save(update_fields=["used_at", "used_by_organization"])
    relationship = ClientRelationship.objects.filter(
        organization=organization, applicant=row.applicant, revoked_at__isnull=True
    ).first()
    if relationship is None:
        relationship = ClientRelationship.objects.create(
            organization=organization,
            applicant=row.applicant,
            created_by=navigator,
            consent_method=ClientRelationship.Consent.LINKED_BY_CODE,
        )
    partner_access_record(
        actor=navigator,
        organization=organization,
        applicant=row.applicant,
        action=PartnerAccessEvent.Action.CLIENT_LINKED,
        path=path,
        detail={"relationship": relationship.pk, "link_code": row.pk},
    )
    return relationship


# Revocation ----------------------------------------------------------------------------


@transaction.atomic
def relationship_revoke(*, relationship: ClientRelationship, revoked_by) -> ClientRelationship:
    """End an organization's access to a resident. Takes effect on the organization's very
    next request, including a navigator acting for the resident at this moment (the
    acting session is checked on every request). Only the resident themself may revoke."""
    relationship = ClientRelationship.objects.select_for_update().get(pk=relationship.pk)
    if relationship.applicant.user_id is None or relationship.applicant.user_id != getattr(
        revoked_by, "pk", None
    ):
        raise NotAllowed(_("Only the resident can remove an organization's access."))
    if relationship.revoked_at is not None:
        return relationship
    relationship.revoked_at = timezone.now()
    relationship.revoked_by = revoked_by
    relationship.save(update_fields=["revoked_at", "revoked_by"])
    partner_access_record(
        actor=revoked_by,
        organization=relationship.organization,
        applicant=relationship.applicant,
        action=PartnerAccessEvent.Action.REVOKED,
        detail={"relationship": relationship.pk},
    )
    return relationship
