"""Applications as JSON for the agency API: answers in their canonical form (the same
values the webhook carries and `docs/api.md` describes), sensitive ones masked unless the
key may read them, and an opaque cursor over (submitted_at, id)."""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from django.db.models import Q

from applicants import answer_display
from programs.models import Question


class BadCursor(ValueError):
    pass


def encode_cursor(submitted_at: datetime.datetime, pk: int) -> str:
    raw = json.dumps([submitted_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, pk = json.loads(raw)
        when = datetime.datetime.fromisoformat(stamp)
        if when.tzinfo is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise BadCursor("The cursor is not one this API returned.") from None
    return when, pk


def after_cursor(queryset, cursor: str):
    """Rows strictly after the cursor position in (submitted_at, id) order."""
    when, pk = decode_cursor(cursor)
    return queryset.filter(Q(submitted_at__gt=when) | Q(submitted_at=when, pk__gt=pk))


def sensitive_questions() -> dict[str, Question]:
    """{key: question} of the bank's sensitive questions (one query per request)."""
    return answer_display.sensitive_questions()


def application_json(application, *, sensitive: dict | None, history=None) -> dict:
    """One application. `sensitive` is the questions to mask, or None to show all.

    Answers and eligibility reasons go through the one masking policy
    (`applicants.answer_display`), so a masked answer is not printed in a reason either.
    """
    policy = answer_display.MaskingPolicy(can_view_sensitive=sensitive is None)
    frozen = application.answers or {}
    answers, masked = answer_display.masked_answers(
        frozen, policy=policy, sensitive=sensitive or {}
    )
    eligibility = application.eligibility or {}
    if eligibility and sensitive:
        shown = answer_display.eligibility_display(
            eligibility, answers=frozen, policy=policy, sensitive=sensitive
        )
        eligibility = {
            **{k: v for k, v in eligibility.items() if k != "reason_keys"},
            "reasons": shown["reasons"],
        }
    data = {
        "reference": application.reference,
        "submission_reference": application.submission.reference,
        "program": application.program.slug,
        "program_version": application.program_version.number,
        "status": application.status,
        "status_changed_at": application.status_changed_at.isoformat(),
        "submitted_at": application.submitted_at.isoformat(),
        "language": application.submission.language,
        "answers": answers,
        "masked_answers": masked,
        "eligibility": eligibility,
    }
    if history is not None:
        data["status_history"] = history
    return data
