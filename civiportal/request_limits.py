"""Limits on what a request may make the portal read and store.

`RequestSizeLimitMiddleware` refuses a body over MAX_REQUEST_BYTES by its declared
Content-Length, before anything reads it (CSRF, forms and uploads all read the body; a
50 MB body used to be read in full before being refused).

`GuestUploadQuotaMiddleware` caps what visitors without an account can store: at most
GUEST_UPLOAD_QUOTA files per guest session, and GUEST_UPLOAD_REQUESTS_PER_HOUR requests
with files per client address (a bot can always start a new session). Signed-in
residents and staff are known people and have no quota here.

`StaffFormFieldsMiddleware` lets signed-in staff post more form fields to the admin than
Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) allows everyone else: the program builder
posts every row of a rule as one form (about 32 fields a condition), so a rule of more than
~30 conditions would be refused with a 400. Visitors keep Django's limit.
"""

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

from civiportal.middleware import ADMIN_PREFIX
from civiportal.ratelimit import over_limit

UPLOADS_STORED_KEY = "civiportal.guest_uploads"


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return render(
                request,
                "errors/too_large.html",
                {"limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)


class GuestUploadQuotaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and not request.user.is_authenticated
        ):
            # The body is within MAX_REQUEST_BYTES here, so parsing it is bounded.
            files = [f for name in request.FILES for f in request.FILES.getlist(name) if f.size]
            if files:
                stored = request.session.get(UPLOADS_STORED_KEY, 0)
                if stored + len(files) > settings.GUEST_UPLOAD_QUOTA or over_limit(
                    request,
                    scope="guest-uploads",
                    limit=settings.GUEST_UPLOAD_REQUESTS_PER_HOUR,
                    window_seconds=3600,
                ):
                    return render(request, "errors/upload_quota.html", status=429)
                request.session[UPLOADS_STORED_KEY] = stored + len(files)
        return self.get_response(request)


class StaffFormFieldsMiddleware:
    """Parse a staff member's url-encoded admin post with STAFF_FORM_MAX_NUMBER_FIELDS.

    Placed after AuthenticationMiddleware (it needs the user) and so after
    CsrfViewMiddleware in the list; CSRF reads the post in `process_view`, which runs after
    every middleware's `__call__`, so it reads the post parsed here. The body itself stays
    bounded by DATA_UPLOAD_MAX_MEMORY_SIZE, which `request.body` enforces.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and request.path_info.startswith(ADMIN_PREFIX)
            and request.user.is_active
            and request.user.is_staff
        ):
            request.POST = _parsed_post(request)
            request._files = MultiValueDict()
        return self.get_response(request)


def _parsed_post(request) -> QueryDict:
    encoding = request.encoding or settings.DEFAULT_CHARSET
    post = QueryDict(mutable=True, encoding=encoding)
    try:
        pairs = parse_qsl(
            request.body.decode(encoding, errors="replace"),
            keep_blank_values=True,
            max_num_fields=settings.STAFF_FORM_MAX_NUMBER_FIELDS,
        )
    except ValueError as error:  # over the limit: a 400, as Django's own limit gives
        raise TooManyFieldsSent(str(error)) from error
    for key, value in pairs:
        post.appendlist(key, value)
    post._mutable = False
    return post
