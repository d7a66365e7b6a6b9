"""Checking operands: answers, member fields, ages, aggregates, table lookups and computed
values, each error with its JSON path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import arithmetic
from .nodes import (
    AgeOf,
    Aggregate,
    AnswerRef,
    Condition,
    Literal,
    MemberAge,
    MemberField,
    Operand,
    TableRef,
)
from .questions import KIND_BY_TYPE, QuestionInfo
from .tables import PERIODS, DatedLimit, TableSet
from .values import ROUNDINGS, exact_number


@dataclass(frozen=True)
class RuleError:
    """One problem in a rule: where it is (a JSON path such as ``$.all[1].lte[0].answer``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


OPERAND_KEYS = {
    "answer": set(),
    "value": set(),
    "dollars": set(),
    "age": set(),
    "member": set(),
    "member_age": set(),
    "count": {"where"},
    "sum": {"field", "where"},
    "table": {"year", "in_effect_on", "household_size", "percent", "period", "rounding"},
}


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class OperandAnalysis:
    """The base of `analysis.Analyzer`: its state, its errors and the operands."""

    # Defined by `Analyzer`: a `where` filter inside an aggregate is a condition.
    condition: Callable[..., Condition | None]

    def __init__(self, questions: dict[str, QuestionInfo], tables: TableSet) -> None:
        self.questions = questions
        self.tables = tables
        self.errors: list[RuleError] = []
        # The rule's "values": parsed definitions by name, their JSON, and parsing state.
        self.named: dict[str, Operand] = {}
        self.named_sources: dict[str, object] = {}
        self.named_path = "$.values"
        self.named_parsing: set[str] = set()
        self.named_failed: set[str] = set()

    def error(self, path: str, message: str) -> None:
        self.errors.append(RuleError(path, message))

    def language_text(self, value: object, path: str) -> dict[str, str]:
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("en"), str)
            or not all(isinstance(v, str) for v in value.values())
        ):
            self.error(path, 'expected {"en": "...", "es": "..."} (en required)')
            return {"en": ""}
        return dict(value)

    # -- operands -----------------------------------------------------------------------------

    # Over 60 lines: one branch per operand key, each reporting its own errors with their
    # paths.
    def operand(self, node: object, path: str, members: dict[str, str] | None) -> Operand | None:
        if not isinstance(node, dict):
            self.error(path, 'expected an operand object such as {"answer": "key"}')
            return None
        if arithmetic.is_computed_node(node):
            if members is not None:
                self.error(path, "arithmetic cannot be used inside a member condition")
                return None
            label = None
            if "label" in node:
                label = self.language_text(node["label"], f"{path}.label")
            return arithmetic.parse(self, node, path, label)
        heads = [key for key in node if key in OPERAND_KEYS]
        if len(heads) != 1:
            self.error(path, f"an operand needs exactly one of {', '.join(OPERAND_KEYS)}")
            return None
        head = heads[0]
        extra = set(node) - {head, "label"} - OPERAND_KEYS[head]
        if extra:
            self.error(path, f"unexpected keys for {head}: {', '.join(sorted(extra))}")
            return None
        label = None
        if "label" in node:
            label = self.language_text(node["label"], f"{path}.label")
        here = f"{path}.{head}"
        in_member = members is not None
        if head in ("member", "member_age") and not in_member:
            self.error(here, f"{head} can only be used inside a count or sum 'where' condition")
            return None
        if in_member and head in ("answer", "age", "count", "sum", "table"):
            self.error(here, f"{head} cannot be used inside a member condition")
            return None
        value = node[head]
        if head == "value":
            if isinstance(value, list | dict) or value is None:
                self.error(here, "a value must be a number, text or true/false")
                return None
            kind = "bool" if isinstance(value, bool) else "literal"
            return Literal(kind=kind, path=path, label=label, value=value)
        if head == "dollars":
            amount = exact_number(value)
            if amount is None or (amount * 100).denominator != 1:
                self.error(here, "dollars must be a number with at most two decimal places")
                return None
            return Literal(kind="money", path=path, label=label, value=int(amount * 100))
        if head == "answer":
            question = self.question(value, here)
            if question is None:
                return None
            kind = question.kind
            if kind in ("members", "other", "none"):
                self.error(
                    here,
                    f"a {question.type} answer cannot be compared; use count, sum or is_answered",
                )
                return None
            return AnswerRef(kind=kind, path=path, label=label, question=question)
        if head == "age":
            question = self.question(value, here)
            if question is None:
                return None
            if question.type != "date":
                self.error(here, f"age needs a date question; {question.key} is {question.type}")
                return None
            return AgeOf(kind="number", path=path, label=label, question=question)
        if head in ("member", "member_age"):
            field_type = members.get(value) if isinstance(value, str) else None  # type: ignore[union-attr]
            if field_type is None:
                self.error(here, f"unknown member field {value!r}")
                return None
            if head == "member_age":
                if field_type != "date":
                    self.error(here, f"member_age needs a date field; {value} is {field_type}")
                    return None
                return MemberAge(kind="number", path=path, label=label, field=value)
            kind = KIND_BY_TYPE.get(field_type, "none")
            if kind in ("members", "other", "none"):
                self.error(here, f"member field {value} ({field_type}) cannot be compared")
                return None
            return MemberField(kind=kind, path=path, label=label, field=value)
        if head in ("count", "sum"):
            return self.aggregate(head, node, path, label)
        return self.table(node, path, label)

    def question(
        self, key: object, path: str, *, allow_static: bool = False
    ) -> QuestionInfo | None:
        if not isinstance(key, str):
            self.error(path, "expected a question key (text)")
            return None
        question = self.questions.get(key)
        if question is None:
            self.error(path, f"unknown question {key!r}")
            return None
        if question.type == "static" and not allow_static:
            self.error(path, f"{key} is static text and has no answer")
            return None
        return question

    def aggregate(self, head: str, node: dict, path: str, label) -> Operand | None:
        here = f"{path}.{head}"
        question = self.question(node[head], here)
        if question is None:
            return None
        if question.type != "household_members":
            self.error(
                here,
                f"{head} needs a household_members question; {question.key} is {question.type}",
            )
            return None
        fields = question.member_fields or {}
        kind, field = "number", None
        if head == "sum":
            field = node.get("field")
            field_type = fields.get(field) if isinstance(field, str) else None
            if field_type is None:
                self.error(f"{path}.field", f"unknown member field {field!r}")
                return None
            if field_type not in ("number", "currency"):
                self.error(
                    f"{path}.field",
                    f"sum needs a number or currency field; {field} is {field_type}",
                )
                return None
            kind = "money" if field_type == "currency" else "number"
        where = None
        if "where" in node:
            where = self.condition(node["where"], f"{path}.where", fields)
            if where is None:
                return None
        return Aggregate(
            kind=kind,
            path=path,
            label=label,
            function=head,
            question=question,
            field=field,
            where=where,
        )

    # Over 60 lines: every option of a table lookup is checked so all its errors are
    # reported at once.
    def table(self, node: dict, path: str, label) -> Operand | None:
        table_id = node["table"]
        if table_id not in self.tables.ids():
            self.error(f"{path}.table", f"unknown table {table_id!r}")
            return None
        pinned, switch = None, None
        if "year" in node:
            year = node["year"]
            if "in_effect_on" in node:
                self.error(path, "a table lookup takes either year or in_effect_on, not both")
                return None
            if not isinstance(year, int) or isinstance(year, bool):
                self.error(f"{path}.year", "year must be a whole number such as 2026")
                return None
            pinned = self.tables.get(table_id, year)
            if pinned is None:
                years = ", ".join(str(y) for y in self.tables.years(table_id))
                self.error(f"{path}.year", f"no {table_id} period starts in {year}; have: {years}")
                return None
        elif "in_effect_on" in node:
            switch = self.switch_date(node["in_effect_on"], f"{path}.in_effect_on")
            if switch is False:
                return None
        table = pinned or self.tables.periods(table_id)[-1]
        ok = True
        percent = exact_number(node.get("percent", 100))
        if percent is None or percent <= 0:
            self.error(f"{path}.percent", "percent must be a positive number")
            ok = False
        period = node.get("period")
        if period is not None and period not in PERIODS:
            self.error(f"{path}.period", f"period must be one of {', '.join(PERIODS)}")
            ok = False
        rounding = node.get("rounding", "cent")
        if rounding not in ROUNDINGS:
            self.error(f"{path}.rounding", f"rounding must be one of {', '.join(ROUNDINGS)}")
            ok = False
        if table.by_household and "household_size" not in node:
            self.error(path, "table needs household_size")
            return None
        if not table.by_household:
            if "household_size" in node:
                self.error(f"{path}.household_size", f"{table_id} has one value, not one per size")
                return None
            size = Literal(kind="number", path=path, value=1)
        else:
            size = self.operand(node["household_size"], f"{path}.household_size", None)  # type: ignore[assignment]
            if size is None:
                return None
        if size.kind == "literal" and is_number(size.value):
            size.kind = "number"
        if size.kind != "number":
            self.error(
                f"{path}.household_size", f"household_size must be a number, not {size.kind}"
            )
            return None
        if not ok:
            return None
        dated = DatedLimit(
            self.tables,
            table_id,
            percent=percent,  # type: ignore[arg-type]
            period=period,
            rounding=rounding,
            switch=switch,  # type: ignore[arg-type]
            pinned=pinned,
        )
        return TableRef(
            kind="money" if table.is_money else "number",
            path=path,
            label=label,
            table=table,
            size=size,
            percent=percent,  # type: ignore[arg-type]
            period=period or table.period,
            rounding=rounding,
            limit=dated.limit_for(pinned) if pinned is not None else None,
            dated=dated,
        )

    def switch_date(self, value: object, path: str) -> tuple[int, int] | bool | None:
        """``"screening_date"`` -> None; ``{"last": "04-01"}`` -> (4, 1); False if invalid."""
        if value == "screening_date":
            return None
        text = value.get("last") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(text, str) and len(text) == 5 and text[2] == "-":
            try:
                date(2024, int(text[:2]), int(text[3:]))  # a leap year: 02-29 is a real date
                return int(text[:2]), int(text[3:])
            except ValueError:
                pass
        self.error(path, 'in_effect_on must be "screening_date" or {"last": "MM-DD"}')
        return False
