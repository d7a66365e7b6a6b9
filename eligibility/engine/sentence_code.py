"""Sentence functions generated as Python source, for the leaves whose sentences are composed
of many pieces: comparisons with a computed side, and comparisons with a table limit.

The closures in ``sentences`` and ``computed_text`` build the same text from nested function
calls (a computed value's sentence takes ~15 of them); here each sentence is one generated
function: the slots it reads bound once as locals, every label, word and literal written in as
text, each value formatted by a call specialised for its kind and scale, and the pieces joined
by one f-string. Built once per leaf, language and outcome, like the closures it replaces, and
compiled together for a rule (``compile_sentences``); ``tests/eligibility/test_sentence_code.py``
checks both give the same text. Labels and other text from a rule are written in with
``repr()``, never as code.
"""

from __future__ import annotations

from itertools import count
from string import Formatter

from .arithmetic import Computed, Named, scale_of
from .computed_text import WORDING, format_exact, format_scaled
from .messages import OTHER_ANSWER, format_money, lower_first, remembered_money
from .nodes import Literal, Operand, TableRef
from .sentences import operand_subject, template_pieces, value_formatter
from .shared import text_key
from .values import COMPUTED_TEXTS, MONEY_TEXTS, remember_computed_text

_serial = count()


class SentenceSource:
    """Writes one function ``_s<serial>(S)`` (``S``: the slots tuple of an evaluation);
    ``compile_sentences`` compiles it, with others."""

    def __init__(self) -> None:
        self.serial = next(_serial)  # names its function and constants apart from others'
        self.text = ""
        self.lines: list[str] = []
        self.namespace: dict[str, object] = {"_money": format_money, "_fs": format_scaled}
        self.constants: dict[int, str] = {}  # id(value) -> name, each object bound once
        self.counter = 0
        self.slots: set[int] = set()
        self.body: list[str] = []  # set by ``build``: the function's lines but its return
        self.result = ""  # and the expression it returns

    def fresh(self) -> str:
        self.counter += 1
        return f"v{self.counter}"

    def const(self, value: object) -> str:
        name = self.constants.get(id(value))
        if name is None:
            name = self.constants[id(value)] = f"_c{self.serial}_{len(self.constants)}"
            self.namespace[name] = value
        return name

    def formatted(self, value: str, formatter) -> str:
        """An expression for ``formatter(value)``; a remembered amount is read inline."""
        if formatter is remembered_money:
            self.namespace["_mm"], self.namespace["_rm"] = MONEY_TEXTS, remembered_money
            found = f"(_mm.get({value}) or _rm({value}))"
            return f"({found} if {value}.__class__ is int else _rm({value}))"
        return f"{self.const(formatter)}({value})"

    def slot(self, index: int) -> str:
        self.slots.add(index)
        return f"s{index}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def assign(self, indent: int, expression: str) -> str:
        name = self.fresh()
        self.emit(indent, f"{name} = {expression}")
        return name

    def build(self, result: str) -> SentenceSource:
        """Finish the function returning ``result`` (an expression), to be compiled."""
        head = [f"    s{index} = S[{index}]" for index in sorted(self.slots)]
        signature = f"def _s{self.serial}(S):"
        self.body = [*head, *self.lines]
        self.result = result
        self.text = "\n".join([signature, *self.body, f"    return {result}"])
        return self


def compile_sentences(sources: list[SentenceSource]) -> list:
    """The functions of ``sources``, compiled together: for functions this small, each
    ``compile()`` call costs more than the code it compiles."""
    namespace: dict[str, object] = {}
    for source in sources:
        namespace.update(source.namespace)  # names are apart but for the shared helpers
    code = compile(
        "\n\n".join(source.text for source in sources), "<eligibility-sentences>", "exec"
    )
    exec(code, namespace)  # noqa: S102 - generated from a checked rule, texts are repr()'d
    functions = [namespace[f"_s{source.serial}"] for source in sources]
    for function, source in zip(functions, sources, strict=True):
        # Kept so a rule's reasons function can write the sentence inline (reasons_code.py).
        setattr(function, "source", source)  # noqa: B010 - a function object's attribute
    return functions


# What a computed operand's explanation says, by ``shared.text_key``: one int each, so a
# remembered text's key hashes fast. Ids are never reused: when the registry is full (rules
# tried in the builder keep adding to it) it is emptied and later rules get new ids, so an id a
# compiled rule holds always means the same explanation.
_DESCRIPTIONS: dict[str, int] = {}
_DESCRIPTION_IDS = count()
DESCRIPTIONS_KEPT = 4096


def description_id(operand: Operand, language: str) -> int:
    key = text_key(operand, language)
    found = _DESCRIPTIONS.get(key)
    if found is None:
        if len(_DESCRIPTIONS) >= DESCRIPTIONS_KEPT:
            _DESCRIPTIONS.clear()
        found = _DESCRIPTIONS[key] = next(_DESCRIPTION_IDS)
    return found


# Literal text (``str``) and locals (``(name,)``) of a sentence, in order.
Pieces = list[str | tuple[str]]


