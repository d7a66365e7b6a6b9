"""How a computed operand reads in a reason: "$1,234 (income of $2,000 minus deductions of $766)".

Kept apart from ``arithmetic`` (parsing and code generation); ``explain`` uses it for every
comparison with a computed side. Values arrive as the generated code holds them (value x
scale, see ``arithmetic.emit``) and are formatted with integer arithmetic where possible.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .arithmetic import Computed, Named, scale_of
from .messages import format_money, lower_first
from .nodes import Literal, Operand
from .values import exact_round, round_scaled

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
        return format_money(value if value.__class__ is int else exact_round(value, "cent"))
    if isinstance(value, Fraction | float) and value != int(value):
        shown = math.floor(Fraction(value) * 100 + Fraction(1, 2)) / 100
        return f"{shown:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def format_scaled(raw, scale: int, kind: str) -> str:
    """``format_exact`` of ``raw / scale`` (a generated variable's value), with integers."""
    if scale == 1:
        if raw.__class__ is int and kind == "money":
            return format_money(raw)
        return format_exact(raw, kind)
    if kind == "money":
        return format_money(round_scaled(raw, scale, "cent"))
    return format_exact(Fraction(raw, scale), kind)


class ComputationText:
    """Writes '$1,234 (income of $2,000 minus deductions of $766)' for a computed operand.

    Built once per operand and language: every label and literal is resolved here, so a
    sentence costs a few integer formats. ``slot_of`` maps each input (by ``id``) to its slot
    in the values the generated code returns (which hold value x scale, see ``emit``).
    """

    def __init__(self, op: Operand, language: str, slot_of: dict[int, int], subject_of) -> None:
        self.language = language
        self.words = WORDING[language]
        self.slot_of = slot_of
        self.subject_of = subject_of
        self.scale = scale_of(op)
        self.kind = op.kind
        computed = op.definition if isinstance(op, Named) else op
        self.formula = self.compile_formula(computed)  # type: ignore[arg-type]

    def value_text(self, raw, slots) -> str:
        """The operand's value followed by how it was computed, in parentheses."""
        return f"{format_scaled(raw, self.scale, self.kind)} ({self.formula(slots, raw)})"

    def compile_formula(self, op: Computed):
        """A function (slots, raw value of ``op``) -> the computation in words."""
        words = self.words
        literals = [operand for operand in op.inputs if isinstance(operand, Literal)]
        others = [operand for operand in op.inputs if not isinstance(operand, Literal)]
        if op.function in ("min", "max") and literals and len(others) == 1:
            # A cap or a floor: say it only when it applied ("…, capped at $744").
            other = others[0]
            other_slot, other_scale, scale = self.slot_of[id(other)], scale_of(other), op.scale
            describe = self.compile_describe(other)
            template = words["capped" if op.function == "min" else "floored"]
            kind = op.kind

            def bounded(slots, raw):
                other_raw = slots[other_slot]
                if other_raw is not None and other_raw * scale == raw * other_scale:
                    return describe(slots)
                return template.format(item=describe(slots), bound=format_scaled(raw, scale, kind))

            return bounded
        parts = [self.compile_term(operand) for operand in op.inputs]
        function = op.function
        if function in ("add", "sub", "mul", "div"):
            joiner = words[function]
            return lambda slots, raw: joiner.join([part(slots) for part in parts])
        if function in ("min", "max"):
            template, conjunction = words[function], words["and"]
            separator = f", {conjunction} " if len(parts) > 2 else f" {conjunction} "

            def extreme(slots, raw):
                texts = [part(slots) for part in parts]
                if len(texts) > 2:
                    return template.format(items=f"{', '.join(texts[:-1])}{separator}{texts[-1]}")
                return template.format(items=separator.join(texts))

            return extreme
        if function == "percent":
            percent = op.percent
            shown = str(percent.numerator) if percent.denominator == 1 else str(float(percent))  # type: ignore[arg-type, union-attr]
            template = words["percent"].replace("{percent}", shown)
            return lambda slots, raw: template.format(item=parts[0](slots))
        template = words["round"]
        return lambda slots, raw: template.format(item=parts[0](slots))

    def compile_describe(self, operand: Operand):
        """An input on its own: an unlabelled computation as its formula, else as a term."""
        if isinstance(operand, Computed) and operand.label is None:
            formula, slot = self.compile_formula(operand), self.slot_of[id(operand)]
            return lambda slots: formula(slots, slots[slot])
        return self.compile_term(operand)

    def compile_term(self, operand: Operand):
        if isinstance(operand, Literal):
            text = format_exact(operand.value, operand.kind)
            return lambda slots: text
        if isinstance(operand, Computed) and operand.label is None:
            describe = self.compile_describe(operand)
            if operand.function not in ("add", "sub", "mul", "div"):
                return describe
            # "a minus (b plus c)": a nested sum or difference is bracketed so it reads once.
            return lambda slots: f"({describe(slots)})"
        slot, scale, kind = self.slot_of[id(operand)], scale_of(operand), operand.kind
        label = lower_first(self.subject_of(operand, self.language))
        before, after = self.words["named_value"].format(label=label, value="\0").split("\0")

        def term(slots):
            raw = slots[slot]
            return f"{before}{'?' if raw is None else format_scaled(raw, scale, kind)}{after}"

        return term
