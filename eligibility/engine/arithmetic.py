"""Computed operands: arithmetic over other operands, and named values defined once per rule.

``{"sub": [a, b]}``, ``{"add": [...]}``, ``{"mul": [a, b]}``, ``{"div": [a, b]}``,
``{"min": [...]}``, ``{"max": [...]}``, ``{"percent": 20, "of": a}``,
``{"round": a, "rounding": "down_dollar"}`` and ``{"named": "net_income"}`` (a value from the
rule's top-level ``"values"``). Inputs are any operands (answers, counts, sums, table limits,
literals) or other computed operands.

Money stays integer cents and numbers stay exact: additions of whole cents stay ``int``,
percentages and divisions become ``Fraction``; nothing is rounded unless a ``round`` says so
(docs/eligibility-rules.md, *Arithmetic*). This module parses, generates code for and explains
these operands; ``analysis``, ``codegen`` and ``explain`` call into it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from .messages import format_money, lower_first
from .nodes import Literal, Operand
from .values import ROUNDINGS, round_cents

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


def parse(analyzer, node: dict, path: str, label) -> Operand | None:
    """A computed operand from rule JSON, or None after reporting errors on ``analyzer``."""
    from .analysis import exact_number

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
    inputs = [child(analyzer, arg, f"{here}[{i}]") for i, arg in enumerate(args)]
    if any(operand is None for operand in inputs):
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
    from .analysis import exact_number

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
    from .analysis import exact_number

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
    if operand is None:
        analyzer.named_failed.add(name)
    elif name not in analyzer.named_failed:
        analyzer.named[name] = operand
    return analyzer.named.get(name)


# -- code generation -------------------------------------------------------------------------

PY_FUNCTIONS = {"add": " + ", "sub": " - ", "mul": " * "}


def emit(generator, op: Operand, indent: int, out, member) -> str:
    """Emit code computing a computed or named operand; returns the variable holding it."""
    if isinstance(op, Named):
        var = generator.named_vars.get(op.name)
        if var is None:
            # Named values are computed once, at the top of the function, so every condition
            # (including ones inside skipped ``any`` branches) shares one computation.
            var = emit(generator, op.definition, 1, generator.prelude, None)
            generator.named_vars[op.name] = var
        return var
    assert isinstance(op, Computed)
    values = [generator.operand(operand, indent, out, member) for operand in op.inputs]
    generator.computed_inputs[id(op)] = values
    generator.namespace["_ex"] = exact_value
    # Number answers and sums may be floats; money is already integer cents.
    terms = [
        f"_ex({value})" if operand.kind == "number" and value not in generator.constants else value
        for operand, value in zip(op.inputs, values, strict=True)
    ]
    unknown = " or ".join(f"{v} is None" for v in values if v not in generator.constants)
    function = op.function
    if function in PY_FUNCTIONS:
        expression = PY_FUNCTIONS[function].join(terms)
    elif function == "div":
        generator.namespace["_F"] = Fraction
        expression = f"_F({terms[0]}) / {terms[1]}"
    elif function in ("min", "max"):
        expression = f"{function}({', '.join(terms)})"
    elif function == "percent":
        expression = f"{terms[0]} * {generator.const(op.percent / 100)}"
    else:
        generator.namespace["_rc"] = exact_round
        expression = f"_rc({terms[0]}, {op.rounding!r})"
    var = generator.fresh("x")
    line = f"{var} = None if {unknown} else ({expression})" if unknown else f"{var} = {expression}"
    generator.emit(indent, line, out)
    return var


def exact_round(amount, rounding: str) -> int:
    """``round_cents`` for an int or a Fraction (int / 100 would be a float)."""
    return round_cents(Fraction(amount), rounding)


# -- explanations ----------------------------------------------------------------------------

WORDING = {
    "en": {
        "add": " plus ",
        "sub": " minus ",
        "mul": " times ",
        "div": " divided by ",
        "min": "the smaller of {items}",
        "max": "the larger of {items}",
        "percent": "{percent}% of {item}",
        "round": "{item} rounded",
        "and": "and",
        "value": "the value",
        "named_value": "{label} of {value}",
        "capped": "{item}, capped at {bound}",
        "floored": "{item}, but not less than {bound}",
    },
    "es": {
        "add": " más ",
        "sub": " menos ",
        "mul": " por ",
        "div": " dividido entre ",
        "min": "el menor entre {items}",
        "max": "el mayor entre {items}",
        "percent": "el {percent}% de {item}",
        "round": "{item} redondeado",
        "and": "y",
        "value": "el valor",
        "named_value": "{label} de {value}",
        "capped": "{item}, con un tope de {bound}",
        "floored": "{item}, pero no menos de {bound}",
    },
}


def format_exact(value, kind: str) -> str:
    """A computed value for a sentence: money to the cent (halves up), numbers to 2 places."""
    if kind == "money":
        return format_money(exact_round(value, "cent"))
    if isinstance(value, Fraction) and value.denominator != 1:
        shown = math.floor(value * 100 + Fraction(1, 2)) / 100
        return f"{shown:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


class ComputationText:
    """Writes '$1,234 (income $2,000 minus deductions of $766)' for a computed operand.

    ``slots`` are the values the generated code returned; ``slot_of`` maps each input operand
    to its slot, filled by ``register`` while the leaf's slots are assigned.
    """

    def __init__(self, op: Operand, language: str, slot_of: dict[int, int], subject_of) -> None:
        self.op = op
        self.language = language
        self.slot_of = slot_of
        self.subject_of = subject_of

    def value_text(self, value, slots) -> str:
        """The operand's value followed by how it was computed, in parentheses."""
        shown = format_exact(value, self.op.kind)
        computed = self.op.definition if isinstance(self.op, Named) else self.op
        return f"{shown} ({self.formula(computed, slots, value)})"

    def formula(self, op: Computed, slots, value=None) -> str:
        words = WORDING[self.language]
        literals = [operand for operand in op.inputs if isinstance(operand, Literal)]
        others = [operand for operand in op.inputs if not isinstance(operand, Literal)]
        if op.function in ("min", "max") and value is not None and literals and len(others) == 1:
            # A cap or a floor: say it only when it applied ("…, capped at $744").
            other = others[0]
            if slots[self.slot_of[id(other)]] == value:
                return self.describe(other, slots)
            bound = "capped" if op.function == "min" else "floored"
            return words[bound].format(
                item=self.describe(other, slots), bound=format_exact(value, op.kind)
            )
        parts = [self.term(operand, slots) for operand in op.inputs]
        if op.function in ("add", "sub", "mul", "div"):
            return words[op.function].join(parts)
        if op.function in ("min", "max"):
            joined = f", {words['and']} ".join(parts) if len(parts) > 2 else None
            items = joined or f" {words['and']} ".join(parts)
            return words[op.function].format(items=items)
        if op.function == "percent":
            percent = op.percent  # type: ignore[assignment]
            shown = str(percent.numerator) if percent.denominator == 1 else str(float(percent))
            return words["percent"].format(percent=shown, item=parts[0])
        return words["round"].format(item=parts[0])

    def describe(self, operand: Operand, slots) -> str:
        """An input on its own: an unlabelled computation as its formula, else as a term."""
        if isinstance(operand, Computed) and operand.label is None:
            return self.formula(operand, slots, slots[self.slot_of[id(operand)]])
        return self.term(operand, slots)

    def term(self, operand: Operand, slots) -> str:
        words = WORDING[self.language]
        if isinstance(operand, Literal):
            return format_exact(operand.value, operand.kind)
        value = slots[self.slot_of[id(operand)]]
        shown = "?" if value is None else format_exact(value, operand.kind)
        if isinstance(operand, Computed) and operand.label is None:
            return self.formula(operand, slots, value)
        label = self.subject_of(operand, self.language)
        return words["named_value"].format(label=lower_first(label), value=shown)


def register_slots(op: Operand, generator, slot) -> dict[int, int]:
    """Slots for every input shown in a computation's sentence (recursively through unlabelled
    computed inputs and named definitions), keyed by ``id(operand)``."""
    found: dict[int, int] = {}

    def visit(node: Operand) -> None:
        computed = node.definition if isinstance(node, Named) else node
        inputs = generator.computed_inputs.get(id(computed), [])
        for operand, expression in zip(computed.inputs, inputs, strict=False):
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
