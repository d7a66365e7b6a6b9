"""A resident's application as display rows for the printable page. The PDF download uses
the agencies' renderer (`agencies.exports.services.resident_application_pdf`)."""

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
