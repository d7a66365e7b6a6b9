"""Computed operands: arithmetic over other operands, and named values defined once per rule.

``{"sub": [a, b]}``, ``{"add": [...]}``, ``{"mul": [a, b]}``, ``{"div": [a, b]}``,
``{"min": [...]}``, ``{"max": [...]}``, ``{"percent": 20, "of": a}``,
``{"round": a, "rounding": "down_dollar"}`` and ``{"named": "net_income"}`` (a value from the
rule's top-level ``"values"``). Inputs are any operands (answers, counts, sums, table limits,
literals) or other computed operands.

Money stays integer cents and every result is exact: generated code keeps a computed value as
an integer multiple of a scale fixed at compile time (see ``emit``), with ``Fraction`` only where
no such scale exists; nothing is rounded unless a ``round`` says so (docs/eligibility-rules.md,
*Arithmetic and named values*). This module parses these operands and generates their code;
``analysis`` and ``codegen`` call into it, and ``computed_text`` writes their explanations.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from .nodes import AgeOf, Aggregate, Literal, Operand
from .values import ROUNDINGS, exact_number, exact_round, round_scaled

FUNCTIONS = ("add", "sub", "mul", "div", "min", "max", "percent", "round")
HEADS = (*FUNCTIONS, "named")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
ARITY = {"sub": 2, "mul": 2, "div": 2}


@dataclass(eq=False)
class Computed(Operand):
    function: str = "add"
    inputs: list[Operand] = field(default_factory=list)
    percent: Fraction | None = None
    rounding: str | None = None
    scale: int = 1  # set by ``emit``: the generated variable holds value x scale

    def keys(self) -> list[str]:
        return sorted({key for operand in self.inputs for key in operand_keys(operand)})


@dataclass(eq=False)
class Named(Operand):
    name: str = ""
    definition: Operand | None = None


def operand_keys(operand: Operand) -> list[str]:
    """Every question a (possibly computed) operand depends on."""
    if isinstance(operand, Named):
        return operand_keys(operand.definition)  # type: ignore[arg-type]
    if isinstance(operand, Computed):
        return operand.keys()
    return [operand.key] if operand.key else []


def is_computed_node(node: object) -> bool:
    return isinstance(node, dict) and any(head in node for head in HEADS) and "table" not in node


# -- parsing ---------------------------------------------------------------------------------


# Over 60 lines: one branch per kind of computation (named, percent, round, the rest), each
# with its own checks.
def parse(analyzer, node: dict, path: str, label) -> Operand | None:
    """A computed operand from rule JSON, or None after reporting errors on ``analyzer``."""
    heads = [head for head in HEADS if head in node]
    head = heads[0]
    allowed = {head, "label", *({"of"} if head == "percent" else ())}
    allowed |= {"rounding"} if head == "round" else set()
    extra = set(node) - allowed
    if len(heads) != 1 or extra:
        analyzer.error(path, f"unexpected keys for {head}: {', '.join(sorted(extra or heads))}")
        return None
    here = f"{path}.{head}"
    if head == "named":
        definition = define(analyzer, node[head]) if isinstance(node[head], str) else None
        if definition is None and node[head] in analyzer.named_failed:
            return None  # its own error is reported at its definition
        if definition is None:
            known = ", ".join(analyzer.named) or "none defined"
            analyzer.error(here, f"unknown named value {node[head]!r} (defined: {known})")
            return None
        # Unlabelled, a named value reads as its definition's label, else as its name.
        label = label or definition.label or {"en": node[head].replace("_", " ")}
        return Named(
            kind=definition.kind, path=path, label=label, name=node[head], definition=definition
        )
    if head == "percent":
        percent = exact_number(node[head])
        if percent is None or percent < 0:
            analyzer.error(here, "percent must be a number, 0 or more")
            return None
        if "of" not in node:
            analyzer.error(path, 'write a percentage as {"percent": 20, "of": <operand>}')
            return None
        inner = child(analyzer, node["of"], f"{path}.of")
        if inner is None:
            return None
        return Computed(
            kind=inner.kind, path=path, label=label, function=head, inputs=[inner], percent=percent
        )
    if head == "round":
        rounding = node.get("rounding", "cent")
        if rounding not in ROUNDINGS:
            analyzer.error(f"{path}.rounding", f"rounding must be one of {', '.join(ROUNDINGS)}")
            return None
        inner = child(analyzer, node[head], here)
        if inner is None:
            return None
        if inner.kind != "money":
            analyzer.error(here, "round works on money (the roundings are to cents or dollars)")
            return None
        return Computed(
            kind="money", path=path, label=label, function=head, inputs=[inner], rounding=rounding
        )
    args = node[head]
    arity = ARITY.get(head)
    if not isinstance(args, list) or (len(args) != arity if arity else len(args) < 2):
        analyzer.error(here, f"{head} needs {f'exactly {arity}' if arity else '2 or more'} items")
        return None
    parsed = [child(analyzer, arg, f"{here}[{i}]") for i, arg in enumerate(args)]
    inputs = [operand for operand in parsed if operand is not None]
    if len(inputs) != len(parsed):
        return None
    kind = result_kind(analyzer, head, inputs, here)
    if kind is None:
        return None
    if head == "div" and isinstance(inputs[1], Literal) and inputs[1].value == 0:
        analyzer.error(f"{here}[1]", "cannot divide by zero")
        return None
    return Computed(kind=kind, path=path, label=label, function=head, inputs=inputs)


def child(analyzer, node: object, path: str) -> Operand | None:
    """One input: any operand that is money or a number; literal numbers become exact."""
    operand = analyzer.operand(node, path, None)
    if operand is None:
        return None
    if isinstance(operand, Literal) and operand.kind == "literal":
        if exact_number(operand.value) is None:
            analyzer.error(path, f"{operand.value!r} is not a number")
            return None
        operand.value = exact_literal(operand.value)
        operand.kind = "number"
    if operand.kind not in ("money", "number"):
        analyzer.error(path, f"arithmetic works on money or numbers, not {operand.kind}")
        return None
    return operand


def exact_literal(value):
    """A literal number as an exact int or Fraction ("0.1" and 0.1 are one tenth)."""
    exact = exact_number(value)
    return exact.numerator if exact.denominator == 1 else exact


def exact_value(value):
    """A number answer as an exact value: floats (the forms' decimals) by their decimal repr."""
    return Fraction(repr(value)) if value.__class__ is float else value


def result_kind(analyzer, head: str, inputs: list[Operand], path: str) -> str | None:
    kinds = [operand.kind for operand in inputs]
    if head == "mul":
        if kinds.count("money") > 1:
            analyzer.error(path, "mul can multiply money by a number, not money by money")
            return None
        return "money" if "money" in kinds else "number"
    if head == "div":
        if kinds == ["number", "money"]:
            analyzer.error(path, "div cannot divide a number by money")
            return None
        # money / money is a ratio (a plain number); money / number stays money.
        return "number" if kinds[0] == kinds[1] else "money"
    if len(set(kinds)) > 1:
        analyzer.error(path, f'{head} cannot mix money and plain numbers (write {{"dollars": n}})')
        return None
    return kinds[0]


def parse_values(analyzer, values: object, path: str) -> None:
    """The rule's ``"values"``: ``{name: operand}``. A value may use any other by name, in any
    order (the database does not keep the order of an object's keys), but not in a cycle."""
    if not isinstance(values, dict):
        analyzer.error(path, 'values must be an object such as {"net_income": {"sub": [...]}}')
        return
    analyzer.named_sources = dict(values)
    analyzer.named_path = path
    for name in values:
        if not NAME.match(name):
            analyzer.error(
                f"{path}.{name}", "a value name is lower-case letters, digits and _ (a-z first)"
            )
            analyzer.named_failed.add(name)
    for name in values:
        define(analyzer, name)


def define(analyzer, name: str) -> Operand | None:
    """The parsed definition of a named value, parsing it on first use."""
    if name in analyzer.named or name in analyzer.named_failed:
        return analyzer.named.get(name)
    if name not in analyzer.named_sources:
        return None
    here = f"{analyzer.named_path}.{name}"
    if name in analyzer.named_parsing:
        analyzer.error(here, f"the named value {name!r} is defined in terms of itself")
        analyzer.named_failed.add(name)
        return None
    analyzer.named_parsing.add(name)
    operand = child(analyzer, analyzer.named_sources[name], here)
    analyzer.named_parsing.discard(name)
    if operand is not None and not isinstance(operand, Computed | Named):
        # A value that is one lookup or answer (a deduction read from a table) is computed as
        # a sum of one term, so code generation and explanations treat every named value alike.
        operand = Computed(
            kind=operand.kind, path=operand.path, label=operand.label, inputs=[operand]
        )
    if operand is None:
        analyzer.named_failed.add(name)
    elif name not in analyzer.named_failed:
        analyzer.named[name] = operand
    return analyzer.named.get(name)


# -- code generation -------------------------------------------------------------------------

PY_FUNCTIONS = {"add": " + ", "sub": " - ", "mul": " * "}


def emit(generator, op: Operand, indent: int, out, member) -> str:
    """Emit code computing a computed or named operand; returns the variable holding it.

    The variable holds the value times ``op.scale`` (a whole number fixed at compile time), so
    that sums, differences, percentages and divisions by constants of whole cents stay plain
    ``int`` arithmetic, exact and fast; ``Fraction`` is only used where no fixed scale exists
    (division by an answer, number answers that may be decimals). ``real_value`` undoes it.
    """
    if isinstance(op, Named):
        var = generator.named_vars.get(op.name)
        if var is None:
            # Named values are computed once, at the top of the function, so every condition
            # (including ones inside skipped ``any`` branches) shares one computation.
            var = emit(generator, op.definition, 1, generator.prelude, None)  # type: ignore[arg-type]
            generator.named_vars[op.name] = var
        return var
    assert isinstance(op, Computed)
    values = [generator.operand(operand, indent, out, member) for operand in op.inputs]
    generator.computed_inputs[id(op)] = values
    unknown = " or ".join(f"{v} is None" for v in values if v not in generator.constants)
    terms = [scaled_term(operand, value) for operand, value in zip(op.inputs, values, strict=True)]
    generator.namespace["_rs"] = round_scaled
    expression = None
    if all(scale is not None for _, scale in terms):
        expression, op.scale = scaled_expression(op, terms)
    if expression is None:
        expression, op.scale = exact_expression(generator, op, terms), 1
    var = generator.fresh("x")
    line = f"{var} = None if {unknown} else ({expression})" if unknown else f"{var} = {expression}"
    generator.emit(indent, line, out)
    return var


def scale_of(operand: Operand) -> int:
    """What the generated variable for ``operand`` holds its value multiplied by."""
    if isinstance(operand, Named):
        return scale_of(operand.definition)  # type: ignore[arg-type]
    return getattr(operand, "scale", 1)


def real_value(operand: Operand, value):
    """The value of an operand from its generated variable (see ``emit``)."""
    scale = scale_of(operand)
    return value if scale == 1 or value is None else Fraction(value, scale)


def scaled_term(operand: Operand, value: str) -> tuple[str, int | None]:
    """(expression, scale) for an input; scale None when it may not be a whole number."""
    if isinstance(operand, Literal):
        exact = Fraction(operand.value)  # type: ignore[call-overload]
        return repr(exact.numerator), exact.denominator
    if isinstance(operand, Computed | Named):
        return value, scale_of(operand)
    whole = isinstance(operand, AgeOf) or (
        isinstance(operand, Aggregate) and operand.function == "count"
    )
    if operand.kind == "number" and not whole:
        return value, None  # a number answer may be a decimal (a float)
    return value, 1  # cents, counts, ages and table limits are whole numbers


def times(expression: str, factor: int) -> str:
    if factor == 1:
        return expression
    if expression.lstrip("-").isdigit():  # a literal: written as its product
        return str(int(expression) * factor)
    return f"{expression} * {factor}"


def scaled_expression(op: Computed, terms) -> tuple[str | None, int]:
    """Integer code for ``op`` over scaled integer inputs, and the scale of its result."""
    function = op.function
    if function in ("add", "sub", "min", "max"):
        scale = math.lcm(*(s for _, s in terms))
        parts = [times(e, scale // s) for e, s in terms]
        if function in ("min", "max"):
            return min_max(function, parts), scale
        return PY_FUNCTIONS[function].join(parts), scale
    if function == "mul":
        (a, sa), (b, sb) = terms
        return f"{a} * {b}", sa * sb
    if function == "percent":
        (e, s), share = terms[0], op.percent / 100  # type: ignore[operator]
        return times(e, share.numerator), s * share.denominator  # type: ignore[union-attr]
    if function == "div":
        (e, s), divisor = terms[0], op.inputs[1]
        if not isinstance(divisor, Literal):
            return None, 1
        # value / (n/d) = value * d / n, with the sign carried by the factor.
        exact = Fraction(divisor.value)  # type: ignore[call-overload]
        sign = -1 if exact < 0 else 1
        return times(e, sign * exact.denominator), s * abs(exact.numerator)
    (e, s) = terms[0]
    return f"_rs({e}, {s}, {op.rounding!r})", 1


_SIMPLE = re.compile(r"^(?:[A-Za-z_]\w*|-?\d+)$")


def min_max(function: str, parts: list[str]) -> str:
    """``min(a, b)`` / ``max(a, b)`` of two names or numbers written as the comparison the
    builtin makes (``b if b < a else a``: the same result, NaN included), without its call;
    anything else as the call."""
    if len(parts) == 2 and all(_SIMPLE.match(part) for part in parts):
        first, second = parts
        return f"({second} if {second} {'<' if function == 'min' else '>'} {first} else {first})"
    return f"{function}({', '.join(parts)})"


def exact_expression(generator, op: Computed, terms) -> str:
    """``Fraction`` code for ``op`` (inputs back to their real values first)."""
    generator.namespace["_F"] = Fraction
    generator.namespace["_ex"] = exact_value
    real = [f"_ex({e})" if s is None else (e if s == 1 else f"_F({e}, {s})") for e, s in terms]
    function = op.function
    if function in PY_FUNCTIONS:
        return PY_FUNCTIONS[function].join(real)
    if function == "div":
        return f"_F({real[0]}) / {real[1]}"
    if function in ("min", "max"):
        return f"{function}({', '.join(real)})"
    if function == "percent":
        return f"{real[0]} * {generator.const(op.percent / 100)}"  # type: ignore[operator]
    generator.namespace["_rc"] = exact_round
    return f"_rc({real[0]}, {op.rounding!r})"


def register_slots(op: Operand, generator, slot) -> dict[int, int]:
    """Slots for every input shown in a computation's sentence (recursively through unlabelled
    computed inputs and named definitions), keyed by ``id(operand)``."""
    found: dict[int, int] = {}

    def visit(node: Operand) -> None:
        computed = node.definition if isinstance(node, Named) else node
        inputs = generator.computed_inputs.get(id(computed), [])
        for operand, expression in zip(computed.inputs, inputs, strict=False):  # type: ignore[union-attr]
            if isinstance(operand, Literal):
                continue
            found[id(operand)] = slot(expression)
            if isinstance(operand, Computed | Named):
                visit(operand)

    visit(op)
    return found


def leaf_inputs(op: Operand) -> list[Operand]:
    """The non-computed inputs below a computed operand (for missing answers)."""
    computed = op.definition if isinstance(op, Named) else op
    found = []
    for operand in computed.inputs:  # type: ignore[union-attr]
        if isinstance(operand, Computed | Named):
            found.extend(leaf_inputs(operand))
        elif not isinstance(operand, Literal):
            found.append(operand)
    return found
