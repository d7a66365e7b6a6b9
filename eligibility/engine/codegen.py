"""Generate plain Python source for a checked rule and compile it once.

The generated function ``_rule(A, as_of=…, truth_only=True)`` returns ``(truth, deciders,
slots)`` (without ``truth_only``, the ``Evaluation`` made of them, see ``rule_source``):

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
from .codegen_operands import OperandCode
from .nodes import (
    AllNode,
    Answered,
    AnyNode,
    Compare,
    Condition,
    Literal,
    NotNode,
    Operand,
    TableRef,
)

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


class Generator(OperandCode):
    """Emits source lines; one instance per compiled rule or estimate."""

    # -- conditions ---------------------------------------------------------------------------

    def condition(
        self, node: Condition, indent: int, out, *, member: str | None, track: bool, polarity: bool
    ) -> tuple[str, str]:
        """Emit code for ``node``; returns (truth variable, deciders expression)."""
        if isinstance(node, AllNode | AnyNode):
            truth, deciders = self.group(node, indent, out, member, track, polarity)
        elif isinstance(node, NotNode):
            inner, deciders = self.condition(
                node.child,  # type: ignore[arg-type]
                indent,
                out,
                member=member,
                track=track,
                polarity=not polarity,
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
                scaled.append((self.const(operand.value * factor), True))  # type: ignore[operator]
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
        """The source of ``_rule``, which is ``CompiledRule.evaluate`` itself (one call per
        evaluation): it reads the date and language, decides, and fills the ``Evaluation`` in
        without calling its ``__init__``. ``_as_date``, ``_LANGUAGES``, ``_language``, ``_new``,
        ``_Evaluation``, ``_explainer`` and ``_NOT_YET`` are bound by ``CompiledRule``."""
        truth, deciders = self.decide(root)
        head = [
            # Not keyword-only: CPython fills a keyword-only default from a dict, a tenth of a
            # simple evaluation; the arguments most passed come first for the same reason.
            "def _rule(A, as_of, language='en', explain_keys=False, truth_only=False):",
            "    if as_of.__class__ is not _date: as_of = _as_date(as_of)",
            *self.answer_loads(),
        ]
        head.extend(self.rule_setup())
        tail = [
            f"    S = ({self.slots_tuple()})",
            f"    if truth_only: return {truth}, {deciders}, S",
            "    if language not in _LANGUAGES: language = _language(language)",
            *self.evaluation_lines(truth, deciders, "_explainer"),
            "    return e",
        ]
        return "\n\n".join([*self.functions, "\n".join([*head, *self.lines, *tail])]) + "\n"

    def decide(self, root: Condition) -> tuple[str, str]:
        """Emit the decision of a whole rule; returns (truth variable, deciders variable)."""
        return self.condition(root, 1, None, member=None, track=True, polarity=False)

    def rule_setup(self) -> list[str]:
        """The lines between reading the answers and deciding: every computed slot bound (a
        value computed inside an ``any`` branch may be skipped), then the named values (after
        that binding, which would otherwise reset them)."""
        computed = [expr for expr in self.slot_exprs if expr.startswith("x")]
        bound = [f"    {' = '.join(computed)} = None"] if computed else []
        return bound + self.prelude

    def slots_tuple(self) -> str:
        return "".join(f"{expr}, " for expr in self.slot_exprs)

    @staticmethod
    def evaluation_lines(truth: str, deciders: str, explainer: str) -> list[str]:
        """``e``, the ``Evaluation`` of a decided rule (``S`` bound to its slots)."""
        return [
            "    e = _new(_Evaluation)",
            f"    e.outcome = 'ineligible' if {truth} is False else 'eligible' if {truth} else"
            " 'unknown'",
            f"    e.missing = [] if {truth} is not None else {explainer}.missing({deciders}, S)",
            f"    e.deciders = {deciders}; e._truth = {truth}; e._slots = S",
            f"    e._explainer = {explainer}; e._language = language; e._keys = explain_keys",
            "    e._reasons = None; e._threshold = _NOT_YET",
        ]

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
