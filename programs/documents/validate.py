"""Document validation: the JSON Schema first, then checks a schema cannot express.

Semantic checks: every question a screen, rule or example names exists in the document or
the bank; each definition fits its type; screen keys are unique; no question is asked twice;
a question's type is not silently changed under published versions; eligibility rules,
visibility conditions and estimates compile in the eligibility engine; examples give their
expected outcomes. Every problem is reported with its JSON path, all at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from jsonschema import Draft202012Validator

from eligibility.engine import limits
from programs import eligibility_glue
from programs.models import ProgramVersion, Question

from .definitions import definition_errors
from .errors import DocumentError, json_path
from .export import question_definition, referenced_question_keys
from .limits import limit_errors

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "program.schema.json"
# Deeper than any real document, far below Python's recursion limit: what the schema and the
# checks below may walk. Rules have their own, tighter limit (eligibility.engine.limits),
# reported by the engine with the rule's own message.
DOCUMENT_MAX_DEPTH = 200
FROZEN = (
    ProgramVersion.Status.SCHEDULED,
    ProgramVersion.Status.PUBLISHED,
    ProgramVersion.Status.ARCHIVED,
)


def effective_at_moment(text: str) -> datetime | None:
    """A program entry's `effective_at` as an aware moment (without an offset: local time),
    or None when it is not a real date-time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@lru_cache(maxsize=1)
