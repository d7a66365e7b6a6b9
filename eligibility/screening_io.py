"""Reading a screening request and writing its result: shared by the API and the CLI so
both accept the same input, report the same errors and print the same JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from civiportal.json_limits import JsonLimitError, loads_limited, request_json
from eligibility.services import ProgramScreening, UnknownPrograms, screen
from programs.models import Program, Question
from programs.question_types import clean_value, error_paths

REQUEST_FIELDS = {"answers", "programs", "as_of", "language", "explain"}
MAX_ANSWERS = 500


class ScreeningInputError(Exception):
    """Bad input; `errors` is a list of {"path": JSON path, "message": text}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ScreeningRequest:
    answers: dict
    program_slugs: list[str] | None
    as_of: date | None
    language: str
    explain: bool = True  # False: outcomes without reasons, threshold or estimate explanation


def answer_path(key: str, sub: str = "") -> str:
    return f"$.answers[{json.dumps(key)}]" + (f".{sub}" if sub else "")


def parse_json(body: bytes | str) -> object:
    """The request document, within the API's size and depth limits (docs/api.md)."""
    try:
        return loads_limited(body)
    except JsonLimitError as error:
        raise ScreeningInputError([{"path": "$", "message": str(error)}]) from None


def parse_request_json(request) -> object:
    """Like parse_json, refusing an oversized body by its Content-Length before reading it."""
    try:
        return request_json(request)
    except JsonLimitError as error:
        raise ScreeningInputError([{"path": "$", "message": str(error)}]) from None


def parse_screening_request(payload: object) -> ScreeningRequest:
    """Validate a request document; every problem is reported at once with its path."""
    if not isinstance(payload, dict):
        raise ScreeningInputError([{"path": "$", "message": "expected a JSON object"}])
    errors = [
        {"path": f"$.{name}", "message": "unknown field"}
        for name in sorted(set(payload) - REQUEST_FIELDS)
    ]
    raw_answers = payload.get("answers")
    answers = {}
    if not isinstance(raw_answers, dict):
        errors.append({"path": "$.answers", "message": "required: an object of answers by key"})
    elif len(raw_answers) > MAX_ANSWERS:
        errors.append({"path": "$.answers", "message": f"at most {MAX_ANSWERS} answers"})
    else:
        questions = {q.key: q for q in Question.objects.filter(key__in=list(raw_answers))}
        for key, raw in raw_answers.items():
            question = questions.get(key)
            if question is None:
                errors.append({"path": answer_path(key), "message": "unknown question key"})
                continue
            try:
                value = clean_value(question, raw)
            except ValidationError as error:
                for sub, messages in error_paths(question, error, prefix="").items():
                    errors.extend(
                        {"path": answer_path(key, sub), "message": message} for message in messages
                    )
                continue
            if value is not None:
                answers[key] = value
    program_slugs = payload.get("programs")
    if program_slugs is not None and not (
        isinstance(program_slugs, list) and all(isinstance(s, str) for s in program_slugs)
    ):
        errors.append({"path": "$.programs", "message": "expected a list of program slugs"})
        program_slugs = None
    as_of = None
    if payload.get("as_of") is not None:
        try:
            as_of = date.fromisoformat(payload["as_of"])
        except (TypeError, ValueError):
            errors.append({"path": "$.as_of", "message": "expected a date as YYYY-MM-DD"})
    language = payload.get("language") or "en"
    if not isinstance(language, str) or language not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        errors.append({"path": "$.language", "message": f"expected one of: {codes}"})
    explain = payload.get("explain", True)
    if not isinstance(explain, bool):
        errors.append({"path": "$.explain", "message": "expected true or false"})
    if errors:
        raise ScreeningInputError(errors)
    return ScreeningRequest(
        answers=answers,
        program_slugs=program_slugs,
        as_of=as_of,
        language=language,
        explain=explain,
    )


def screen_request(payload: object):
    """Validate a request document and screen it: (ScreeningRequest, results). Raises
    `ScreeningInputError` for bad input, unknown programs included."""

    parsed = parse_screening_request(payload)
    if parsed.as_of is None:  # resolved here so the response can say which date was used
        parsed = replace(parsed, as_of=timezone.localdate())
    try:
        results = screen(
            answers=parsed.answers,
            program_slugs=parsed.program_slugs,
            as_of=parsed.as_of,
            language=parsed.language,
            explain=parsed.explain,
        )
    except UnknownPrograms as unknown:
        raise unknown_programs_error(unknown.slugs, parsed.program_slugs) from None
    return parsed, results


def unknown_programs_error(slugs: list[str], requested: list[str]) -> ScreeningInputError:
    return ScreeningInputError(
        [
            {"path": f"$.programs[{requested.index(slug)}]", "message": f"unknown program {slug!r}"}
            for slug in slugs
        ]
    )


def result_json(result: ProgramScreening, *, language: str, agency: str) -> dict:
    estimated = None
    if result.estimated_value_cents is not None:
        estimated = {
            "amount_cents": result.estimated_value_cents,
            "period": result.estimated_value_period,
            "is_estimate": True,
        }
    return {
        "slug": result.program.slug,
        "name": result.program.text("name", language),
        "agency": agency,
        "outcome": result.outcome,
        "reasons": result.reasons,
        "missing": result.missing,
        "threshold": result.threshold,
        "estimated_value": estimated,
        "gating": result.gating,
        "may_apply": result.may_apply,
        "tables_used": result.tables_used,
    }


def results_json(results: list[ProgramScreening], *, language: str, as_of: date) -> dict:
    # One query for the agencies' names: the screened programs are the shared cache's
    # (`eligibility.published`), which holds no agency.
    agencies = dict(
        Program.objects.filter(pk__in=[result.program.pk for result in results]).values_list(
            "pk", "agency__name"
        )
    )
    return {
        "as_of": as_of.isoformat(),
        "results": [
            result_json(result, language=language, agency=agencies[result.program.pk])
            for result in results
        ],
    }
