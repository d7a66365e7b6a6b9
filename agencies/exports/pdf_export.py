"""One application as a PDF, rendered by WeasyPrint from `templates/exports/application_pdf.html`.

The same template and context builder serve the resident's own download
(`exports.services.resident_application_pdf`) and the agency's copy (admin, batch zip,
command line): the audience only decides whether sensitive answers are shown and whether
staff notes appear in the status history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from agencies.review.models import AuditEvent
from agencies.review.selectors import application_screens
from agencies.review.workflow import Status
from applicants.answer_display import (
    AnswerGroup,
    MaskingPolicy,
    answer_groups,
    eligibility_display,
    sensitive_questions,
)
from applicants.followup import application_followup
from applicants.models import Application, Submission

OUTCOME_LABELS = {
    "eligible": translation.gettext_lazy("Likely eligible"),
    "ineligible": translation.gettext_lazy("Likely not eligible"),
    "unknown": translation.gettext_lazy("Not enough information to tell"),
    # eligibility.services.UNCHECKED: the program's rules failed while screening.
    "unchecked": translation.gettext_lazy("Could not be checked"),
}


@dataclass
class PdfOptions:
    """Who the PDF is for. `staff=True` adds who changed each status and their notes."""

    can_view_sensitive: bool = False
    staff: bool = False
    language: str | None = None
    base_url: str = ""


def _screens(application: Application):

    return application_screens(application=application)


def _policy(options: PdfOptions) -> MaskingPolicy:
    return MaskingPolicy(can_view_sensitive=options.can_view_sensitive)


def _answer_groups(application: Application, screens, options: PdfOptions) -> list:
    groups, other = answer_groups(
        application, policy=_policy(options), language=options.language, screens=screens
    )
    # Answers kept from a question the version no longer shows on a screen: still part of
    # what the agency received, so still printed (masked by the same policy).
    if other:
        groups.append(AnswerGroup(translation.gettext("Other answers"), other))
    return groups


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _history(application: Application, options: PdfOptions) -> list[dict]:
    """Every status the application went through, oldest first, from the audit trail."""
    events = (
        AuditEvent.objects.filter(
            application_id=application.pk, action=AuditEvent.Action.STATUS_CHANGED
        )
        .order_by("created_at", "pk")
        .only("created_at", "after", "actor_repr", "note")
    )
    rows = [
        {
            "when": application.submitted_at,
            "status": _status_label(Status.SUBMITTED),
            "who": "",
            "note": "",
        }
    ]
    for event in events:
        rows.append(
            {
                "when": event.created_at,
                "status": _status_label((event.after or {}).get("status", "")),
                "who": event.actor_repr if options.staff else "",
                "note": event.note if options.staff else "",
            }
        )
    return rows


def _eligibility(application: Application, options: PdfOptions) -> dict:
    if not application.eligibility:
        return {"outcome": "", "label": "", "reasons": [], "missing": []}
    shown = eligibility_display(
        application.eligibility,
        answers=application.answers or {},
        policy=_policy(options),
        sensitive={} if options.can_view_sensitive else sensitive_questions(),
        language=options.language,
    )
    return {**shown, "label": OUTCOME_LABELS.get(shown["outcome"], shown["outcome"])}


def entered_by_text(application: Application) -> str:
    """The text "<navigator> for <organization>" when a community navigator submitted the
    application on the resident's behalf, else "" (one query)."""

    row = (
        Submission.objects.filter(pk=application.submission_id, partner_organization__isnull=False)
        .values_list(
            "entered_by_navigator__first_name",
            "entered_by_navigator__last_name",
            "entered_by_navigator__username",
            "partner_organization__name",
        )
        .first()
    )
    if row is None:
        return ""
    first, last, username, organization = row
    who = " ".join(part for part in (first, last) if part) or username or ""
    if not who:
        return organization
    return translation.gettext("%(navigator)s for %(organization)s") % {
        "navigator": who,
        "organization": organization,
    }


def application_pdf_context(application: Application, *, options: PdfOptions, screens=None) -> dict:
    """Everything the PDF template prints, as plain text (the template escapes it).

    `screens` (the version's screens with their questions) may be passed by a batch that
    renders many applications of the same version, to fetch them once.
    """
    language = options.language
    program = application.program
    return {
        "application": application,
        "agency": program.agency.name,
        "program": program.text("name", language),
        "status": _status_label(application.status),
        "submitted_at": timezone.localtime(application.submitted_at),
        "entered_by": entered_by_text(application),
        "groups": _answer_groups(
            application, _screens(application) if screens is None else screens, options
        ),
        "eligibility": _eligibility(application, options),
        "history": _history(application, options),
        # The resident's copy also carries what they were told and what they replied.
        "followup": None
        if options.staff
        else application_followup(application=application, language=language or "en"),
        "staff": options.staff,
        "generated_at": timezone.localtime(),
        "LANGUAGE_CODE": (language or translation.get_language() or "en"),
    }


def render_application_html(application: Application, *, options: PdfOptions, screens=None):
    with translation.override(options.language or translation.get_language()):
        return render_to_string(
            "exports/application_pdf.html",
            application_pdf_context(application, options=options, screens=screens),
        )


def render_application_pdf(application: Application, *, options: PdfOptions, screens=None) -> bytes:
    """`application` as PDF bytes, for the audience described by `options`."""
    from weasyprint import HTML  # slow to import: only when a PDF is rendered

    html = render_application_html(application, options=options, screens=screens)
    return HTML(string=html, base_url=options.base_url or None).write_pdf()


def pdf_filename(application: Application) -> str:
    return f"{application.program.slug}-{application.reference}.pdf"
