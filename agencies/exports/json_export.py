"""Applications as JSON for the agency API: answers in their canonical form (the same
values the webhook carries and `docs/api.md` describes), sensitive ones masked unless the
key may read them, and an opaque cursor over (submitted_at, id)."""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from django.db.models import Q

from programs.models import Question
from programs.question_types import mask_value


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
    return {question.key: question for question in Question.objects.filter(sensitive=True)}


def application_json(application, *, sensitive: dict | None, history=None) -> dict:
    """One application. `sensitive` is the questions to mask, or None to show all."""
    answers = dict(application.answers or {})
    masked = []
    if sensitive:
        for key in list(answers):
            if key in sensitive and answers[key] not in (None, ""):
                answers[key] = mask_value(sensitive[key], answers[key])
                masked.append(key)
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
        "masked_answers": sorted(masked),
        "eligibility": application.eligibility or {},
    }
    if history is not None:
        data["status_history"] = history
    return data
