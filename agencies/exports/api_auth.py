"""Per-agency API keys: creation (the key is shown once), revocation and request
authentication (`Authorization: Bearer <key>`).

A key reads and updates only its own agency's applications; the views apply that scope.
"""

from __future__ import annotations

import datetime
import functools

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from agencies.exports.models import API_KEY_SCHEME, AgencyApiKey
from agencies.review.services import audit_record

# Writing last_used_at on every request would make each read a write; once a minute is
# precise enough to tell whether a key is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
DEFAULT_KEY_LIFETIME = datetime.timedelta(days=365)


class ApiAuthError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@transaction.atomic
def api_key_create(
    *,
    agency,
    name: str,
    created_by,
    expires_at: datetime.datetime | None = None,
    can_view_sensitive: bool = False,
) -> tuple[AgencyApiKey, str]:
    """Create a key for `agency`; returns (row, full key). Only a salted hash is stored:
    show the full key to its creator once, it cannot be recovered later."""
    full, prefix, salt, hashed = AgencyApiKey.new_secret()
    key = AgencyApiKey.objects.create(
        agency=agency,
        name=name,
        prefix=prefix,
        salt=salt,
        hashed_secret=hashed,
        expires_at=expires_at or timezone.now() + DEFAULT_KEY_LIFETIME,
        can_view_sensitive=can_view_sensitive,
        created_by=created_by,
    )
    _audit_key(key, actor=created_by, action="api_key_created")
    return key, full


def _audit_key(key: AgencyApiKey, *, actor, action: str) -> None:

    audit_record(
        actor=actor,
        action=action,
        agency=key.agency_id,
        object_repr=f"API key {key.name} ({key.prefix})",
        after={
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
            "can_view_sensitive": key.can_view_sensitive,
        },
    )


@transaction.atomic
def api_key_revoke(*, api_key: AgencyApiKey, acting_user=None) -> AgencyApiKey:
    """Revoke `api_key` at once (idempotent: a revoked key keeps its first revocation)."""
    revoked = AgencyApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    api_key.refresh_from_db(fields=["revoked_at"])
    if revoked:
        _audit_key(api_key, actor=acting_user, action="api_key_revoked")
    return api_key


def _parse(header: str) -> tuple[str, str]:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiAuthError("Send the agency API key as 'Authorization: Bearer <key>'.")
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_SCHEME or not parts[1] or not parts[2]:
        raise ApiAuthError("The API key is not valid.")
    return parts[1], parts[2]


def authenticate(request) -> AgencyApiKey:
    """The usable key the request carries, or `ApiAuthError`.

    An unknown prefix and a wrong secret get the same answer; only the key's real holder
    (whose secret matches) learns that it expired or was revoked.
    """
    prefix, secret = _parse(request.headers.get("Authorization", ""))
    key = AgencyApiKey.objects.select_related("agency").filter(prefix=prefix).first()
    if key is None or not key.matches(secret):
        raise ApiAuthError("The API key is not valid.")
    if key.is_revoked:
        raise ApiAuthError("This API key was revoked.")
    if key.is_expired:
        raise ApiAuthError("This API key has expired.")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        AgencyApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_required(view):
    """Authenticate by agency API key; sets `request.api_key` and `request.agency`.

    CSRF protects cookie-authenticated browsers; these views ignore cookies and sessions
    entirely (a request is who its bearer key says), so they alone are exempt.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            key = authenticate(request)
        except ApiAuthError as error:
            response = JsonResponse(
                {"errors": [{"path": "$.headers.Authorization", "message": error.message}]},
                status=401,
            )
            response["WWW-Authenticate"] = 'Bearer realm="civiportal"'
            return response
        request.api_key = key
        request.agency = key.agency
        return view(request, *args, **kwargs)

    return wrapped
