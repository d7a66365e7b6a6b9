"""compile_estimate: benefit-amount expressions ("60% of the bill, at most $50 a month").

Expressions are computed exactly with ``Fraction`` from integer cents and rounded once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from . import arithmetic, limits
from .analysis import Analyzer, RuleError, RuleValidationError
from .codegen import Generator, build
from .questions import QuestionInfo
from .tables import TableSet
from .values import ROUNDINGS, exact_number, round_cents

ESTIMATE_PERIODS = ("monthly", "yearly")
COMBINATORS = ("min", "max", "add", "sub", "mul")


@dataclass(frozen=True)
class EstimatedValue:
    """An estimated amount in integer cents for a period ("monthly" or "yearly")."""

    amount_cents: int
    period: str
    # "How we estimated this", by language code, and where the published amounts come from.
    explanation: dict[str, str] | None = None
    source: dict[str, str] | None = None

    def explained(self, language: str | None) -> str:
        """The explanation in ``language``, falling back to English, or ""."""
        texts = self.explanation or {}
        return texts.get(language or "en") or texts.get("en", "")


class CompiledEstimate:
    """A checked estimate expression; ``evaluate`` returns None while inputs are missing."""

    def __init__(
        self,
        expression: object,
        questions: dict[str, QuestionInfo],
        tables: TableSet,
        values: dict | None = None,
    ):
        self.analyzer = Analyzer(questions, tables)
        self.questions = questions
        size_errors = [RuleError(path, message) for path, message in limits.check(expression)]
        if size_errors:
            raise RuleValidationError(size_errors)
        if values and not limits.check(values):
            # The rule's named values; their own errors are reported with the rule, so an
            # estimate only learns which names are usable.
            arithmetic.parse_values(self.analyzer, values, "$.values")
            self.analyzer.errors.clear()
        if not isinstance(expression, dict) or "amount" not in expression:
            raise RuleValidationError(
                [RuleError("$", 'an estimate is {"amount": <expression>, "period": "monthly"}')]
            )
        extra = set(expression) - {"amount", "period", "rounding", "explanation", "source"}
        if extra:
            self.analyzer.error("$", f"unexpected keys: {', '.join(sorted(extra))}")
        self.explanation = self.texts(expression.get("explanation"), "$.explanation", ("en",))
        self.source = self.texts(expression.get("source"), "$.source", ("citation",))
        self.period = expression.get("period", "monthly")
        if self.period not in ESTIMATE_PERIODS:
            self.analyzer.error("$.period", f"period must be one of {', '.join(ESTIMATE_PERIODS)}")
        self.rounding = expression.get("rounding", "cent")
        if self.rounding not in ROUNDINGS:
            self.analyzer.error("$.rounding", f"rounding must be one of {', '.join(ROUNDINGS)}")
        parsed = self.parse(expression["amount"], "$.amount")
        if parsed is not None and parsed[0] != "money":
            self.analyzer.error("$.amount", "an estimate must be an amount of money")
        if self.analyzer.errors:
            raise RuleValidationError(self.analyzer.errors)
        self._compute = parsed[1]

    def texts(self, node: object, path: str, needed: tuple[str, ...]) -> dict[str, str] | None:
        """An optional object of plain strings (``{"en": ..., "es": ...}`` or a citation)."""
        if node is None:
            return None
        if not isinstance(node, dict) or not all(
            isinstance(key, str) and isinstance(text, str) and text.strip()
            for key, text in node.items()
        ):
            self.analyzer.error(path, "write this as an object of non-empty strings")
            return None
        for key in needed:
            if key not in node:
                self.analyzer.error(path, f"{key} is required")
        return dict(node)

    def parse(self, node: object, path: str):
        """Returns (kind, function(answers, as_of) -> Fraction | None) or None after errors."""
        if isinstance(node, dict) and "cents" in node and len(node) == 1:
            cents = node["cents"]
            if not isinstance(cents, int) or isinstance(cents, bool):
                self.analyzer.error(f"{path}.cents", "cents must be a whole number")
                return None
            value = Fraction(cents)
            return "money", lambda answers, as_of: value
        if isinstance(node, dict) and "percent" in node and "table" not in node:
            return self.percent(node, path)
        if isinstance(node, dict) and len(node) == 1 and next(iter(node)) in COMBINATORS:
            return self.combine(next(iter(node)), node, path)
        operand = self.analyzer.operand(node, path, None)
        if operand is None:
            return None
        if operand.kind == "literal" and exact_number(operand.value) is not None:  # type: ignore[attr-defined]
            value = exact_number(operand.value)  # type: ignore[assignment, attr-defined]
            return "number", lambda answers, as_of: value
        if operand.kind not in ("money", "number"):
            self.analyzer.error(path, f"an estimate works on money or numbers, not {operand.kind}")
            return None
        generator = Generator()
        function = build(
            generator.operand_source(operand),
            generator.namespace,
            "_operand",
            "<eligibility-estimate>",
        )

        def leaf(answers, as_of):
            value = function(answers, as_of)
            return None if value is None else Fraction(value)

        return operand.kind, leaf

    def percent(self, node: dict, path: str):
        extra = set(node) - {"percent", "of"}
        percent = exact_number(node["percent"])
        if extra or "of" not in node:
            self.analyzer.error(path, 'write a percentage as {"percent": 60, "of": <expression>}')
            return None
        if percent is None or percent < 0:
            self.analyzer.error(f"{path}.percent", "percent must be a number, 0 or more")
            return None
        inner = self.parse(node["of"], f"{path}.of")
        if inner is None:
            return None
        kind, function = inner

        def compute(answers, as_of):
            value = function(answers, as_of)
            return None if value is None else value * percent / 100

        return kind, compute

    def combine(self, name: str, node: dict, path: str):
        args = node[name]
        here = f"{path}.{name}"
        if (
            not isinstance(args, list)
            or len(args) < 2
            or (name in ("sub", "mul") and len(args) != 2)
        ):
            self.analyzer.error(
                here,
                f"{name} needs {'exactly 2' if name in ('sub', 'mul') else '2 or more'} items",
            )
            return None
        parts = [self.parse(arg, f"{here}[{i}]") for i, arg in enumerate(args)]
        if any(part is None for part in parts):
            return None
        kinds = [kind for kind, _ in parts]
        functions = [function for _, function in parts]
        if name == "mul":
            if kinds.count("money") > 1:
                self.analyzer.error(here, "mul can multiply money by a number, not money by money")
                return None
            kind = "money" if "money" in kinds else "number"
        else:
            if len(set(kinds)) > 1:
                self.analyzer.error(here, f"{name} cannot mix money and plain numbers")
                return None
            kind = kinds[0]
        combine = {
            "min": min,
            "max": max,
            "add": sum,
            "sub": lambda values: values[0] - values[1],
            "mul": lambda values: values[0] * values[1],
        }[name]

        def compute(answers, as_of):
            values = [function(answers, as_of) for function in functions]
            if any(value is None for value in values):
                return None
            return combine(values)

        return kind, compute

    def evaluate(self, answers: dict, *, as_of: date | str) -> EstimatedValue | None:
        """The estimate for ``answers``, rounded once and never below zero; None if incomplete."""
        if not isinstance(as_of, date):
            as_of = date.fromisoformat(as_of)
        amount = self._compute(answers, as_of)
        if amount is None:
            return None
        return EstimatedValue(
            max(0, round_cents(amount, self.rounding)),
            self.period,
            explanation=self.explanation,
            source=self.source,
        )


def compile_estimate(
    expression: object,
    questions: dict[str, QuestionInfo],
    tables: TableSet,
    *,
    values: dict | None = None,
) -> CompiledEstimate:
    """Check and compile an estimate; raises ``RuleValidationError`` listing every error.

    ``values`` are the rule's named values (its top-level ``"values"``), usable here with
    ``{"named": "net_income"}``.
    """
    return CompiledEstimate(expression, questions, tables, values)
