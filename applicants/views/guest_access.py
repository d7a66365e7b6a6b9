"""A guest's way back to their applications without an account: the signed link in
every message about an application, or the reference number plus date of birth."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applicants import identity
from applicants.forms import ClaimForm
from applicants.guest_access import (
    LinkExpired,
    LinkInvalid,
    guest_access_read,
    message_language,
)
from applicants.services import guest_submission_matching
from civiportal.ratelimit import over_limit


@never_cache
@require_GET
def guest_access(request, token):
    """Open the application a guest's link names, in a fresh guest session."""
    if request.user.is_authenticated:
        # An account's session never takes a guest's place; the account proves the
        # application its own way.
        messages.info(request, _("You are signed in. Add that application to your account."))
        return redirect("applicants:claim")
    try:
        applicant, reference = guest_access_read(token)
    except LinkInvalid as error:
        response = render(
            request,
            "applicants/applications/link_invalid.html",
            {"expired": isinstance(error, LinkExpired)},
            status=410 if isinstance(error, LinkExpired) else 404,
        )
    else:
        identity.guest_session_start(request, applicant)
        if reference:
            response = redirect("applicants:application_detail", reference=reference)
        else:
            response = redirect("applicants:my_applications")
        _speak_their_language(request, response, applicant, reference)
    # The token is a key: keep it out of other sites' Referer headers.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _speak_their_language(request, response, applicant, reference) -> None:
    """A link from a Spanish message opens a Spanish page, unless this browser already
    chose a language."""
    language = message_language(applicant=applicant, reference=reference)
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or language not in dict(settings.LANGUAGES):
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE,
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def guest_find(request):
    """Come back as a guest with the reference number and date of birth: the same answer
    for a reference that does not exist and a wrong date, and a limit per address."""
    if request.user.is_authenticated:
        return redirect("applicants:claim")
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if over_limit(
            request, scope="guest-find", limit=settings.GUEST_FIND_ATTEMPTS_PER_HOUR,
            window_seconds=3600,
        ):  # fmt: skip
            form.add_error(None, _("Too many tries. Try again in an hour."))
        else:
            submission = guest_submission_matching(
                reference=form.cleaned_data["reference"],
                birth_date=form.cleaned_data["birth_date"],
            )
            if submission is None:
                form.add_error(
                    "reference",
                    _("No application matches that reference number and date of birth."),
                )
            else:
                identity.guest_session_start(request, submission.applicant)
                return redirect("applicants:my_applications")
    return render(
        request,
        "applicants/applications/find.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
