"""'My applications': the resident's applications and a printable view (the PDF download
is served by `agencies.exports.views`, which owns the renderer).

Every URL naming an application goes through `selectors.application_for_applicant`, which
answers 404 for anything that is not the current resident's.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applicants import identity
from applicants.answer_rows import application_rows
from applicants.followup import application_followup
from applicants.renewals import renewal_status
from applicants.selectors import (
    application_for_applicant,
    applications_for_applicant,
    submission_by_status_token,
)
from applicants.views.common import language_of


@never_cache
@require_GET
def my_applications(request):
    language = language_of(request)
    applicant = identity.current_applicant(request)
    applications = [
        {"application": a, "program": a.program.text("name", language)}
        for a in applications_for_applicant(applicant=applicant)
    ]
    return render(
        request,
        "applicants/applications/list.html",
        {"applications": applications, "signed_in": request.user.is_authenticated},
    )


@never_cache
@require_GET
def application_detail(request, reference):
    language = language_of(request)
    application = application_for_applicant(
        applicant=identity.current_applicant(request), reference=reference
    )
    return render(
        request,
        "applicants/applications/detail.html",
        {
            "application": application,
            "program": application.program.text("name", language),
            "groups": application_rows(application, language=language),
            "followup": application_followup(application=application, language=language),
            "renewal": renewal_status(application),
        },
    )


@never_cache
@require_GET
def guest_status(request, token):
    """A submission's status from its secret link: the way back for a resident who chose
    no contact and has no account. It shows statuses only, never answers."""
    language = language_of(request)
    submission = submission_by_status_token(token=token)
    response = render(
        request,
        "applicants/applications/status.html",
        {
            "submission": submission,
            "applications": [
                {"application": a, "program": a.program.text("name", language)}
                for a in submission.applications.all()
            ],
        },
    )
    # The token is the key to this page: keep it out of other sites' Referer headers.
    response["Referrer-Policy"] = "no-referrer"
    return response
