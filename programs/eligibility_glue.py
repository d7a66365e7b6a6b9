"""The bridge between the question bank and the plain-Python eligibility engine.

The engine (`eligibility.engine`) knows nothing of Django: it sees questions as
`QuestionInfo` records and rules as JSON. This module builds those records from `Question`
rows or from question definitions in a program document, and re-bases the engine's error
paths (which start at the rule's own `$`) onto the path of the rule inside the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from eligibility.engine import (
    NoPeriodInEffect,
    QuestionInfo,
    RuleValidationError,
    check_examples,
    compile_estimate,
    compile_rule,
    validate_rule,
)


def reference_tables():
    """The reference tables' periods from the database (cached per process while unchanged;
    see `eligibility.table_selectors.reference_table_set`)."""
    # Tables are stored by eligibility, which reads programs' versions to know which
    # periods are in use: the one place programs reaches back into eligibility.
    from eligibility.table_selectors import reference_table_set

    return reference_table_set()[1]


def info_from_definition(definition: Mapping) -> QuestionInfo:
    """A `QuestionInfo` from a question definition dict (the document/bank shape)."""
    labels = {"en": definition.get("label") or definition.get("key", "")}
    for language, texts in (definition.get("translations") or {}).items():
        if isinstance(texts, Mapping) and texts.get("label"):
            labels[language] = texts["label"]
    options = [
        option["value"]
        for option in definition.get("options") or []
        if isinstance(option, Mapping) and "value" in option
    ]
    option_labels: dict[str, dict[str, str]] = {}
    for option in definition.get("options") or []:
        if not isinstance(option, Mapping) or "value" not in option:
            continue
        option_labels.setdefault("en", {})[option["value"]] = option.get("label") or option["value"]
        for language, text in (option.get("translations") or {}).items():
            if isinstance(text, str) and text:
                option_labels.setdefault(language, {})[option["value"]] = text
    member_fields = {
        field["key"]: field.get("type", "short_text")
        for field in definition.get("member_fields") or []
        if isinstance(field, Mapping) and "key" in field
    }
    return QuestionInfo(
        key=definition["key"],
        type=definition.get("type", ""),
        labels=labels,
        options=options or None,
        member_fields=member_fields or None,
        option_labels=option_labels or None,
    )


def info_from_question(question) -> QuestionInfo:
    """A `QuestionInfo` from a `programs.models.Question` row."""
    return info_from_definition(
        {
            "key": question.key,
            "type": question.type,
            "label": question.label,
            "options": question.options,
            "member_fields": question.member_fields,
            "translations": question.translations,
        }
    )


def question_infos(questions: Iterable) -> dict[str, QuestionInfo]:
    """`{key: QuestionInfo}` for `Question` rows or definition dicts."""
    infos = {}
    for question in questions:
        info = (
            info_from_definition(question)
            if isinstance(question, Mapping)
            else info_from_question(question)
        )
        infos[info.key] = info
    return infos


def _rebase(path: str, prefix: str) -> str:
    return prefix + path[1:] if path.startswith("$") else f"{prefix}.{path}"


def rule_errors(rule, questions: dict[str, QuestionInfo], *, prefix: str) -> list[tuple[str, str]]:
    """Every problem in `rule` as `(document path, message)`; empty rules are valid."""
    if rule in (None, {}):
        return []
    return [
        (_rebase(error.path, prefix), error.message)
        for error in validate_rule(rule, questions, reference_tables())
    ]


def rule_values(rule) -> dict | None:
    """A rule's named values (its top-level `values`), which its estimate may also use."""
    return rule.get("values") if isinstance(rule, dict) else None


def estimate_errors(
    expression, questions: dict[str, QuestionInfo], *, prefix: str, values=None
) -> list[tuple[str, str]]:
    """Every problem in an estimated-value expression; `{}` (no estimate) is valid.
    `values` are the rule's named values (see `rule_values`)."""
    if expression in (None, {}):
        return []
    try:
        compile_estimate(expression, questions, reference_tables(), values=values)
    except RuleValidationError as error:
        return [(_rebase(e.path, prefix), e.message) for e in error.errors]
    return []


def example_failures(
    rule, examples: list, questions: dict[str, QuestionInfo], *, prefix: str
) -> list[tuple[str, str]]:
    """Examples whose outcome differs from the expected one, as `(path, message)`.

    A version without rules is open to everyone: its examples are checked against an
    always-eligible outcome. The rule must already be valid (see `rule_errors`).
    """
    if not examples:
        return []
    if rule in (None, {}):
        problems = []
        for index, example in enumerate(examples):
            if example.get("expected") != "eligible":
                problems.append(
                    (
                        f"{prefix}[{index}]",
                        f"example {example.get('name')!r}: expected {example.get('expected')}, "
                        "but a program without rules is open to everyone (eligible)",
                    )
                )
        return problems
    compiled = compile_rule(rule, questions, reference_tables())
    by_name = {example.get("name"): index for index, example in enumerate(examples)}
    problems = []
    for failure in check_examples(compiled, examples):
        index = by_name.get(failure.name)
        path = f"{prefix}[{index}]" if index is not None else prefix
        problems.append((path, f"example failed: {failure}"))
    return problems


def period_errors(
    rule, examples: list, questions: dict[str, QuestionInfo], *, prefix: str, takes_effect: date
) -> list[tuple[str, str]]:
    """Dates this version will be screened on that no table period covers, as `(path, message)`:
    the day it takes effect (`takes_effect`) and every example's date. A valid rule only."""
    if rule in (None, {}):
        return []
    compiled = compile_rule(rule, questions, reference_tables())
    checks = [(f"{prefix}.eligibility.rules", takes_effect, "the day this version takes effect")]
    for index, example in enumerate(examples):
        if example.get("as_of"):
            checks.append(
                (
                    f"{prefix}.examples[{index}].as_of",
                    date.fromisoformat(example["as_of"]),
                    f"the date of example {example.get('name')!r}",
                )
            )
    problems = []
    for path, on, what in checks:
        try:
            compiled.periods_in_effect(on)
        except NoPeriodInEffect as error:
            problems.append(
                (
                    path,
                    f"no period of table {error.table_id!r} is in effect on "
                    f"{error.on.isoformat()}, which the rule reads for {what} "
                    f"({on.isoformat()}); add a period to the table first",
                )
            )
    return problems


def evaluate(rule, answers: dict, questions: dict[str, QuestionInfo], *, as_of: date, language):
    """Evaluate a valid rule for the preview; returns the engine's `Evaluation` or None."""
    if rule in (None, {}):
        return None
    return compile_rule(rule, questions, reference_tables()).evaluate(
        answers, as_of=as_of, language=language
    )
