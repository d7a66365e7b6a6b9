"""Client addresses behind a proxy, and a fixed-window request limit kept in Django's
cache (Redis in production via CACHE_URL, so every web process shares the count).

Behind the TLS proxy that docs/operations.md requires, REMOTE_ADDR is the proxy's
address for every resident. With TRUSTED_PROXY_CLIENT_IP_HEADER set, the client is read
from that header instead: the address `TRUSTED_PROXY_COUNT` entries from its right end,
the one our own outermost proxy saw. Entries further left are whatever the client sent,
so they are never trusted. Off by default: without a proxy the header is forgeable.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's IP address, or "unknown"."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    header = settings.TRUSTED_PROXY_CLIENT_IP_HEADER
    if not header:
        return remote
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(meta_key, "").split(",") if hop.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def over_limit(
    request, *, scope: str, limit: int, window_seconds: int = 60, key: str | None = None
) -> bool:
    """Count this request; True once the client (or `key`, e.g. an account) has made
    more than `limit` in the window."""
    cache_key = f"ratelimit:{scope}:{key or client_address(request)}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this request starts a new window
        cache.set(cache_key, 1, timeout=window_seconds)
        return False
    return count > limit
