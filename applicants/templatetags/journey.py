from django import template

from applicants import identity
from applicants.selectors import open_applications_by_program
from programs.question_types import format_cents

register = template.Library()


@register.filter
def dollars(cents) -> str:
    """Integer cents as "$1,234" (whole dollars) or "$1,234.50"."""

    if cents in (None, ""):
        return ""
    return format_cents(int(cents))


def open_applications_for_request(request) -> dict:
    """{program id: open application} of the current resident, read once per request."""

    cached = getattr(request, "_open_applications", None)
    if cached is None:
        cached = open_applications_by_program(applicant=identity.current_applicant(request))
        request._open_applications = cached
    return cached


@register.inclusion_tag("applicants/_open_application.html", takes_context=True)
def open_application_note(context, program):
    """ "You already applied" with the status and a link, when the resident has an open
    application to `program` (the catalog and the results page)."""
    request = context.get("request")
    application = open_applications_for_request(request).get(program.pk) if request else None
    return {"application": application}
