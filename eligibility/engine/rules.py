"""compile_rule: rule JSON -> a compiled, explainable eligibility check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count

from .analysis import RuleValidationError, parse_rule
from .codegen import Generator, build
from .explain import Explainer
from .messages import LANGUAGES, language_or_default
from .questions import QuestionInfo
from .reasons_code import reasons_functions
from .tables import TableSet, periods_used

_serial = count(1)


class Evaluation:
    """The result of checking one resident against one rule.

    Decided at once (the fast path): ``outcome``, ``missing`` (the question keys that would
    decide an ``unknown`` result) and ``deciders`` (the deciding conditions, see codegen.py).
    Written only when read, then kept: ``reasons`` (one plain-language sentence per deciding
    condition, in the evaluation's language), ``threshold`` (set when a single numeric
    comparison decides: ``{"key", "op", "value", "formatted"}``) and ``reason_keys`` (per
    reason, the question keys whose values it may print; only with ``explain_keys``).
    """

    __slots__ = (
        "_explainer",
        "_keys",
        "_language",
        "_reasons",
        "_slots",
        "_threshold",
        "_truth",
        "deciders",
        "missing",
        "outcome",
    )

    def __init__(self, outcome, missing, deciders, explainer, truth, slots, language, keys):
        self.outcome: str = outcome
        self.missing: list[str] = missing
        self.deciders: tuple = deciders
        self._explainer, self._truth, self._slots = explainer, truth, slots
        self._language, self._keys = language, keys
        self._reasons: list[str] | None = None
        self._threshold: object = _NOT_YET

    @property
    def reasons(self) -> list[str]:
        reasons = self._reasons
        if reasons is None:
            explainer, truth = self._explainer, self._truth
            if truth is None:
                reasons = explainer.need_sentences(self.missing, self._language)
            elif explainer.has_groups:
                reasons = explainer.sentences_for(truth, self.deciders, self._slots, self._language)
            else:  # every decider a leaf: one generated function writes them all
                functions = explainer.reasons_by_language.get(self._language) or reasons_functions(
                    explainer, self._language
                )
                reasons = functions[truth](self.deciders, self._slots)
            self._reasons = reasons
        return reasons

    @property
    def threshold(self) -> dict | None:
        if self._threshold is _NOT_YET:
            # Only a single decider can give a threshold.
            self._threshold = (
                self._explainer.threshold(self.deciders, self._slots, self._language)
                if len(self.deciders) == 1
                else None
            )
        return self._threshold  # type: ignore[return-value]

    @property
    def reason_keys(self) -> list[list[str]] | None:
        if not self._keys:
            return None
        if self._truth is None:  # "we still need …" sentences print no value
            return [[] for _reason in self.reasons]
        return self._explainer.reason_keys(self.deciders)

    def _written(self) -> tuple:
        return (self.outcome, self.reasons, self.missing, self.threshold, self.reason_keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return self._written() == other._written()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Evaluation(outcome={self.outcome!r}, reasons={self.reasons!r}, "
            f"missing={self.missing!r}, threshold={self.threshold!r})"
        )


_NOT_YET = object()


class CompiledRule:
    """A rule compiled to one plain Python function, plus what is needed to explain it.

    ``evaluate(answers, as_of, language="en", explain_keys=False)`` checks ``answers`` as of
    ``as_of`` (a date or an ISO string); the ``Evaluation`` explains itself in ``language``
    (en/es) when its reasons or threshold are read. ``explain_keys`` also gives
    ``reason_keys`` (which answers each reason may print), so a stored result can later be
    shown without the values a viewer may not see. To check one resident against many rules,
    ``compile_screening`` (screening.py) runs them all in one function.

    ``evaluate`` is the generated function itself, not a method calling it: a call is a
    twentieth of an evaluation.
    """

    evaluate: Callable[..., Evaluation]

    def __init__(self, rule: object, questions: dict[str, QuestionInfo], tables: TableSet) -> None:
        root, errors = parse_rule(rule, questions, tables)
        if errors:
            raise RuleValidationError(errors)
        generator = Generator()
        self.source = generator.rule_source(root)
        self.rule = rule
        self.root = root  # the checked tree, which ``compile_screening`` compiles again
        self._explainer = Explainer(generator.items, questions)
        generator.namespace.update(evaluation_names(), _explainer=self._explainer)
        self._function = self.evaluate = build(
            self.source, generator.namespace, "_rule", f"<eligibility-rule-{next(_serial)}>"
        )
        self._lookups = [ref.dated for ref in generator.table_refs]

    def periods_in_effect(self, as_of: date | str) -> list[dict]:
        """The table periods this rule reads on ``as_of``, with their sources, in rule order
        (each once): what results name as "the figures used". Raises ``NoPeriodInEffect``."""
        return periods_used(self._lookups, as_date(as_of))  # type: ignore[arg-type]

    def truth(self, answers: dict, *, as_of: date | str) -> bool | None:
        """Only the three-valued result: True, False or None (no explanation)."""
        return self._function(answers, as_of=as_of, truth_only=True)[0]


def evaluation_names() -> dict[str, object]:
    """What generated code filling in an ``Evaluation`` reads (see ``Generator.rule_source``
    and ``evaluation_lines``), besides the rule's own ``_explainer``."""
    return {
        "_Evaluation": Evaluation,
        "_new": object.__new__,
        "_NOT_YET": _NOT_YET,
        "_date": date,
        "_as_date": as_date,
        "_LANGUAGES": LANGUAGES,
        "_language": language_or_default,
    }


def as_date(value: date | str) -> date:
    """A screening date given as a date (or datetime) or as an ISO string."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def compile_rule(
    rule: object, questions: dict[str, QuestionInfo], tables: TableSet
) -> CompiledRule:
    """Validate ``rule`` and compile it; raises ``RuleValidationError`` listing every error."""
    return CompiledRule(rule, questions, tables)