def joined(pieces: Pieces) -> str:
    """An f-string expression: ``str`` pieces are literal text, ``(name,)`` pieces a local."""
    body = "".join(
        piece.replace("{", "{{").replace("}", "}}") if isinstance(piece, str) else f"{{{piece[0]}}}"
        for piece in pieces
    )
    return "f" + repr(body)  # locals are bare names: repr() keeps them intact


def filled(template: str, fields: dict[str, Pieces]) -> Pieces:
    """``template.format(**fields)`` as pieces (the templates have plain fields)."""
    pieces: Pieces = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            pieces.extend(fields[name])
    return pieces


def formatted_scaled(source: SentenceSource, raw: str, scale: int, kind: str) -> str:
    """An expression for ``format_scaled(raw, scale, kind)``, specialised when it can be."""
    if kind == "money" and scale == 1:
        # Read from the memo whatever the value's class: a value equal to whole cents (100.0,
        # Fraction(100)) is written as those cents by ``format_exact`` too.
        source.namespace["_mm"], source.namespace["_ms"] = MONEY_TEXTS, money_scaled
        return f"(_mm.get({raw}) or _ms({raw}))"
    if kind == "money":
        # arithmetic.round_scaled(raw, scale, "cent") written out, saving a call per value
        return f"_money((2 * {raw} + {scale}) // {2 * scale})"
    return f"_fs({raw}, {scale}, {kind!r})"


def money_scaled(raw) -> str:
    """``format_scaled(raw, 1, "money")``, integer cents remembered."""
    return remembered_money(raw) if raw.__class__ is int else format_scaled(raw, 1, "money")


