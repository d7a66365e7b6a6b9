"""A resident's own application as a PDF: the agencies' PDF renderer and template
(`agencies.exports.pdf_export`, templates/exports/application_pdf.html), for the resident,
who sees every answer they gave, sensitive ones included, and no staff notes."""

from applicants.models import Application


def application_rows(application: Application, *, language: str | None = None) -> list[dict]:
    """The frozen answers of `application` as display rows, in the order its program
    version asks them (two queries: screens with their questions)."""
    from programs.models import Screen
    from programs.question_types import format_member, format_value

    screens = (
        Screen.objects.filter(version=application.program_version)
        .prefetch_related("screen_questions__question")
        .order_by("order", "id")
    )
    groups = []
    seen = set()
    for screen in screens:
        rows = []
        for screen_question in screen.screen_questions.all():
            question = screen_question.question
            if question.key not in application.answers or question.key in seen:
                continue
            seen.add(question.key)
            value = application.answers[question.key]
            rows.append(
                {
                    "label": question.text("label", language),
                    "text": format_value(question, value, language=language),
                    "people": [format_member(question, m, language=language) for m in value]
                    if question.type == "household_members" and value
                    else [],
                }
            )
        if rows:
            groups.append({"title": screen.text("title", language), "rows": rows})
    return groups


def application_pdf(
    application: Application, *, language: str | None = None, base_url: str = ""
) -> bytes:
    """Render `application` as PDF bytes for its resident."""
    # Imported here: the renderer lives with the other exports in `agencies`, which
    # itself depends on `applicants`.
    from agencies.exports.pdf_export import PdfOptions, render_application_pdf

    return render_application_pdf(
        application,
        options=PdfOptions(
            can_view_sensitive=True, staff=False, language=language, base_url=base_url
        ),
    )
