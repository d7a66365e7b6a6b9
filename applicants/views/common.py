"""Helpers shared by the journey's views: session keys, who entered an answer, language,
safe return URLs, household blocks."""

from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from programs.models import Question, QuestionType
from programs.question_types import format_member

# Session keys of the journey: results writes what was chosen, the questions and review
# steps read it.
CHOSEN = "applicants.chosen"
CHOSEN_AT = "applicants.chosen_at"
# {slug: version id}: the version each chosen program had when the resident chose it. The
# application stays on it even if a newer version takes effect before they submit.
CHOSEN_VERSIONS = "applicants.chosen_versions"
PLAN = "applicants.plan"


def entered_by(request, applicant):
    """Who typed an answer, when it is not the resident themself (e.g. a navigator)."""
    user = request.user
    if user.is_authenticated and applicant.user_id != user.pk:
        return user
    return None


def entry_by(request, applicant) -> dict:
    """`answers_save`/`submission_create` keywords naming who typed it: the navigator and
    their organization when acting for this client, else nobody but the resident."""
    acting = getattr(request, "acting", None)
    organization = (
        acting.organization if acting is not None and acting.applicant.pk == applicant.pk else None
    )
    return {"entered_by": entered_by(request, applicant), "partner_organization": organization}


def language_of(request) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "en").split(
        "-"
    )[0]


def safe_next(request, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def is_household(question: Question) -> bool:
    return question.type == QuestionType.HOUSEHOLD_MEMBERS


def household_blocks(questions, answers: dict, back: str, language: str) -> list[dict]:
    """What a step shows for each household members question: the people so far, with
    change and remove links that come back to `back`."""

    query = "?" + urlencode({"next": back})
    blocks = []
    for question in questions:
        if not is_household(question):
            continue
        members = answers.get(question.key) or []
        people = []
        for index, member in enumerate(members):
            rows = format_member(question, member, language=language)
            people.append(
                {
                    "index": index,
                    "number": index + 1,
                    "rows": rows,
                    "change_url": reverse(
                        "applicants:member_change", kwargs={"key": question.key, "index": index}
                    )
                    + query,
                    "remove_url": reverse(
                        "applicants:member_remove", kwargs={"key": question.key, "index": index}
                    )
                    + query,
                }
            )
        blocks.append(
            {
                "question": question,
                "label": question.text("label", language),
                "help_text": question.text("help_text", language),
                "people": people,
                "add_url": reverse("applicants:member_add", kwargs={"key": question.key}) + query,
            }
        )
    return blocks
