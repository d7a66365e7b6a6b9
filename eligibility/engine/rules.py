"""compile_rule: rule JSON -> a compiled, explainable eligibility check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count

from .analysis import RuleValidationError, parse_rule
from .codegen import Generator, build
from .explain import Explainer
from .messages import LANGUAGES, language_or_default
from .questions import QuestionInfo
from .tables import TableSet, periods_used

_serial = count(1)


@dataclass(slots=True)
class Evaluation:
    """The result of checking one resident against one rule.

    ``reasons`` has one plain-language sentence per deciding condition; ``missing`` lists the
    question keys that would decide an ``unknown`` result; ``threshold`` is set when a single
    numeric comparison decides: ``{"key", "op", "value", "formatted"}``.
    """

    outcome: str
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    threshold: dict | None = None
    # Per reason, the question keys whose values it may print; filled by ``explain_keys``.
    reason_keys: list[list[str]] | None = None


class CompiledRule:
    """A rule compiled to one plain Python function, plus what is needed to explain it."""

    def __init__(self, rule: object, questions: dict[str, QuestionInfo], tables: TableSet) -> None:
        root, errors = parse_rule(rule, questions, tables)
        if errors:
            raise RuleValidationError(errors)
        generator = Generator()
        self.source = generator.rule_source(root)
        self.rule = rule
        self._function = build(
            self.source, generator.namespace, "_rule", f"<eligibility-rule-{next(_serial)}>"
        )
        self._explainer = Explainer(generator.items, questions)
        self._lookups = [ref.dated for ref in generator.table_refs]

    def periods_in_effect(self, as_of: date | str) -> list[dict]:
        """The table periods this rule reads on ``as_of``, with their sources, in rule order
        (each once): what results name as "the figures used". Raises ``NoPeriodInEffect``."""
        if not isinstance(as_of, date):
            as_of = date.fromisoformat(as_of)
        return periods_used(self._lookups, as_of)  # type: ignore[arg-type]

    def truth(self, answers: dict, *, as_of: date | str) -> bool | None:
        """Only the three-valued result: True, False or None (no explanation)."""
        if not isinstance(as_of, date):
            as_of = date.fromisoformat(as_of)
        return self._function(answers, as_of)[0]

    def evaluate(
        self,
        answers: dict,
        *,
        as_of: date | str,
        language: str = "en",
        explain_keys: bool = False,
    ) -> Evaluation:
        """Check ``answers`` as of ``as_of`` and explain the result in ``language`` (en/es).

        ``explain_keys`` also fills ``reason_keys`` (which answers each reason may print), so
        a stored result can later be shown without the values a viewer may not see.
        """
        if explain_keys:
            evaluation = self.evaluate(answers, as_of=as_of, language=language)
            if evaluation.outcome == "unknown":  # "we still need …" sentences print no value
                evaluation.reason_keys = [[] for _ in evaluation.reasons]
            else:
                if not isinstance(as_of, date):
                    as_of = date.fromisoformat(as_of)
                _truth, deciders, _slots = self._function(answers, as_of)
                evaluation.reason_keys = self._explainer.reason_keys(deciders)
            return evaluation
        if as_of.__class__ is not date:
            as_of = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
        truth, deciders, slots = self._function(answers, as_of)
        explainer = self._explainer
        if language not in LANGUAGES:
            language = language_or_default(language)
        # Only a single decider can give a threshold; skip the call otherwise.
        threshold = explainer.threshold(deciders, slots, language) if len(deciders) == 1 else None
        if truth is None:
            missing = explainer.missing(deciders, slots)
            return Evaluation(
                "unknown", explainer.need_sentences(missing, language), missing, threshold
            )
        # The hot path (every program, every resident): the sentence functions for this
        # language and outcome, built once per rule, applied to the deciders only.
        sentences = explainer.by_language.get(language) or explainer.sentences(language)
        if explainer.has_groups:
            reasons = explainer.group_reasons(sentences[truth], truth, deciders, slots, language)
        else:  # every decider is a leaf index
            formatters = sentences[truth]
            reasons = [formatters[index](slots) for index in deciders]
        return Evaluation("eligible" if truth else "ineligible", reasons, [], threshold)


def compile_rule(
    rule: object, questions: dict[str, QuestionInfo], tables: TableSet
) -> CompiledRule:
    """Validate ``rule`` and compile it; raises ``RuleValidationError`` listing every error."""
    return CompiledRule(rule, questions, tables)
