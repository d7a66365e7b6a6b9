import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# The admin's own prefix (civiportal/urls.py).
ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header on every response.

    Django 5.2 has no CSP support of its own; the policy allows only same-origin
    resources and no inline script, which every page respects because none needs JS.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ReflectionFreeGZipMiddleware(GZipMiddleware):
    """Gzip HTML pages whose content no other site can influence (BREACH).

    BREACH recovers a secret from a compressed response by making the victim's browser
    send many requests that each reflect a guess next to the secret, and watching the
    size. So only responses that reflect nothing a third party chooses are compressed:
    successful (200) GET or HEAD HTML pages requested without a query string, outside the
    admin. A cross-site attacker can make a browser fetch such a page but cannot change
    what is in it: POSTs need the CSRF token, query strings are where pages reflect
    search terms and filters, unknown paths are 404s, and the admin is where staff see
    text residents typed next to other residents' data. Django's GZipMiddleware adds its
    own random padding and the CSRF token is masked per response, as extra layers.
    Static files are compressed ahead of time by WhiteNoise; JSON and downloads are left
    alone. See docs/operations.md ("Compression").
    """

    def process_response(self, request, response):
        if not _reflects_nothing_chosen_elsewhere(request, response):
            return response
        return super().process_response(request, response)


def _reflects_nothing_chosen_elsewhere(request, response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path.startswith(ADMIN_PREFIX)
    )


class PrivateByDefaultMiddleware:
    """`Cache-Control: no-store` on every response that does not choose its own caching.

    Intake, results, review, confirmation, account and admin pages show residents'
    names, dates of birth and incomes; a shared computer's browser cache or a proxy must
    keep none of it. Pages that are safe to cache (the OpenAPI document, static files
    served by WhiteNoise before this runs) say so explicitly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


STAFF_LAST_SEEN_KEY = "civiportal.staff_last_seen"


class StaffIdleTimeoutMiddleware:
    """Sign staff out after STAFF_IDLE_TIMEOUT_SECONDS without a request.

    Staff sessions reach every applicant of their agencies, so a caseworker who walks
    away from a screen must not stay signed in for the session cookie's two weeks.
    Residents keep the longer session of SESSION_COOKIE_AGE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in: asking `request.user` would load
        # an empty session and give every cookie-less response a "Vary: Cookie".
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(STAFF_LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logger.info("staff user %s signed out after being idle", user.pk)
                logout(request)
            # Written at most once a minute, so not every request saves the session.
            elif last_seen is None or now - last_seen >= 60:
                request.session[STAFF_LAST_SEEN_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in)
def start_staff_idle_clock(sender, request, user, **kwargs):
    # Set at sign-in, so the first pages after it need no session write of their own.
    if user.is_staff and getattr(request, "session", None) is not None:
        request.session[STAFF_LAST_SEEN_KEY] = int(time.time())