class ComputedSentence:
    """The generated form of ``sentences.computed`` for one leaf, language and outcome."""

    def __init__(self, leaf, language: str) -> None:
        self.leaf, self.item, self.language = leaf, leaf.item, language
        self.words = WORDING[language]
        self.source = SentenceSource()

    # -- a computed value: "$1,234 (income of $2,000 minus deductions of $766)" ----------------

    def shown(self, index: int, indent: int) -> str:
        """A local holding operand ``index`` as the sentence shows it ('?' when unknown)."""
        source, operand = self.source, self.leaf.operands[index]
        raw = source.slot(self.item.slots[index])
        if not isinstance(operand, Computed | Named):
            formatter = value_formatter(operand.kind, self.language)
            return source.assign(
                indent, f"'?' if {raw} is None else {source.formatted(raw, formatter)}"
            )
        name = source.fresh()
        source.emit(indent, f"if {raw} is None:")
        source.emit(indent + 1, f"{name} = '?'")
        source.emit(indent, "else:")
        slot_of = self.item.input_slots[index]
        # Remembered by what is explained and every value shown (``values.COMPUTED_TEXTS``),
        # for a whole-number value only: a float of whole cents is written "$12.0", not "$12".
        explained = self.source.const(description_id(operand, self.language))
        shown = ", ".join(source.slot(slot) for slot in dict.fromkeys(slot_of.values()))
        key = source.assign(
            indent + 1, f"({explained}, {raw}, {shown}) if {raw}.__class__ is int else None"
        )
        source.namespace["_ct"], source.namespace["_rct"] = COMPUTED_TEXTS, remember_computed_text
        source.emit(indent + 1, f"{name} = _ct.get({key})")
        source.emit(indent + 1, f"if {name} is None:")
        computed = operand.definition if isinstance(operand, Named) else operand
        formula = self.formula(computed, raw, slot_of, indent + 2)  # type: ignore[arg-type]
        value = source.assign(
            indent + 2, formatted_scaled(source, raw, scale_of(operand), operand.kind)
        )
        source.emit(indent + 2, f"{name} = {joined([(value,), ' (', *formula, ')'])}")
        source.emit(indent + 2, f"if {key}: _rct({key}, {name})")
        return name

    def formula(self, op: Computed, raw: str, slot_of: dict[int, int], indent: int) -> Pieces:
        """``ComputationText.compile_formula``: the computation in words, as pieces (joined
        into one string by whoever uses them)."""
        source, words = self.source, self.words
        literals = [operand for operand in op.inputs if isinstance(operand, Literal)]
        others = [operand for operand in op.inputs if not isinstance(operand, Literal)]
        if op.function in ("min", "max") and literals and len(others) == 1:
            # A cap or a floor: said only when it applied ("…, capped at $744").
            other = others[0]
            other_raw, other_scale = source.slot(slot_of[id(other)]), scale_of(other)
            described = self.describe(other, slot_of, indent)
            bound = formatted_scaled(source, raw, op.scale, op.kind)
            template = words["capped" if op.function == "min" else "floored"]
            name = source.fresh()
            left = other_raw if op.scale == 1 else f"{other_raw} * {op.scale}"
            right = raw if other_scale == 1 else f"{raw} * {other_scale}"
            source.emit(indent, f"if {other_raw} is not None and {left} == {right}:")
            source.emit(indent + 1, f"{name} = {joined(described)}")
            source.emit(indent, "else:")
            shown_bound = source.assign(indent + 1, bound)
            text = filled(template, {"item": described, "bound": [(shown_bound,)]})
            source.emit(indent + 1, f"{name} = {joined(text)}")
            return [(name,)]
        parts = [self.term(operand, slot_of, indent) for operand in op.inputs]
        function = op.function
        pieces: Pieces = []
        if function in ("add", "sub", "mul", "div"):
            for position, part in enumerate(parts):
                if position:
                    pieces.append(words[function])
                pieces.extend(part)
            return pieces
        if function in ("min", "max"):
            conjunction = words["and"]
            separator = f", {conjunction} " if len(parts) > 2 else f" {conjunction} "
            for position, part in enumerate(parts):
                if position == len(parts) - 1 and position:
                    pieces.append(separator)
                elif position:
                    pieces.append(", ")
                pieces.extend(part)
            return filled(words[function], {"items": pieces})
        if function == "percent":
            percent = op.percent
            assert percent is not None  # set on every percent by arithmetic.parse
            shown = str(percent.numerator) if percent.denominator == 1 else str(float(percent))
            template = words["percent"].replace("{percent}", shown)
        else:
            template = words["round"]
        return filled(template, {"item": parts[0]})

    def describe(self, operand: Operand, slot_of: dict[int, int], indent: int) -> Pieces:
        """An input on its own: an unlabelled computation as its formula, else as a term."""
        if isinstance(operand, Computed) and operand.label is None:
            raw = self.source.slot(slot_of[id(operand)])
            return self.formula(operand, raw, slot_of, indent)
        return self.term(operand, slot_of, indent)

    def term(self, operand: Operand, slot_of: dict[int, int], indent: int) -> Pieces:
        source = self.source
        if isinstance(operand, Literal):
            return [format_exact(operand.value, operand.kind)]
        if isinstance(operand, Computed) and operand.label is None:
            described = self.describe(operand, slot_of, indent)
            if operand.function not in ("add", "sub", "mul", "div"):
                return described
            # "a minus (b plus c)": a nested sum or difference is bracketed so it reads once.
            return ["(", *described, ")"]
        raw = source.slot(slot_of[id(operand)])
        label = lower_first(operand_subject(operand, self.language, mid_sentence=True))
        before, after = self.words["named_value"].format(label=label, value="\0").split("\0")
        value = formatted_scaled(source, raw, scale_of(operand), operand.kind)
        shown = source.assign(indent, f"'?' if {raw} is None else {value}")
        return [before, (shown,), after]

    # -- the sentence ----------------------------------------------------------------------------

    def sentence(self, template: str, other_operand, other_index, table_limit):
        """The function for the whole sentence; ``table_limit(slots)`` writes a table limit."""
        source = self.source
        value = self.shown(self.leaf.order[0], 1)
        other = None
        if isinstance(other_operand, TableRef):
            other = source.assign(1, f"{source.const(table_limit)}(S)")
        elif other_operand is not None:
            other_value = self.shown(other_index, 1)
            subject = operand_subject(other_operand, self.language, mid_sentence=True)
            pattern = OTHER_ANSWER[self.language]
            other = source.assign(
                1, joined(filled(pattern, {"subject": [subject], "value": [(other_value,)]}))
            )
        # Written in the template's order, like ``sentences.computed``.
        pieces: Pieces = []
        for piece in template_pieces(template):
            if isinstance(piece, str):
                pieces.append(piece)
            elif piece[0] == "value":
                pieces.append((value,))
            else:
                pieces.append((other,) if other else "{" + piece[0] + "}")
        return source.build(joined(pieces))


def plain_value(parts: list[str], formatter, value_slot: int) -> SentenceSource:
    """``sentences.plain_value`` ("{subject}, {value}, is above $1,000.") as one function:
    an amount of money is read from ``MONEY_TEXTS`` without a call."""
    before, after = parts
    source = SentenceSource()
    value = source.slot(value_slot)
    shown = source.assign(1, f"'?' if {value} is None else {source.formatted(value, formatter)}")
    return source.build(joined([before, (shown,), after]))


def table_comparison(parts: list[str], formatter, value_slot: int, limit_slots, phrases, write):
    """``sentences.table_comparison`` over ``sentences.table_limit`` as one function: the
    limit's phrase read from its memo (``phrases``) inline, written by ``write`` when not
    there. ``limit_slots``: the slots of the limit, the household size and the period."""
    head, middle, tail = parts
    source = SentenceSource()
    value = source.slot(value_slot)
    size, period = source.slot(limit_slots[1]), source.slot(limit_slots[2])
    phrase = source.assign(1, f"{source.const(phrases)}.get(({size}, id({period})))")
    source.emit(1, f"if not {phrase}: {phrase} = {source.const(write)}(S)")
    shown = source.assign(1, f"'?' if {value} is None else {source.formatted(value, formatter)}")
    return source.build(joined([head, (shown,), middle, (phrase,), tail]))
