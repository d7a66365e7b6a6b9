"""Sign-in throttling and lockout (django-axes), for the residents' sign-in and the admin
login alike, keyed on the account and on the client address (civiportal/ratelimit.py,
so it holds behind the trusted proxy).

django-axes keeps its counts in the database, shared by every web process, and its
AccessAttempt / AccessFailureLog rows are the audit trail (read-only in the admin); a
lockout is also logged at WARNING. Settings: AXES_* in civiportal/settings.py.
"""

import logging

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.dispatch import receiver

from civiportal.ratelimit import client_address

logger = logging.getLogger("civiportal.security")


def client_ip(request, *args, **kwargs) -> str | None:
    """The client address for axes, which stores it as an IP address: None if unknown."""
    address = client_address(request)
    return None if address == "unknown" else address


def username_from(request, credentials=None) -> str:
    """The account a sign-in names: `username` on the admin form and in authenticate()
    calls, `email` on the residents' form; case-folded like usernames are stored."""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        post = getattr(request, "POST", {}) or {}
        value = post.get("username") or post.get("email") or ""
    return str(value).strip().lower()


class ThrottledBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped for sign-ins that come with no HTTP request
    (management commands, the test client's login()): nothing there to throttle."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    logger.warning("sign-in locked out: account %r from %s", username, ip_address)
