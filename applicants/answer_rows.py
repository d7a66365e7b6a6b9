"""A resident's application as display rows for the printable page. The PDF download uses
the agencies' renderer (`agencies.exports.services.resident_application_pdf`); both go
through the one renderer, `applicants.answer_display`."""

from applicants.answer_display import MaskingPolicy, answer_groups
from applicants.models import Application


def application_rows(application: Application, *, language: str | None = None) -> list:
    """The frozen answers of `application` as display groups, in the order its program
    version asks them. The resident sees every answer they gave, sensitive ones included."""
    groups, _other = answer_groups(
        application, policy=MaskingPolicy.everything(), language=language, unanswered=False
    )
    return groups
