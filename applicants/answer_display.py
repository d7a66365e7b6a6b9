"""The one way to show an application's frozen answers and eligibility, and the one
masking policy deciding who sees which sensitive answer.

Every output uses it: the caseworker's detail page (`agencies.review.admin`), the agency
and resident PDFs (`agencies.exports.pdf_export`), the resident's printable page
(`applicants.answer_rows`), the JSON API (`agencies.exports.json_export`). The CSV masks
its cells with the same question-type masking (`programs.question_types`), driven by the
same `can_view_sensitive` flag. Eligibility reasons print answer values ("monthly income
$3,200"), so they go through the same policy: a reason that prints an answer the viewer may
not see is replaced by a sentence naming the question only.

It lives in `applicants` because both the resident pages and the agency outputs use it
(`applicants` must not import `agencies`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext

from programs.models import Question, QuestionType, Screen, ScreenQuestion
from programs.question_types import display_value, format_value, mask_value
from programs.question_types.spec import member_specs

SENSITIVE_PERMISSION = "programs.view_sensitive_answers"


@dataclass(frozen=True)
class MaskingPolicy:
    """Who may see which sensitive answer.

    `can_view_sensitive`: every sensitive answer is shown (the resident's own outputs, a
    user or API key with the permission). Otherwise a sensitive answer is masked unless its
    key is in `revealed` (the caseworker pressed an audited "Show"; the admin masks even
    for holders of the permission until they reveal each answer).
    """

    can_view_sensitive: bool = False
    revealed: frozenset[str] = frozenset()

    @classmethod
    def everything(cls) -> MaskingPolicy:
        return cls(can_view_sensitive=True)

    @classmethod
    def for_user(cls, user, *, revealed=()) -> MaskingPolicy:
        return cls(
            can_view_sensitive=user.has_perm(SENSITIVE_PERMISSION), revealed=frozenset(revealed)
        )

    def masks(self, question) -> bool:
        """Whether `question`'s answer is hidden from this viewer."""
        if question is None or not getattr(question, "sensitive", False):
            return False
        return not self.can_view_sensitive and question.key not in self.revealed


@dataclass
class AnswerRow:
    key: str
    label: str
    text: str
    answered: bool
    masked: bool = False
    # Household members: one [(label, text), ...] per person, and the same as a table.
    members: list = field(default_factory=list)
    member_headers: list[str] = field(default_factory=list)
    member_rows: list[list[str]] = field(default_factory=list)


@dataclass
class AnswerGroup:
    title: str
    rows: list[AnswerRow]


def sensitive_questions() -> dict[str, Question]:
    """{key: question} of the bank's sensitive questions (one query)."""
    return {question.key: question for question in Question.objects.filter(sensitive=True)}


def version_screens(*, version_id: int) -> list[Screen]:
    """The screens of a program version with their questions, in order (two queries)."""

    return list(
        Screen.objects.filter(version_id=version_id)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "screen_questions",
                queryset=ScreenQuestion.objects.select_related("question").order_by("order", "id"),
            )
        )
    )


def _raw_text(value) -> str:
    if isinstance(value, dict) and {"path", "name"} <= value.keys():
        return str(value["name"])
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_raw_text(item) for item in value)
    return "" if value is None else str(value)


def _row(question, key: str, value, *, policy: MaskingPolicy, language) -> AnswerRow:
    masked = policy.masks(question) and value is not None
    if value is None:
        text = ""
    elif question is None:
        text = _raw_text(value)
    else:
        text = display_value(question, value, can_view_sensitive=not masked, language=language)
    row = AnswerRow(
        key=key,
        label=question.text("label", language) if question is not None else key,
        text=text,
        answered=value is not None,
        masked=masked,
    )
    if (
        question is not None
        and question.type == QuestionType.HOUSEHOLD_MEMBERS
        and isinstance(value, list)
        and not masked
    ):
        specs = member_specs(question)
        row.member_headers = [spec.text("label", language) for spec in specs]
        row.member_rows = [
            [format_value(spec, (m or {}).get(spec.key), language=language) for spec in specs]
            for m in value
        ]
        row.members = [
            list(zip(row.member_headers, cells, strict=True)) for cells in row.member_rows
        ]
    return row


