"""Rule JSON -> checked nodes (``nodes.py``), collecting every error with its JSON path."""

from __future__ import annotations

from datetime import date

from . import arithmetic, limits
from .nodes import (
    AllNode,
    Answered,
    AnyNode,
    Compare,
    Condition,
    Literal,
    NotNode,
)
from .operand_analysis import OperandAnalysis, RuleError, is_number
from .questions import QuestionInfo
from .tables import TableSet

COMPARISON_OPS = ("eq", "ne", "lt", "lte", "gt", "gte")
ORDERED_OPS = ("lt", "lte", "gt", "gte")
CONDITION_OPS = ("all", "any", "not", *COMPARISON_OPS, "in", "not_in", "between", "is_answered")
EQUALITY_KINDS = ("number", "money", "date", "bool", "text")
ORDERED_KINDS = ("number", "money", "date")


class RuleValidationError(ValueError):
    """Raised by ``compile_rule`` / ``compile_estimate`` for an invalid rule; holds the errors."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors) or "invalid rule")


class Analyzer(OperandAnalysis):
    """Walks rule JSON once, building nodes and collecting ``RuleError``s."""

    # -- conditions ---------------------------------------------------------------------------

    def condition(self, node: object, path: str, members: dict[str, str] | None = None):
        """Parse one condition node; ``members`` is the member-field map inside a ``where``."""
        if not isinstance(node, dict):
            self.error(path, 'expected a condition object such as {"all": [...]}')
            return None
        ops = [key for key in node if key != "reason"]
        if len(ops) != 1:
            self.error(path, f"a condition needs exactly one operator, found {sorted(ops)}")
            return None
        op = ops[0]
        if op not in CONDITION_OPS:
            self.error(path, f"unknown operator {op!r}; expected one of {', '.join(CONDITION_OPS)}")
            return None
        reason = self.reason(node.get("reason"), f"{path}.reason")
        args = node[op]
        here = f"{path}.{op}"
        if op in ("all", "any"):
            if not isinstance(args, list) or not args:
                self.error(here, f"{op} needs a non-empty list of conditions")
                return None
            children = [self.condition(c, f"{here}[{i}]", members) for i, c in enumerate(args)]
            if any(child is None for child in children):
                return None
            cls = AllNode if op == "all" else AnyNode
            return cls(path=path, reason=reason, children=children)
        if op == "not":
            child = self.condition(args, here, members)
            return None if child is None else NotNode(path=path, reason=reason, child=child)
        if op == "is_answered":
            return self.answered(args, here, path, reason, members)
        return self.comparison(op, args, here, path, reason, members)

    def reason(self, reason: object, path: str) -> dict | None:
        """A reason override: {"en", "es"} for any outcome, or {"met": {...}, "not_met": {...}}."""
        if reason is None:
            return None
        if isinstance(reason, dict) and set(reason) <= {"met", "not_met"} and reason:
            return {
                key: self.language_text(value, f"{path}.{key}") for key, value in reason.items()
            }
        text = self.language_text(reason, path)
        return {"met": text, "not_met": text}

    def answered(self, key, here, path, reason, members):
        if members is not None:
            self.error(here, "is_answered is not available inside a member condition")
            return None
        question = self.question(key, here, allow_static=False)
        if question is None:
            return None
        return Answered(path=path, reason=reason, question=question)

    def comparison(self, op, args, here, path, reason, members):
        arity = 3 if op == "between" else 2
        if not isinstance(args, list) or len(args) != arity:
            self.error(here, f"{op} needs a list of exactly {arity} items")
            return None
        if op in ("in", "not_in"):
            return self.membership(op, args, here, path, reason, members)
        operands = [self.operand(arg, f"{here}[{i}]", members) for i, arg in enumerate(args)]
        if any(operand is None for operand in operands):
            return None
        kinds = {o.kind for o in operands if not (isinstance(o, Literal) and o.kind == "literal")}
        if len(kinds) > 1:
            self.error(here, f"cannot compare {' with '.join(sorted(kinds))}")
            return None
        if not kinds:
            self.error(here, "a comparison needs at least one answer or typed value")
            return None
        kind = kinds.pop()
        allowed = EQUALITY_KINDS if op in ("eq", "ne") else ORDERED_KINDS
        if kind not in allowed:
            self.error(here, f"{op} cannot compare {kind} values; it works on {', '.join(allowed)}")
            return None
        for index, operand in enumerate(operands):
            if isinstance(operand, Literal) and operand.kind == "literal":
                coerced = self.coerce_literal(operand.value, kind, f"{here}[{index}].value")
                if coerced is None:
                    return None
                operand.value, operand.kind = coerced, kind
        if kind == "number" and any(
            isinstance(o, arithmetic.Computed | arithmetic.Named) for o in operands
        ):
            # Computed numbers are exact, so a decimal literal beside one must be too (0.1 as a
            # float is not one tenth).
            for operand in operands:
                if isinstance(operand, Literal):
                    operand.value = arithmetic.exact_literal(operand.value)
        return Compare(path=path, reason=reason, op=op, operands=operands, kind=kind)

    def coerce_literal(self, value: object, kind: str, path: str):
        """A {"value": ...} literal as the kind it is compared with, or None after an error."""
        if kind == "date" and isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.error(path, f"{value!r} is not a date in YYYY-MM-DD form")
                return None
        if kind == "money":
            self.error(path, 'write money as {"dollars": 2694}, not as a plain value')
            return None
        valid = {
            "number": is_number(value),
            "bool": isinstance(value, bool),
            "text": isinstance(value, str),
        }.get(kind, False)
        if not valid:
            self.error(path, f"{value!r} cannot be compared with a {kind} value")
            return None
        return value

    def membership(self, op, args, here, path, reason, members):
        operand = self.operand(args[0], f"{here}[0]", members)
        if operand is None:
            return None
        literals = args[1]
        if not isinstance(literals, list) or not literals:
            self.error(f"{here}[1]", f"{op} needs a non-empty list of values to look in")
            return None
        if operand.kind not in ("text", "number", "choices"):
            self.error(
                f"{here}[0]", f"{op} works on text, number or choice answers, not {operand.kind}"
            )
            return None
        numeric = operand.kind == "number"
        errors_before = len(self.errors)
        options = getattr(getattr(operand, "question", None), "options", None)
        for index, literal in enumerate(literals):
            item_path = f"{here}[1][{index}]"
            if numeric and not is_number(literal):
                self.error(item_path, f"{literal!r} is not a number")
            elif not numeric and not isinstance(literal, str):
                self.error(item_path, f"{literal!r} is not text")
            elif options and literal not in options:
                self.error(item_path, f"{literal!r} is not one of the question's options")
        if len(self.errors) > errors_before:
            return None
        return Compare(
            path=path,
            reason=reason,
            op=op,
            operands=[operand],
            choices=list(literals),
            kind=operand.kind,
        )


def parse_rule(rule: object, questions: dict[str, QuestionInfo], tables: TableSet):
    """Parse and check a rule. Returns ``(node or None, errors)``.

    The size limits are checked first, without recursion, so a hostile rule (nested thousands
    deep) is refused with its path before the recursive parser and compiler ever see it.
    """
    size_errors = [RuleError(path, message) for path, message in limits.check(rule)]
    if size_errors:
        return None, size_errors
    analyzer = Analyzer(questions, tables)
    if isinstance(rule, dict) and "values" in rule:
        arithmetic.parse_values(analyzer, rule["values"], "$.values")
        rule = {key: value for key, value in rule.items() if key != "values"}
    node = analyzer.condition(rule, "$")
    return (node if not analyzer.errors else None), analyzer.errors


def validate_rule(
    rule: object, questions: dict[str, QuestionInfo], tables: TableSet
) -> list[RuleError]:
    """Every problem in ``rule`` as ``RuleError(path, message)``; an empty list means valid."""
    return parse_rule(rule, questions, tables)[1]


__all__ = ["Condition", "RuleError", "RuleValidationError", "parse_rule", "validate_rule"]
