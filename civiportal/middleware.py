from django.conf import settings
from django.middleware.gzip import GZipMiddleware

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