def schema_validator() -> Draft202012Validator:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        schema = json.load(handle)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@dataclass
class Report:
    errors: list[DocumentError] = field(default_factory=list)
    warnings: list[DocumentError] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append(DocumentError(path, message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(DocumentError(path, message))


def schema_errors(data) -> list[DocumentError]:
    """Shape errors from the JSON Schema, sorted by path."""
    errors = [
        DocumentError(json_path(error.absolute_path), error.message)
        for error in schema_validator().iter_errors(data)
    ]
    return sorted(errors, key=lambda error: (error.path, error.message))


# Over 60 lines: the checks run in stages (limits, schema, definitions, programs), each
# stage only on what the one before let through.
def validate_document(
    data, *, require_examples: bool = False, takes_effect: date | None = None
) -> Report:
    """Check a whole document. `require_examples` turns failing examples into errors
    (publishing); otherwise they are warnings (importing a draft). `takes_effect` is the day
    the versions would take effect (default: today): their tables need a period then."""
    report = Report()
    # Size first, so an oversized document is refused before any slow check runs.
    report.errors.extend(limit_errors(data))
    if report.errors:
        return report
    # Nesting and NUL characters next: the checks below recurse, and PostgreSQL cannot store
    # a NUL in JSON text. Each rule's own size limits are checked by the engine.
    for path, message in limits.check(
        data, max_depth=DOCUMENT_MAX_DEPTH, max_items=None, max_nodes=None
    ):
        report.error(path, message)
    if report.errors:
        return report
    report.errors.extend(schema_errors(data))
    if not isinstance(data, dict) or not isinstance(data.get("programs"), list):
        return report
    broken = {error.path for error in report.errors}
    programs = data["programs"]
    good = [
        (index, program)
        for index, program in enumerate(programs)
        if not any(
            path == f"$.programs[{index}]"
            or path.startswith(f"$.programs[{index}].")
            or path.startswith(f"$.programs[{index}][")
            for path in broken
        )
    ]
    if not good:
        return report

    definitions: dict[str, tuple[str, dict]] = {}  # key -> (path, normalised definition)
    for index, program in good:
        for q_index, definition in enumerate(program["questions"]):
            path = f"$.programs[{index}].questions[{q_index}]"
            normal = normalise_question(definition)
            first = definitions.get(normal["key"])
            if first is None:
                definitions[normal["key"]] = (path, normal)
            elif first[1] != normal:
                report.error(
                    path,
                    f"question {normal['key']!r} is defined differently at {first[0]}; "
                    "a key means one question everywhere",
                )
            for error in definition_errors(normal, path):
                report.errors.append(error)

    mentioned = set(definitions)
    for _, program in good:
        for screen in program["screens"]:
            mentioned.update(item["key"] for item in screen["questions"])
        for example in program["examples"]:
            mentioned.update(example["answers"])
        mentioned.update(
            referenced_question_keys(program["eligibility"])
            + referenced_question_keys([screen.get("visible_if") for screen in program["screens"]])
        )
    bank = {question.key: question for question in Question.objects.filter(key__in=mentioned)}
    frozen_keys = set(
        Question.objects.filter(
            key__in=definitions, screen_uses__screen__version__status__in=FROZEN
        ).values_list("key", flat=True)
    )
    for key, (path, normal) in definitions.items():
        existing = bank.get(key)
        if existing is None or existing.type == normal["type"]:
            continue
        message = (
            f"question {key!r} is {existing.type} in the question bank but {normal['type']} here"
        )
        if key in frozen_keys:
            report.error(
                f"{path}.type",
                f"{message}; it is asked by published versions, so answers may exist: "
                "use a new key instead",
            )
        else:
            report.warn(f"{path}.type", f"{message}; the bank question will change type")

    known = {key: question_definition(question) for key, question in bank.items()}
    known.update({key: normal for key, (_, normal) in definitions.items()})
    infos = eligibility_glue.question_infos(known.values())

    slugs: dict[str, str] = {}
    agencies: dict[str, tuple[str, dict]] = {}
    for index, program in good:
        prefix = f"$.programs[{index}]"
        if program["slug"] in slugs:
            report.error(
                f"{prefix}.slug", f"{program['slug']!r} already used at {slugs[program['slug']]}"
            )
        slugs.setdefault(program["slug"], prefix)
        agency = program["agency"]
        seen_agency = agencies.get(agency["slug"])
        if seen_agency and seen_agency[1] != agency:
            report.error(
                f"{prefix}.agency",
                f"agency {agency['slug']!r} is described differently at {seen_agency[0]}",
            )
        agencies.setdefault(agency["slug"], (f"{prefix}.agency", agency))
        check_program(report, program, prefix, known, infos, require_examples, takes_effect)
    return report


# Over 60 lines: screens, rule, estimate, examples and periods of one program, in document
# order so errors come out in path order.
def check_program(
    report, program, prefix, known, infos, require_examples, takes_effect=None
) -> None:
    if "effective_at" in program and effective_at_moment(program["effective_at"]) is None:
        report.error(
            f"{prefix}.effective_at",
            f"{program['effective_at']!r} is not a date-time such as 2027-04-01T00:00:00-07:00",
        )
    screen_keys: dict[str, int] = {}
    asked: dict[str, str] = {}
    for s_index, screen in enumerate(program["screens"]):
        here = f"{prefix}.screens[{s_index}]"
        if screen["key"] in screen_keys:
            report.error(
                f"{here}.key",
                f"duplicate screen key {screen['key']!r} "
                f"(also screens[{screen_keys[screen['key']]}])",
            )
        screen_keys.setdefault(screen["key"], s_index)
        for q_index, item in enumerate(screen["questions"]):
            path = f"{here}.questions[{q_index}]"
            key = item["key"]
            if key not in known:
                report.error(path, f"unknown question key {key!r}")
            elif key in asked:
                report.error(path, f"question {key!r} is already asked at {asked[key]}")
            else:
                asked[key] = path
        for path, message in eligibility_glue.rule_errors(
            screen.get("visible_if") or {}, infos, prefix=f"{here}.visible_if"
        ):
            report.error(path, message)

    renewal_errors(report, program.get("renewal"), f"{prefix}.renewal")
    eligibility = program["eligibility"]
    rule = eligibility["rules"]
    rule_problems = eligibility_glue.rule_errors(rule, infos, prefix=f"{prefix}.eligibility.rules")
    for path, message in rule_problems:
        report.error(path, message)
    for path, message in eligibility_glue.estimate_errors(
        eligibility.get("estimated_value") or {},
        infos,
        prefix=f"{prefix}.eligibility.estimated_value",
        values=eligibility_glue.rule_values(rule),
    ):
        report.error(path, message)

    examples_ok = True
    for e_index, example in enumerate(program["examples"]):
        here = f"{prefix}.examples[{e_index}]"
        for key in example["answers"]:
            if key not in known:
                report.error(f"{here}.answers.{key}", f"unknown question key {key!r}")
                examples_ok = False
        if "as_of" in example:
            try:
                date.fromisoformat(example["as_of"])
            except ValueError:
                report.error(f"{here}.as_of", f"{example['as_of']!r} is not a real date")
                examples_ok = False
    if rule_problems or not examples_ok:
        return
    period_problems = eligibility_glue.period_errors(
        rule,
        program["examples"],
        infos,
        prefix=prefix,
        takes_effect=takes_effect or timezone.localdate(),
    )
    for path, message in period_problems:
        (report.error if require_examples else report.warn)(path, message)
    if period_problems:
        return
    try:
        failures = eligibility_glue.example_failures(
            rule, program["examples"], infos, prefix=f"{prefix}.examples"
        )
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        # An answer of the wrong shape (text where cents belong) breaks evaluation; say so
        # rather than crash.
        failures = [(f"{prefix}.examples", f"an example's answers cannot be evaluated: {error}")]
    for path, message in failures:
        (report.error if require_examples else report.warn)(path, message)


def renewal_errors(report, renewal, here) -> None:
    """A reminder must fall inside the shortest certification period it may belong to
    (28 days a month), or it would be due before the benefit starts."""
    if not renewal:
        return
    shortest = renewal["certification_months"] * 28
    for index, days in enumerate(renewal.get("reminder_days_before", [])):
        if days >= shortest:
            report.error(
                f"{here}.reminder_days_before[{index}]",
                f"{days} days before the end is not within a certification period of "
                f"{renewal['certification_months']} month(s) (at most {shortest - 1})",
            )


def normalise_question(definition: dict) -> dict:
    """A definition with every optional field filled in, as the bank stores it."""
    return {
        "key": definition["key"],
        "type": definition["type"],
        "label": definition["label"],
        "help_text": definition.get("help_text", ""),
        "options": definition.get("options", []),
        "validation": definition.get("validation", {}),
        "member_fields": definition.get("member_fields", []),
        "translations": definition.get("translations", {}),
        "sensitive": definition.get("sensitive", False),
    }
