"""Generate plain Python source for a checked rule and compile it once.

The generated function ``_rule(A, as_of)`` returns ``(truth, deciders, slots)``:

* ``truth`` is True (eligible), False (ineligible) or None (unknown), using the three-valued
  rules in docs/eligibility-rules.md;
* ``deciders`` is a tuple of explanation item indices: an ``int`` is a leaf comparison, a
  ``(group_index, inner_deciders)`` pair is an ``all``/``any``/``not`` carrying its own reason;
* ``slots`` holds every leaf operand value, so sentences can be written later without
  re-evaluating anything.

``all`` evaluates every branch (an ineligible result names *every* failing condition, and an
unknown one needs every missing key); ``any`` stops at its first eligible branch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import arithmetic
from .nodes import (
    AgeOf,
    Aggregate,
    AllNode,
    Answered,
    AnswerRef,
    AnyNode,
    Compare,
    Condition,
    Literal,
    MemberAge,
    MemberField,
    NotNode,
    Operand,
    TableRef,
)
from .values import AGES, DATES, EMPTY, ages_on, memo_age, memo_date

SWAPPED = {"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte", "eq": "eq", "ne": "ne"}
PY_OPS = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
# Python's tokenizer allows 100 indentation levels; nested ``any`` code stays well below.
MAX_NESTING = 40


@dataclass(eq=False)
class LeafItem:
    """A leaf condition as the explanations see it."""

    node: Condition
    polarity: bool  # True when an odd number of ``not`` sit above it
    slots: list[int] = field(default_factory=list)  # one per operand
    size_slots: dict[int, int] = field(default_factory=dict)  # operand index -> household size
    period_slots: dict[int, int] = field(default_factory=dict)  # operand index -> TableLimit
    # operand index -> {id(input operand): slot} for computed operands (their sentence shows them)
    input_slots: dict[int, dict[int, int]] = field(default_factory=dict)


@dataclass(eq=False)
class GroupItem:
    """An all/any/not node with its own ``reason``: its sentence replaces its children's."""

    node: Condition
    polarity: bool


