"""A fixed-window request limit per client address, kept in Django's cache (Redis in
production via CACHE_URL, so every web process shares the count)."""

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request, *, scope: str, limit: int, window_seconds: int = 60) -> bool:
    """Count this request; True once the client has made more than `limit` in the window."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new window
        cache.set(key, 1, timeout=window_seconds)
        return False
    return count > limit
