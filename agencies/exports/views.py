"""Pages agencies serve to residents. The resident's PDF lives here rather than in
`applicants` because the renderer belongs to the exports, and dependencies point from
`agencies` to `applicants`, never back."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agencies.exports.services import resident_application_pdf
from applicants import identity
from applicants.selectors import application_for_applicant
from applicants.views.common import language_of


@never_cache
@require_GET
def resident_application_download(request, reference):
    """The current resident's own application as a PDF; 404 for anyone else's."""
    application = application_for_applicant(
        applicant=identity.current_applicant(request), reference=reference
    )
    pdf = resident_application_pdf(
        application=application,
        language=language_of(request),
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}.pdf"'
    return response
