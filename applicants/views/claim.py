"""Adding an application made as a guest to the signed-in account, with proof.

Signing in never carries a guest's submissions over (the browser may be shared), so a
resident who applied before signing in proves the application is theirs with its
reference number and their date of birth. Attempts are limited per account so the pair
cannot be guessed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applicants.forms import ClaimForm
from applicants.services import ClaimRefused, submission_claim
from civiportal.ratelimit import over_limit


@never_cache
@require_http_methods(["GET", "POST"])
def claim(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "applicants:sign_in")
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if over_limit(
            request,
            scope="claim",
            limit=settings.CLAIM_ATTEMPTS_PER_HOUR,
            window_seconds=3600,
            key=str(request.user.pk),
        ):
            form.add_error(None, _("Too many tries. Try again in an hour."))
        else:
            try:
                submission = submission_claim(
                    user=request.user,
                    reference=form.cleaned_data["reference"],
                    birth_date=form.cleaned_data["birth_date"],
                )
            except ClaimRefused as error:
                form.add_error("reference", error)
            else:
                messages.success(
                    request,
                    _("Application %(reference)s is now in your account.")
                    % {"reference": submission.reference},
                )
                return redirect("applicants:my_applications")
    return render(
        request,
        "applicants/applications/claim.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
