"""A resident's own application as a PDF, rendered by WeasyPrint from the same data as
the printable page (templates/applicants/pdf/application.html)."""

from django.template.loader import render_to_string

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
    """Render `application` as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(
        "applicants/pdf/application.html",
        {
            "application": application,
            "program": application.program.text("name", language),
            "groups": application_rows(application, language=language),
        },
    )
    return HTML(string=html, base_url=base_url or None).write_pdf()
