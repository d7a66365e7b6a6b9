"""Source for operands: answers loaded once, member fields, table lookups, aggregates and
computed values, as expressions for `codegen.Generator`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import arithmetic
from .nodes import (
    AgeOf,
    Aggregate,
    AnswerRef,
    Compare,
    Literal,
    MemberAge,
    MemberField,
    Operand,
    TableRef,
)
from .shared import MISSING, shared_key
from .values import AGES, DATES, EMPTY, ages_on, memo_age, memo_date

if TYPE_CHECKING:  # the items are defined with the conditions that make them
    from .codegen import GroupItem, LeafItem


class OperandCode:
    """The base of `codegen.Generator`: its state, helpers and the expressions of operands."""

    # Defined by `Generator`: a `where` filter inside an aggregate is a condition.
    condition: Callable[..., tuple[str, str]]
    test_expr: Callable[..., str]

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.functions: list[str] = []
        self.namespace: dict[str, object] = {
            "_E": EMPTY,
            "_OK": frozenset({int, float, bool}),
            "_AGES": AGES,
            "_ages_on": ages_on,
            "_mage": memo_age,
            "_D": DATES,
            "_mdate": memo_date,
            "_MISS": MISSING,
        }
        self.items: list[LeafItem | GroupItem] = []
        self.answer_vars: dict[str, str] = {}
        self.answer_questions: dict[str, object] = {}
        self.date_values: set[str] = set()  # date answers needed as dates, not only as ages
        self.uses_ages = False
        self.slot_exprs: list[str] = []
        self.table_sizes: dict[int, str] = {}
        self.table_periods: dict[int, str] = {}  # id(TableRef) -> expression of its TableLimit
        self.table_refs: list[TableRef] = []  # every table lookup, to name the periods used
        # what ("age", "len") and source var -> (var, expression)
        self.hoisted_vars: dict[tuple[str, str], tuple[str, str]] = {}
        self.constants: set[str] = set()
        self.counter = 0
        # Named values, computed once at the top of the function (see arithmetic.emit).
        self.prelude: list[str] = []
        self.named_vars: dict[str, str] = {}
        self.computed_inputs: dict[int, list[str]] = {}  # id(Computed) -> input expressions
        # In one function screening every rule (screening.py): household aggregates, by
        # ``shared_key``, held in locals of that function that every rule reads.
        self.shared_locals: dict[str, str] | None = None

    # -- helpers ------------------------------------------------------------------------------

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, value: object) -> str:
        """An expression for a value fixed at compile time (never None)."""
        if isinstance(value, bool | int | str):
            expr = repr(value)
        else:
            expr = self.fresh("_k")
            self.namespace[expr] = value
        self.constants.add(expr)
        return expr

    def emit(self, indent: int, line: str, out: list[str] | None = None) -> None:
        (self.lines if out is None else out).append("    " * indent + line)

    def answer(self, question, *, as_date: bool = True) -> str:
        """The local holding a normalised top-level answer (loaded once at function start).

        A date answer used only through ``age`` (``as_date=False``) stays the raw value: its age
        comes from the age memo, keyed by that value, without building a date at all.
        """
        var = self.answer_vars.get(question.key)
        if var is None:
            var = self.answer_vars[question.key] = f"a{len(self.answer_vars)}"
            self.answer_questions[question.key] = question
        if as_date:
            self.date_values.add(question.key)
        return var

    def hoisted(self, what: str, source: str) -> str:
        """A value that depends only on one answer (an age, a household count), computed once
        at the top of the function so every condition using it shares it."""
        found = self.hoisted_vars.get((what, source))
        if found is None:
            expression = self.memo_age(source) if what == "age" else f"len({source})"
            found = self.hoisted_vars[(what, source)] = (f"h{len(self.hoisted_vars)}", expression)
        return found[0]

    def memo_age(self, value: str) -> str:
        """An expression for the age of the date answer value held in ``value`` (not None)."""
        self.uses_ages = True
        found = self.fresh("g")
        return f"{found} if ({found} := ag.get({value})) is not None else _mage({value}, as_of, ag)"

    def answer_loads(self) -> list[str]:
        """Normalise each answer once: unanswered (None, "") becomes None; [] is an answer."""
        lines = []
        if self.uses_ages:
            lines.append("    ag = _AGES.get(as_of)")
            lines.append("    if ag is None: ag = _ages_on(as_of)")
        elif self.functions:
            lines.append("    ag = None")
        for key, var in self.answer_vars.items():
            kind = self.answer_questions[key].kind  # type: ignore[attr-defined]
            lines.append(f"    {var} = A.get({key!r})")
            if kind == "date" and key in self.date_values:
                # Dates are truthy, so ``or`` falls back to parsing only on a memo miss.
                lines.append(f"    {var} = (_D.get({var}) or _mdate({var})) if {var} else None")
            elif kind == "date":
                lines.append(f"    if not {var}: {var} = None")
            elif kind == "text":
                lines.append(f"    if not {var}: {var} = None")  # "" is falsy
            elif kind in ("choices", "members"):
                # [] is the answer "none": only an absent or blank answer is unknown.
                lines.append(f"    if {var} is None or {var} == '': {var} = None")
            elif kind in ("number", "money", "bool"):
                # 0 and False are answers: test the type before comparing with "" and [].
                lines.append(f"    if {var}.__class__ not in _OK and {var} in _E: {var} = None")
            else:
                lines.append(f"    if {var} in _E: {var} = None")
        for (_, source), (var, expression) in self.hoisted_vars.items():
            lines.append(f"    {var} = None if {source} is None else ({expression})")
        return lines

    # -- operands -----------------------------------------------------------------------------

    # Over 60 lines: one branch per operand kind; the member and table branches are the
    # inlined fast paths.
    def operand(
        self,
        op: Operand,
        indent: int,
        out: list[str] | None,
        member: str | None,
        *,
        bail: bool = False,
    ) -> str:
        """Emit code computing ``op``; returns an expression (a name or a constant).

        ``bail``: an unanswered member field returns None from the aggregate at once instead of
        being normalised to None (for a ``where`` that is a single comparison, where an unknown
        operand makes the whole aggregate unknown).
        """
        if isinstance(op, Literal):
            return self.const(op.value)
        if isinstance(op, AnswerRef):
            return self.answer(op.question)
        if isinstance(op, AgeOf):
            return self.hoisted("age", self.answer(op.question, as_date=False))
        if isinstance(op, MemberField | MemberAge):
            var = self.fresh("f")
            self.emit(indent, f"{var} = {member}.get({op.field!r})", out)
            if bail:
                raw_kind = "date" if isinstance(op, MemberAge) else op.kind
                self.emit(indent, f"if {self.unanswered(var, raw_kind)}: return None", out)
                if isinstance(op, MemberAge):
                    self.emit(indent, f"{var} = {self.memo_age(var)}", out)
                elif op.kind == "date":
                    self.emit(indent, f"{var} = _D.get({var}) or _mdate({var})", out)
            elif isinstance(op, MemberAge):
                self.emit(indent, f"{var} = None if {var} in _E else ({self.memo_age(var)})", out)
            elif op.kind == "date":
                self.emit(
                    indent,
                    f"{var} = None if {var} in _E else (_D.get({var}) or _mdate({var}))",
                    out,
                )
            else:
                self.emit(indent, f"if {var} in _E: {var} = None", out)
            return var
        if isinstance(op, Aggregate):
            if op.function == "count" and op.where is None:
                return self.hoisted("len", self.answer(op.question))
            source, var = self.answer(op.question), self.fresh("x")
            function = self.aggregate_function(op)
            computed = f"None if {source} is None else {function}({source}, as_of, ag)"
            if self.shared_locals is None or member is not None:
                self.emit(indent, f"{var} = {computed}", out)
                return var
            # In a screening function, computed once for every rule that asks the same.
            local = self.shared_locals.setdefault(shared_key(op), f"sh{len(self.shared_locals)}")
            self.emit(indent, f"{var} = {local}", out)
            self.emit(indent, f"if {var} is _MISS: {var} = {local} = {computed}", out)
            return var
        if isinstance(op, TableRef):
            size = self.operand(op.size, indent, out, member)  # type: ignore[arg-type]
            self.table_sizes[id(op)] = size
            self.table_refs.append(op)
            if op.limit is not None:  # a year pin: one period, fixed at compile time
                self.table_periods[id(op)] = self.const(op.limit)
                if isinstance(op.size, Literal):  # a fixed household size: a fixed limit
                    return self.const(op.limit(op.size.value))  # type: ignore[arg-type]
                return self.table_lookup(op.limit, size, indent, out)
            # The period in effect depends on the screening date: pick it per call (memoised
            # by date in DatedLimit, read inline), then look the size up in that period's
            # precomputed sizes.
            dated, period = self.fresh("_tp"), self.fresh("xp")
            self.namespace[dated] = op.dated
            self.namespace[f"{dated}m"] = op.dated.by_date  # type: ignore[union-attr]
            self.emit(indent, f"{period} = {dated}m.get(as_of) or {dated}.at(as_of)", out)
            self.table_periods[id(op)] = period
            return self.table_lookup(None, size, indent, out, period=period)
        if isinstance(op, arithmetic.Computed | arithmetic.Named):
            return arithmetic.emit(self, op, indent, out, member)
        raise TypeError(f"unexpected operand {op!r}")

    def table_lookup(self, limit_obj, size: str, indent: int, out, *, period: str = "") -> str:
        var = self.fresh("x")
        if period:
            limit, by_size = period, f"{period}.by_size"
        else:
            limit, by_size = self.fresh("_t"), self.fresh("_td")
            self.namespace[limit] = limit_obj
            self.namespace[by_size] = limit_obj.by_size
        if size in self.constants:  # a fixed size (a single-value table): never unanswered
            self.emit(indent, f"{var} = {by_size}.get({size})", out)
            self.emit(indent, f"if {var} is None: {var} = {limit}({size})", out)
            return var
        self.emit(indent, f"{var} = None if {size} is None else {by_size}.get({size})", out)
        self.emit(indent, f"if {var} is None and {size} is not None: {var} = {limit}({size})", out)
        return var

    @staticmethod
    def unanswered(var: str, kind: str) -> str:
        """A test that ``var`` is None or "" (0, False and [] are answers)."""
        if kind in ("number", "money", "bool"):
            return f"{var}.__class__ not in _OK and {var} in _E"  # a number skips the compares
        return f"{var} in _E"

    def aggregate_function(self, op: Aggregate) -> str:
        """A module-level function looping over household members once."""
        name = self.fresh("_g")
        out: list[str] = [f"def {name}(ms, as_of, ag):"]
        if op.function == "count" and op.where is None:
            out.append("    return len(ms)")
            self.functions.append("\n".join(out))
            return name
        out.append("    n = 0")
        out.append("    for m in ms:")
        body = 2
        if isinstance(op.where, Compare):
            # One comparison: any unanswered operand makes the aggregate unknown at once.
            values = [
                (expr, expr in self.constants)
                for expr in (
                    self.operand(operand, body, out, "m", bail=True)
                    for operand in op.where.operands
                )
            ]
            self.emit(body, f"if {self.test_expr(op.where, values)}:", out)
            body += 1
        elif op.where is not None:
            truth, _ = self.condition(op.where, body, out, member="m", track=False, polarity=False)
            self.emit(body, f"if {truth} is None: return None", out)
            self.emit(body, f"if {truth}:", out)
            body += 1
        if op.function == "count":
            self.emit(body, "n += 1", out)
        else:
            self.emit(body, f"v = m.get({op.field!r})", out)
            self.emit(body, f"if {self.unanswered('v', 'number')}: return None", out)
            self.emit(body, "n += v", out)
        out.append("    return n")
        self.functions.append("\n".join(out))
        return name
