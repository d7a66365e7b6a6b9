"""The checked, typed form of a rule that the compiler and the explanations work from.

``analysis.parse_rule`` turns rule JSON into these nodes; nothing else builds them.
Each operand carries its ``kind`` (money, number, date, bool, text, choices) and ``key``: the one
question whose absence makes the operand unknown (None for literals). That single key per operand
is what makes ``Evaluation.missing`` exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .questions import QuestionInfo
from .tables import DatedLimit, Table, TableLimit


@dataclass(eq=False)
class Operand:
    kind: str
    path: str
    label: dict[str, str] | None = None

    @property
    def key(self) -> str | None:
        return None


@dataclass(eq=False)
class Literal(Operand):
    value: object = None


@dataclass(eq=False)
class AnswerRef(Operand):
    question: QuestionInfo | None = None

    @property
    def key(self) -> str | None:
        return self.question.key if self.question else None


@dataclass(eq=False)
class AgeOf(Operand):
    question: QuestionInfo | None = None

    @property
    def key(self) -> str | None:
        return self.question.key if self.question else None


@dataclass(eq=False)
class MemberField(Operand):
    field: str = ""


@dataclass(eq=False)
class MemberAge(Operand):
    field: str = ""


@dataclass(eq=False)
class Aggregate(Operand):
    function: str = "count"  # "count" or "sum"
    question: QuestionInfo | None = None
    field: str | None = None
    where: Condition | None = None

    @property
    def key(self) -> str | None:
        return self.question.key if self.question else None


@dataclass(eq=False)
class TableRef(Operand):
    table: Table | None = None
    size: Operand | None = None
    percent: Fraction = Fraction(100)
    period: str = "annual"
    rounding: str = "cent"
    limit: TableLimit | None = None  # the pinned period's limit (a ``year`` pin) or None
    dated: DatedLimit | None = None  # picks the period for the screening date

    @property
    def key(self) -> str | None:
        return self.size.key if self.size else None


@dataclass(eq=False)
class Condition:
    path: str
    reason: dict | None = None


@dataclass(eq=False)
class AllNode(Condition):
    children: list[Condition] = field(default_factory=list)


@dataclass(eq=False)
class AnyNode(Condition):
    children: list[Condition] = field(default_factory=list)


@dataclass(eq=False)
class NotNode(Condition):
    child: Condition | None = None


@dataclass(eq=False)
class Compare(Condition):
    op: str = "eq"
    operands: list[Operand] = field(default_factory=list)
    choices: list[object] | None = None  # the literal list of in / not_in
    kind: str = "number"  # the kind both sides share


@dataclass(eq=False)
class Answered(Condition):
    question: QuestionInfo | None = None


def walk_conditions(node: Condition):
    """Yield ``node`` and every condition below it (not inside aggregate ``where`` clauses)."""
    yield node
    if isinstance(node, AllNode | AnyNode):
        for child in node.children:
            yield from walk_conditions(child)
    elif isinstance(node, NotNode) and node.child is not None:
        yield from walk_conditions(node.child)
