"""Renewing an approved application before it lapses: the resident says what changed
since they applied, answers only those questions (pre-filled), and the renewal is
submitted from their profile, linked to the application it renews (applicants/renewals.py).
"""

import secrets
from functools import wraps

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applicants import identity
from applicants.forms import AnswersForm
from applicants.renewals import (
    MAY_HAVE_CHANGED,
    RenewalNotOpen,
    renewal_household_questions,
    renewal_questions,
    renewal_status,
    renewal_submit,
)
from applicants.selectors import (
    applicant_answers,
    application_for_applicant,
    published_versions,
)
from applicants.services import answers_save
from applicants.views.common import household_blocks, language_of


class ChangesForm(forms.Form):
    changed = forms.MultipleChoiceField(
        label=_("What has changed since you applied?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (label, _prefixes) in MAY_HAVE_CHANGED.items()],
        help_text=_("Leave all unchecked if nothing changed: you will not be asked anything."),
    )
    submit_token = forms.CharField(widget=forms.HiddenInput)


class RenewalAnswersForm(AnswersForm):
    submit_token = forms.CharField(widget=forms.HiddenInput)


def _while_renewable(view):
    """Serve `view(request, application, status)` for the resident's own application
    (404 for anyone else's) while it may be renewed; else say why it may not."""

    @wraps(view)
    @never_cache
    @require_http_methods(["GET", "POST"])
    def wrapper(request, reference):
        application = application_for_applicant(
            applicant=identity.current_applicant(request), reference=reference
        )
        status = renewal_status(application)
        if status is None or not status["can_renew"]:
            return render(
                request,
                "applicants/applications/renew_closed.html",
                {"application": application, "renewal": status},
                status=409,
            )
        return view(request, application, status)

    return wrapper


def _page(request, template, application, status, form, **extra):
    return render(
        request,
        f"applicants/applications/{template}",
        {"application": application, "renewal": status, "form": form,
         "program": application.program.text("name", language_of(request)), **extra},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _submit(request, application, token, form):
    """Submit the renewal; a refusal becomes a form error, nothing saved is lost."""
    try:
        submission = renewal_submit(
            application=application, submit_token=token, language=language_of(request)
        )
    except (RenewalNotOpen, ValidationError) as error:
        for message in getattr(error, "messages", [str(error)]):
            form.add_error(None, message)
        return None
    return redirect("applicants:confirmation", reference=submission.reference)


@_while_renewable
def renew(request, application, status):
    """Which of the answers that may change did change; none: submitted at once."""
    form = ChangesForm(request.POST or None, initial={"submit_token": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["submit_token"]
        changed = form.cleaned_data["changed"]
        if not changed:
            done = _submit(request, application, token, form)
            if done is not None:
                return done
        else:
            query = urlencode({"changed": changed, "token": token}, doseq=True)
            url = reverse("applicants:renew_answers", kwargs={"reference": application.reference})
            return redirect(f"{url}?{query}")
    return _page(request, "renew.html", application, status, form)


@_while_renewable
def renew_answers(request, application, status):
    """The questions of the areas that changed, pre-filled; saved, then submitted."""
    language = language_of(request)
    areas = [a for a in request.GET.getlist("changed") if a in MAY_HAVE_CHANGED]
    applicant = application.submission.applicant
    answers = applicant_answers(applicant=applicant)
    versions = published_versions(program_slugs=[application.program.slug])
    questions = renewal_questions(versions[0], answers, areas) if versions else []
    lists = renewal_household_questions(versions[0], answers, areas) if versions else []
    # The people pages come back here, so the renewal goes on where it was.
    households = household_blocks(lists, answers, request.get_full_path(), language)
    posted = request.method == "POST"
    form = RenewalAnswersForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        questions=questions,
        answers=answers,
        language=language,
        initial={"submit_token": request.GET.get("token") or secrets.token_urlsafe(24)},
    )
    if posted and form.is_valid():
        answers_save(applicant=applicant, values=form.answers())
        done = _submit(request, application, form.cleaned_data["submit_token"], form)
        if done is not None:
            return done
    return _page(request, "renew_answers.html", application, status, form, households=households)
