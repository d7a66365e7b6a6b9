"""Signed webhook: a JSON POST of the application to the agency's HTTPS endpoint.

The body follows `agencies/routing/webhook_schema.json` (its `schema_version` changes only with a
breaking change). Headers:

- `X-CiviPortal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
  with the channel's secret; receivers recompute it and reject stale timestamps;
- `X-CiviPortal-Delivery` and `Idempotency-Key`: the delivery's idempotency key, the same
  on every retry, which receivers use to record each delivery once.

Only a 2xx answer counts as delivered. Redirects are not followed (the signature is for
one address). Timeouts, refused connections, 408/425/429 and 5xx are retried.
"""

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request

from django.conf import settings

from agencies.routing.channels import PermanentDeliveryError, TransientDeliveryError
from agencies.routing.channels.addresses import non_public_address

ATOMIC = False
RELATED = (
    "application__submission",
    "application__program",
    "application__program_version",
    "agency",
    "channel",
)
SCHEMA_VERSION = "1"
EVENT = "application.submitted"
USER_AGENT = "CiviPortal-Webhook/1"
RETRYABLE_STATUSES = {408, 425, 429}
SIGNATURE_TOLERANCE_SECONDS = 300


def build_payload(delivery) -> dict:
    """The webhook body for `delivery`, identical on every retry."""
    application = delivery.application
    submission = application.submission
    program = application.program
    return {
        "schema_version": SCHEMA_VERSION,
        "event": delivery.event or EVENT,
        "delivery_id": str(delivery.idempotency_key),
        "agency": {"slug": delivery.agency.slug, "name": delivery.agency.name},
        "application": {
            "reference": application.reference,
            "submission_reference": submission.reference,
            "submitted_at": application.submitted_at.isoformat(),
            "language": submission.language,
            "program": {
                "slug": program.slug,
                "name": program.name,
                "version": application.program_version.number,
            },
            "status": application.status,
            "answers": application.answers,
            "eligibility": application.eligibility,
        },
    }


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-CiviPortal-Signature header value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True if `header` is a valid signature of `body` made within `tolerance` seconds:
    what an agency's receiver does (docs/operations.md has a standalone version)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        received = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, received)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surfaces as an HTTPError with the 3xx code


_opener = urllib.request.build_opener(_NoRedirect)


def send(delivery) -> str:
    """POST the signed payload; return "HTTP <code>" on 2xx, raise otherwise."""
    channel = delivery.channel
    url = channel.webhook_url
    if not url.startswith(("https://", "http://")):
        raise PermanentDeliveryError(f"Webhook URL {url!r} is not an http(s) address.")
    if not channel.webhook_secret:
        raise PermanentDeliveryError("The webhook channel has no signing secret.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        address = non_public_address(url)
        if address:
            raise PermanentDeliveryError(
                f"Webhook URL {url!r} resolves to a non-public address ({address}); refused."
            )
    body = encode(build_payload(delivery))
    key = str(delivery.idempotency_key)
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-CiviPortal-Signature": sign(channel.webhook_secret, int(time.time()), body),
            "X-CiviPortal-Delivery": key,
            "Idempotency-Key": key,
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        detail = error.read(300).decode(errors="replace").strip()
        message = f"HTTP {status} from {url}" + (f": {detail}" if detail else "")
        if status >= 500 or status in RETRYABLE_STATUSES:
            raise TransientDeliveryError(message) from None
        raise PermanentDeliveryError(message) from None
    except TimeoutError as error:
        raise TransientDeliveryError(
            f"No answer from {url} within {settings.WEBHOOK_TIMEOUT_SECONDS:g} s"
        ) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise TransientDeliveryError(
                f"No answer from {url} within {settings.WEBHOOK_TIMEOUT_SECONDS:g} s"
            ) from error
        raise TransientDeliveryError(f"Cannot reach {url}: {error.reason}") from error
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        raise TransientDeliveryError(f"Connection to {url} failed: {error}") from error
    if 200 <= status < 300:
        return f"HTTP {status}"
    raise PermanentDeliveryError(f"HTTP {status} from {url}")
