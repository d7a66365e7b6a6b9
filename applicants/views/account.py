"""Resident accounts: sign up with a verified email (keeping what a guest entered), sign
in (ending any guest session: on a shared computer it may be someone else's), sign out,
and password reset by email. A guest's submitted applications join an account only
through the claim page (views/claim.py).

These pages are the residents' own; the admin keeps its login at admin:login.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import identity
from applicants.accounts import account_sign_up, account_verify, password_reset_request
from applicants.forms import SignInForm, SignUpForm
from applicants.models import Applicant
from applicants.navigators.selectors import navigator_membership
from applicants.services import applicant_attach_user
from applicants.views.common import language_of
from civiportal.ratelimit import client_address, over_limit

REDIRECT_FIELD = "next"
logger = logging.getLogger("civiportal.security")


def _next_url(request, default: str) -> str:
    target = request.POST.get(REDIRECT_FIELD) or request.GET.get(REDIRECT_FIELD)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _login_keeping_guest(request, user) -> None:
    """Sign a just-verified new account in, giving it the session's guest answers."""
    guest_id = identity.guest_applicant_id(request)
    guest = Applicant.objects.filter(pk=guest_id, user__isnull=True).first() if guest_id else None
    applicant_attach_user(applicant=guest, user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    identity.forget_guest(request)


def _login_ending_guest(request, user) -> None:
    """Sign `user` in on a fresh session: whatever a guest left on this browser is not
    theirs to see, and never reaches their profile."""
    request.session.flush()
    identity.forget_guest(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request, reverse("applicants:my_applications")))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        account_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=language_of(request),
        )
        return render(
            request, "registration/sign_up_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request,
        "registration/sign_up.html",
        {
            "form": form,
            "next": _next_url(request, ""),
            "has_progress": bool(identity.current_applicant(request)),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_GET
def sign_up_verify(request, uidb64, token):
    """The link from the sign-up email: activates the account and signs it in."""
    user = account_verify(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "registration/sign_up_invalid.html", status=404)
    _login_keeping_guest(request, user)
    messages.success(request, _("Your account is ready. Everything you entered is saved."))
    return redirect("applicants:resume")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        _login_ending_guest(request, form.user)
        messages.success(request, _("You are signed in."))
        # Navigators work from their dashboard; residents continue their application.
        landing = (
            "applicants:navigator_dashboard"
            if navigator_membership(user=form.user)
            else "applicants:resume"
        )
        return redirect(_next_url(request, reverse(landing)))
    return render(
        request,
        "registration/sign_in.html",
        {"form": form, "next": _next_url(request, "")},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    logout(request)  # flushes the session, guest progress included
    messages.success(request, _("You are signed out."))
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, but the email goes through the notification outbox
    (`password_reset_request`) rather than being sent while the resident waits."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("applicants:password_reset_done")

    def form_valid(self, form):
        # Over the limit (per client, or per address asked about), no email is sent but
        # the answer is the usual "sent" page, so the limit reveals nothing either.
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        email = form.cleaned_data["email"].strip().lower()
        by_client = over_limit(self.request, scope="reset", limit=limit, window_seconds=3600)
        by_email = over_limit(
            self.request, scope="reset-email", limit=limit, window_seconds=3600, key=email
        )
        if by_client or by_email:
            logger.warning("password reset throttled for %s", client_address(self.request))
            return redirect(self.success_url)
        password_reset_request(email=form.cleaned_data["email"], language=language_of(self.request))
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("applicants:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
