"""The resident's own follow-up pages that move the review workflow: answering a request
for information and withdrawing an application. Served by `agencies` (like the PDF)
because they call the review services; every URL goes through
`applicants.selectors.application_for_applicant`, so anyone else's application is a 404.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from agencies.review.resident_services import (
    AnswerNotRequested,
    application_respond,
    application_withdraw,
)
from agencies.review.workflow import InvalidStatusTransition
from applicants import identity
from applicants.followup import WITHDRAWABLE, application_followup
from applicants.forms import AnswersForm
from applicants.selectors import application_for_applicant, open_request
from applicants.views.common import language_of
from programs.models import Question


class ResponseForm(AnswersForm):
    """The requested documents and answers (pre-filled with what the agency has) and a
    free-text reply."""

    reply = forms.CharField(
        label=_("Your reply to the agency"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional. Anything the agency should know about what you send."),
    )


def _application(request, reference):
    return application_for_applicant(
        applicant=identity.current_applicant(request), reference=reference
    )


def _detail(application):
    return redirect("applicants:application_detail", reference=application.reference)


@never_cache
@require_http_methods(["GET", "POST"])
def resident_application_respond(request, reference):
    """Answer the open request for information, then send the application back."""
    language = language_of(request)
    application = _application(request, reference)
    request_update = open_request(application=application)
    if request_update is None:
        messages.info(request, gettext("This application is not waiting for an answer from you."))
        return _detail(application)
    keys = request_update.requested_documents + request_update.requested_questions
    by_key = {q.key: q for q in Question.objects.filter(key__in=keys)}
    posted = request.method == "POST"
    form = ResponseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        questions=[(by_key[key], True) for key in keys if key in by_key],
        answers=application.answers,
        language=language,
    )
    if posted and form.is_valid():
        try:
            application_respond(
                application=application,
                reply=form.cleaned_data["reply"],
                answers=form.answers(),
                user=request.user,
            )
        except (InvalidStatusTransition, AnswerNotRequested) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("Thank you. The agency has your answer."))
            return _detail(application)
    return render(
        request,
        "applicants/applications/respond.html",
        {
            "application": application,
            "program": application.program.text("name", language),
            "form": form,
            "followup": application_followup(application=application, language=language),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def resident_application_withdraw(request, reference):
    """Confirm, then withdraw the application; the agency is told through its outbox."""
    language = language_of(request)
    application = _application(request, reference)
    if application.status not in WITHDRAWABLE:
        messages.info(request, gettext("This application can no longer be withdrawn."))
        return _detail(application)
    if request.method == "POST":
        try:
            application_withdraw(application=application, user=request.user)
        except InvalidStatusTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("Your application was withdrawn."))
        return _detail(application)
    return render(
        request,
        "applicants/applications/withdraw.html",
        {"application": application, "program": application.program.text("name", language)},
    )