class Generator:
    """Emits source lines; one instance per compiled rule or estimate."""

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
            kind = self.answer_questions[key].kind
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
            self.emit(
                indent,
                f"{var} = None if {source} is None else {function}({source}, as_of, ag)",
                out,
            )
            return var
        if isinstance(op, TableRef):
            size = self.operand(op.size, indent, out, member)
            self.table_sizes[id(op)] = size
            self.table_refs.append(op)
            if op.limit is not None:  # a year pin: one period, fixed at compile time
                self.table_periods[id(op)] = self.const(op.limit)
                if isinstance(op.size, Literal):  # a fixed household size: a fixed limit
                    return self.const(op.limit(op.size.value))
                return self.table_lookup(op.limit, size, indent, out)
            # The period in effect depends on the screening date: pick it per call (memoised
            # by date in DatedLimit), then look the size up in that period's precomputed sizes.
            dated, period = self.fresh("_tp"), self.fresh("xp")
            self.namespace[dated] = op.dated
            self.emit(indent, f"{period} = {dated}.at(as_of)", out)
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

    # -- conditions ---------------------------------------------------------------------------

    def condition(
        self, node: Condition, indent: int, out, *, member: str | None, track: bool, polarity: bool
    ) -> tuple[str, str]:
        """Emit code for ``node``; returns (truth variable, deciders expression)."""
        if isinstance(node, AllNode | AnyNode):
            truth, deciders = self.group(node, indent, out, member, track, polarity)
        elif isinstance(node, NotNode):
            inner, deciders = self.condition(
                node.child, indent, out, member=member, track=track, polarity=not polarity
            )
            truth = self.fresh("t")
            self.emit(indent, f"{truth} = None if {inner} is None else not {inner}", out)
        else:
            return self.leaf(node, indent, out, member, track, polarity)
        if track and node.reason is not None:
            self.items.append(GroupItem(node=node, polarity=polarity))
            grouped = self.fresh("d")
            self.emit(indent, f"{grouped} = (({len(self.items) - 1}, {deciders}),)", out)
            deciders = grouped
        return truth, deciders

    def leaf(self, node, indent, out, member, track, polarity) -> tuple[str, str]:
        truth = self.fresh("t")
        item = LeafItem(node=node, polarity=polarity)
        if isinstance(node, Answered):
            self.emit(indent, f"{truth} = {self.answer(node.question)} is not None", out)
        else:
            values = []
            for index, op in enumerate(node.operands):
                expr = self.operand(op, indent, out, member)
                if track and not isinstance(op, Literal):
                    item.slots.append(self.slot(expr))
                    if isinstance(op, TableRef):
                        item.size_slots[index] = self.slot(self.table_sizes[id(op)])
                        item.period_slots[index] = self.slot(self.table_periods[id(op)])
                    elif isinstance(op, arithmetic.Computed | arithmetic.Named):
                        item.input_slots[index] = arithmetic.register_slots(op, self, self.slot)
                else:
                    item.slots.append(-1)
                values.append((expr, expr in self.constants))
            raw = None
            if any(isinstance(op, arithmetic.Computed | arithmetic.Named) for op in node.operands):
                raw = [expr for expr, literal in values if not literal]
                values = self.common_scale(node, values)
            self.emit(indent, f"{truth} = {self.truth_expr(node, values, raw)}", out)
        if not track:
            return truth, "()"
        self.items.append(item)
        return truth, f"({len(self.items) - 1},)"

    def slot(self, expr: str) -> int:
        """Index of ``expr`` in the returned values tuple (each name is kept once)."""
        if expr not in self.slot_exprs:
            self.slot_exprs.append(expr)
        return self.slot_exprs.index(expr)

    def common_scale(self, node: Compare, values: list[tuple[str, bool]]):
        """Operands of a comparison with computed ones, brought to one integer scale (see
        ``arithmetic.emit``): comparing a x 5 with b x 5 needs no fractions."""
        scales = [arithmetic.scale_of(op) for op in node.operands]
        if node.op in ("in", "not_in"):  # the literal list holds real values
            self.namespace["_F"] = arithmetic.Fraction
            return [
                (expr if scale == 1 else f"_F({expr}, {scale})", literal)
                for (expr, literal), scale in zip(values, scales, strict=True)
            ]
        common = math.lcm(*scales)
        scaled = []
        for (expr, literal), operand, scale in zip(values, node.operands, scales, strict=True):
            factor = common // scale
            if factor == 1:
                scaled.append((expr, literal))
            elif isinstance(operand, Literal):
                scaled.append((self.const(operand.value * factor), True))
            else:
                scaled.append((f"{expr} * {factor}", literal))
        return scaled

    def truth_expr(
        self, node: Compare, values: list[tuple[str, bool]], raw: list[str] | None = None
    ) -> str:
        """``raw``: the operand names to test for None when ``values`` are expressions."""
        checked = raw if raw is not None else [expr for expr, literal in values if not literal]
        unknown = " or ".join(f"{expr} is None" for expr in checked)
        test = self.test_expr(node, values)
        if not unknown:
            return f"({test})"
        return f"None if {unknown} else ({test})"

    def test_expr(self, node: Compare, values: list[tuple[str, bool]]) -> str:
        """The comparison itself, for operands known to be answered."""
        exprs = [expr for expr, _ in values]
        if node.op in PY_OPS:
            test = f"{exprs[0]} {PY_OPS[node.op]} {exprs[1]}"
        elif node.op == "between":
            test = f"{exprs[1]} <= {exprs[0]} <= {exprs[2]}"
        else:
            choices = self.const(frozenset(node.choices or ()))
            if node.kind == "choices":
                test = f"not {choices}.isdisjoint({exprs[0]})"
            else:
                test = f"{exprs[0]} in {choices}"
            if node.op == "not_in":
                test = f"not ({test})"
        return test

    def group(self, node, indent, out, member, track, polarity) -> tuple[str, str]:
        truth = self.fresh("t")
        deciders = self.fresh("d") if track else "()"
        results: list[tuple[str, str]] = []
        if isinstance(node, AllNode):
            for child in node.children:
                results.append(
                    self.condition(
                        child, indent, out, member=member, track=track, polarity=polarity
                    )
                )
            truths = [t for t, _ in results]
            for value, word in (("False", "if"), ("None", "elif")):
                self.emit(indent, f"{word} {' or '.join(f'{t} is {value}' for t in truths)}:", out)
                self.emit(indent + 1, f"{truth} = {value}", out)
                if track:
                    # Only the branches with this outcome explain it; few do, so append.
                    self.emit(indent + 1, f"{deciders} = ()", out)
                    for t, d in results:
                        self.emit(indent + 1, f"if {t} is {value}: {deciders} += {d}", out)
            self.emit(indent, "else:", out)
            self.emit(indent + 1, f"{truth} = True", out)
            if track:
                self.emit(indent + 1, f"{deciders} = {' + '.join(d for _, d in results)}", out)
            return truth, deciders
        if indent + len(node.children) < MAX_NESTING:
            return self.nested_any(node, indent, out, member, track, polarity, truth, deciders)
        # any: stop at the first eligible branch; later branches run only while none is True.
        self.emit(indent, f"{truth} = False", out)
        level = indent
        for position, child in enumerate(node.children):
            if position:
                self.emit(indent, f"if {truth} is not True:", out)
                level = indent + 1
            child_truth, child_deciders = self.condition(
                child, level, out, member=member, track=track, polarity=polarity
            )
            results.append((child_truth, child_deciders))
            self.emit(level, f"if {child_truth} is True:", out)
            self.emit(level + 1, f"{truth} = True", out)
            if track:
                self.emit(level + 1, f"{deciders} = {child_deciders}", out)
            self.emit(level, f"elif {child_truth} is None:", out)
            self.emit(level + 1, f"{truth} = None", out)
        if track:
            self.emit(indent, f"if {truth} is False:", out)
            self.emit(indent + 1, f"{deciders} = {' + '.join(d for _, d in results)}", out)
            self.emit(indent, f"elif {truth} is None:", out)
            parts = " + ".join(f"({d} if {t} is None else ())" for t, d in results)
            self.emit(indent + 1, f"{deciders} = {parts}", out)
        return truth, deciders

    def nested_any(self, node, indent, out, member, track, polarity, truth, deciders):
        """``any`` as nested if/else: each branch runs in the ``else`` of the one before, so
        an eligible branch ends the group with one test, and the unknown/ineligible decision
        is made once, at the innermost level, where every branch's truth is bound."""
        results: list[tuple[str, str]] = []
        level = indent
        for child in node.children:
            child_truth, child_deciders = self.condition(
                child, level, out, member=member, track=track, polarity=polarity
            )
            results.append((child_truth, child_deciders))
            self.emit(level, f"if {child_truth} is True:", out)
            self.emit(level + 1, f"{truth} = True", out)
            if track:
                self.emit(level + 1, f"{deciders} = {child_deciders}", out)
            self.emit(level, "else:", out)
            level += 1
        self.emit(level, f"if {' or '.join(f'{t} is None' for t, _ in results)}:", out)
        self.emit(level + 1, f"{truth} = None", out)
        if track:
            parts = " + ".join(f"({d} if {t} is None else ())" for t, d in results)
            self.emit(level + 1, f"{deciders} = {parts}", out)
        self.emit(level, "else:", out)
        self.emit(level + 1, f"{truth} = False", out)
        if track:
            self.emit(level + 1, f"{deciders} = {' + '.join(d for _, d in results)}", out)
        return truth, deciders

    # -- whole rule ---------------------------------------------------------------------------

    def rule_source(self, root: Condition) -> str:
        truth, deciders = self.condition(root, 1, None, member=None, track=True, polarity=False)
        body = self.lines
        slots = "".join(f"{expr}, " for expr in self.slot_exprs)
        head = ["def _rule(A, as_of):", *self.answer_loads()]
        # Values computed inside an ``any`` branch may be skipped: bind them all up front.
        computed = [expr for expr in self.slot_exprs if expr.startswith("x")]
        if computed:
            head.append(f"    {' = '.join(computed)} = None")
        head.extend(self.prelude)  # after that binding, which would otherwise reset them
        tail = f"    return {truth}, {deciders}, ({slots})"
        return "\n\n".join([*self.functions, "\n".join([*head, *body, tail])]) + "\n"

    def operand_source(self, op: Operand) -> str:
        """A function ``_operand(A, as_of)`` computing one operand (used by estimates)."""
        expr = self.operand(op, 1, None, None)
        scale = arithmetic.scale_of(op)
        if scale != 1:  # estimates work on real values
            self.namespace["_F"] = arithmetic.Fraction
            expr = f"(None if {expr} is None else _F({expr}, {scale}))"
        head = ["def _operand(A, as_of):", *self.answer_loads(), *self.prelude]
        return "\n\n".join([*self.functions, "\n".join([*head, *self.lines, f"    return {expr}"])])


def build(source: str, namespace: dict[str, object], name: str, filename: str):
    """Compile generated source once and return the named function."""
    code = compile(source, filename, "exec")
    exec(code, namespace)  # noqa: S102 - source generated from a validated rule tree, no user text
    return namespace[name]