def answer_groups(
    application, *, policy: MaskingPolicy, language=None, screens=None, unanswered=True
) -> tuple[list[AnswerGroup], list[AnswerRow]]:
    """The frozen answers as display rows: one group per screen of the application's
    version, in order, and the rows of answers no screen asks (shared profile keys).

    `unanswered=False` leaves out the screen questions the resident did not answer.
    Masked answers show `mask_value` ("Hidden", "•••• 0100"); a masked household shows no
    one. Two or three queries (screens, their questions, the bank for the other keys).
    """
    answers = application.answers or {}
    if screens is None:
        screens = version_screens(version_id=application.program_version_id)
    groups, shown = [], set()
    for screen in screens:
        rows = []
        for screen_question in screen.screen_questions.all():
            question = screen_question.question
            if question.type == QuestionType.STATIC or question.key in shown:
                continue
            if not unanswered and question.key not in answers:
                continue
            shown.add(question.key)
            rows.append(
                _row(
                    question,
                    question.key,
                    answers.get(question.key),
                    policy=policy,
                    language=language,
                )
            )
        if rows:
            groups.append(AnswerGroup(screen.text("title", language), rows))
    other_keys = sorted(key for key in answers if key not in shown)
    bank = {q.key: q for q in Question.objects.filter(key__in=other_keys)} if other_keys else {}
    other = []
    for key in other_keys:
        question = bank.get(key)
        if question is None and not policy.can_view_sensitive and key not in policy.revealed:
            # A key the bank no longer knows: nobody can tell whether it was sensitive, so
            # even a caseworker allowed to reveal answers sees it only after an audited Show.
            other.append(AnswerRow(key, key, gettext("Hidden"), True, masked=True))
            continue
        other.append(_row(question, key, answers[key], policy=policy, language=language))
    return groups, other


def masked_answers(answers: dict, *, policy: MaskingPolicy, sensitive: dict) -> tuple[dict, list]:
    """Canonical answers for machines (API, webhook), each masked one replaced by its
    `mask_value` text; returns (answers, sorted masked keys). `sensitive` is
    `sensitive_questions()`."""
    shown = dict(answers or {})
    masked = []
    for key, value in shown.items():
        question = sensitive.get(key)
        if question is not None and policy.masks(question) and value not in (None, ""):
            shown[key] = mask_value(question, value)
            masked.append(key)
    return shown, sorted(masked)


def _reason_text(reason) -> str:
    if isinstance(reason, dict):
        return str(reason.get("text") or reason.get("message") or "")
    return str(reason)


def eligibility_display(
    eligibility: dict | None,
    *,
    answers: dict,
    policy: MaskingPolicy,
    sensitive: dict,
    language=None,
) -> dict:
    """A stored eligibility result with every reason that prints a masked answer replaced.

    Each reason stored since `reason_keys` exists names the answers it prints; a reason from
    an older result does not, so while any answer of the application is masked all of
    them are hidden. Returns {"outcome", "reasons", "missing", "threshold", "hidden"}.
    """
    data = dict(eligibility or {})
    reasons = [_reason_text(r) for r in data.get("reasons") or []]
    masked_keys = {
        key
        for key, question in sensitive.items()
        if policy.masks(question) and answers.get(key) not in (None, "")
    }
    reason_keys = data.get("reason_keys")
    if not isinstance(reason_keys, list) or len(reason_keys) != len(reasons):
        reason_keys = [sorted(masked_keys)] * len(reasons)  # unknown: assume the worst
    shown, hidden = [], 0
    with translation.override(language or translation.get_language()):
        for text, keys in zip(reasons, reason_keys, strict=True):
            hits = [key for key in keys or [] if key in masked_keys]
            if not hits:
                shown.append(text)
                continue
            hidden += 1
            labels = ", ".join(sensitive[key].text("label", language) for key in hits)
            shown.append(
                gettext("A reason about “%(questions)s” is hidden: you may not see that answer.")
                % {"questions": labels}
            )
    return {
        "outcome": data.get("outcome") or "",
        "reasons": [r for r in shown if r],
        "missing": list(data.get("missing") or []),
        "threshold": data.get("threshold"),
        "hidden": hidden,
    }
