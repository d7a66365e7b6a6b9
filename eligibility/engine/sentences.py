"""Sentence functions for one leaf condition: built once per rule, language and outcome,
each turns the slots tuple of an evaluation into the reason's text.

Everything that does not depend on the resident's values (the subject, the template, the
literal limits, option labels) is filled in when the function is built; what varies is
formatted when a reason is read. Values with few distinct forms (ages, household sizes,
yes/no, a choice, a selection, a limit for a household size) are remembered per function.
"""

from __future__ import annotations

from string import Formatter

from .arithmetic import Computed, Named
from .computed_text import ComputationText
from .messages import (
    OTHER_ANSWER,
    SUBJECTS,
    VALUE_FORMATTERS,
    format_money,
    household_phrase,
    lower_first,
    remembered_money,
    subject_from_label,
    table_period_phrase,
)
from .nodes import AgeOf, Aggregate, Answered, AnswerRef, Operand, TableRef
from .questions import QuestionInfo
from .tables import Table
from .values import household_size

# Kinds whose formatting does not depend on the language (called with the value alone).
LANGUAGE_FREE = ("money", "number", "text")
# Kinds with few distinct values in practice (ages, household sizes, yes/no, a choice): their
# value-only sentences are remembered by value, up to SENTENCE_MEMO_SIZE per sentence (then no
# more are added, so the memory stays small). Text only when the question has options: free
# text can be long and is rarely repeated.
MEMO_KINDS = ("number", "bool", "text")
SENTENCE_MEMO_SIZE = 128


def question_of(op: AnswerRef | AgeOf | Aggregate | Answered) -> QuestionInfo:
    """The question an operand or is_answered reads (analysis builds none without one)."""
    assert op.question is not None, op.path
    return op.question


def table_of(op: TableRef) -> Table:
    """The table a lookup reads (analysis builds none without one)."""
    assert op.table is not None, op.path
    return op.table


def operand_subject(op: Operand, language: str, *, mid_sentence: bool = False) -> str:
    """What an operand is, as a sentence subject ('Your household's monthly income')."""
    if op.label:
        text = op.label.get(language) or op.label["en"]
        return lower_first(text) if mid_sentence else text
    if isinstance(op, AnswerRef):
        label = question_of(op).label(language)
        return subject_from_label(label, language, mid_sentence=mid_sentence)
    templates = SUBJECTS[language]
    if isinstance(op, AgeOf):
        label = subject_from_label(question_of(op).label(language), language, mid_sentence=True)
        text = templates["age"].format(label=label)
    elif isinstance(op, Aggregate):
        label = subject_from_label(question_of(op).label(language), language, mid_sentence=True)
        name = op.function + ("_where" if op.where is not None else "")
        text = templates[name].format(label=label, field=(op.field or "").replace("_", " "))
    elif isinstance(op, TableRef):
        text = templates["table"].format(title=table_of(op).title)
    else:
        text = templates["literal"]
    return lower_first(text) if mid_sentence else text


def template_pieces(template: str) -> list[str | tuple[str]]:
    """A comparison's template (``LeafExplainer.template``: text with escaped braces around
    ``{value}`` and ``{other}``) as literal text, braces read as braces, and its fields, as
    ``("value",)`` / ``("other",)``, in order. Parsed rather than split on "{value}", which
    a label may contain."""
    pieces: list[str | tuple[str]] = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            pieces.append((name,))
    return pieces


def split_template(template: str) -> list[str]:
    """Literal pieces around the {value} and {other} fields, in that order."""
    pieces, current = [], ""
    for piece in template_pieces(template):
        if isinstance(piece, str):
            current += piece
        else:
            pieces.append(current)
            current = ""
    pieces.append(current)
    return pieces


def escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def value_formatter(kind: str, language: str):
    """A one-argument function formatting a value of ``kind`` in ``language``."""
    if kind == "money":
        return remembered_money
    base = VALUE_FORMATTERS[kind]
    if kind in LANGUAGE_FREE:
        return base
    return lambda value: base(value, language)


def with_labels(formatter, labels: dict[str, str], kind: str):
    """``formatter`` reading option values as their labels ("snap" -> "Basic Food")."""
    if kind == "choices":
        return lambda value: formatter([labels.get(item, item) for item in value])
    return lambda value: formatter(labels.get(value, value))


class RememberedTexts(dict):
    """'{subject} is {value}.' by value: ``texts[value]`` is the sentence, written on first
    use. Equal values give equal sentences (1, 1.0 and True read alike as numbers or yes/no);
    with ``any_class`` False (text) only real strings are remembered, where str() is the value.
    At most SENTENCE_MEMO_SIZE are kept (then they are written each time)."""

    __slots__ = ("after", "any_class", "before", "formatter")

    def __init__(self, parts: list[str], formatter, *, any_class: bool) -> None:
        super().__init__()
        self.before, self.after = parts
        self.formatter, self.any_class = formatter, any_class

    def __missing__(self, value):
        text = f"{self.before}{'?' if value is None else self.formatter(value)}{self.after}"
        if len(self) < SENTENCE_MEMO_SIZE and (self.any_class or value.__class__ is str):
            self[value] = text
        return text


def remembered_value(parts: list[str], formatter, value_slot: int, *, any_class: bool):
    """The sentence as data, ``(texts, value_slot)``: reading ``texts[slots[value_slot]]`` is
    a dict lookup where a sentence function would be a call, and most reasons are these
    (``write`` reads either form)."""
    return (RememberedTexts(parts, formatter, any_class=any_class), value_slot)


def write(sentence, slots: tuple) -> str:
    """A sentence for ``slots``: a function of them, or a remembered value's ``(texts, slot)``."""
    if sentence.__class__ is tuple:
        return sentence[0][slots[sentence[1]]]
    return sentence(slots)


def remembered_selection(parts: list[str], formatter, value_slot: int):
    """'{subject} is {value}.' for a multiple choice, remembered by selection."""
    before, after = parts
    selections: dict[object, str] = {}

    def choices_sentence(slots):
        # Few residents pick an unusual set of options: remember by the selection, and only
        # selections of plain strings, whose formatting is their text.
        value = slots[value_slot]
        if value.__class__ is not list:  # unanswered, or another iterable
            return f"{before}{'?' if value is None else formatter(value)}{after}"
        key = tuple(value)
        text = selections.get(key)
        if text is None:
            text = f"{before}{formatter(value)}{after}"
            if len(selections) < SENTENCE_MEMO_SIZE and all(item.__class__ is str for item in key):
                selections[key] = text
        return text

    return choices_sentence


def plain_value(parts: list[str], formatter, value_slot: int):
    before, after = parts

    def sentence(slots):
        value = slots[value_slot]
        return f"{before}{'?' if value is None else formatter(value)}{after}"

    return sentence


def table_limit(operand: TableRef, slots_of: tuple[int, int, int], language: str):
    """The function writing 'the limit of $1,234 for a household of 2 (figures of …)': a
    function of the household size and of the period in effect on the screening date, so
    remembered by both; the period and its source are named."""
    phrases, table_phrase = table_limit_memo(operand, slots_of, language)
    _other_slot, size_slot, period_slot = slots_of

    def other(slots):
        return phrases.get((slots[size_slot], id(slots[period_slot]))) or table_phrase(slots)

    return other


def table_limit_memo(operand: TableRef, slots_of: tuple[int, int, int], language: str):
    """``(phrases, table_phrase)`` for ``table_limit``: the phrases remembered by (household
    size, id of the period's limit), and the function writing (and remembering) one."""
    other_slot, size_slot, period_slot = slots_of
    by_household = table_of(operand).by_household
    phrases: dict[object, str] = {}

    def table_phrase(slots):
        size, limit, chosen = slots[size_slot], slots[other_slot], slots[period_slot]
        if limit is None:
            return "?"
        shown = format_money(limit) if operand.kind == "money" else str(limit)
        if by_household:
            shown = household_phrase(shown, household_size(size), language)
        phrase = shown + table_period_phrase(chosen.table, language)
        if len(phrases) < SENTENCE_MEMO_SIZE:
            phrases[(size, id(chosen))] = phrase
        return phrase

    return phrases, table_phrase


def table_comparison(parts: list[str], formatter, value_slot: int, other):
    """The usual "{subject}, {value}, is above the limit of {other}." with a table limit."""
    head, middle, tail = parts

    def table_sentence(slots):
        value = slots[value_slot]
        phrase = other(slots)
        return f"{head}{'?' if value is None else formatter(value)}{middle}{phrase}{tail}"

    return table_sentence


def other_answer(operand: Operand, other_slot: int, formatter, language: str):
    """'your monthly rent ($900)': another answer compared with the first."""
    other_subject = operand_subject(operand, language, mid_sentence=True)
    pattern = OTHER_ANSWER[language]

    def other(slots):
        value = slots[other_slot]
        shown = "?" if value is None else formatter(value)
        return pattern.format(subject=other_subject, value=shown)

    return other


def with_other(parts: list[str], formatter, value_slot: int, other):
    """A sentence around {other} alone ("{subject} is {other}.") or {value} and {other}."""
    if len(parts) == 2:
        head, tail = parts
        return lambda slots: f"{head}{other(slots)}{tail}"
    head, middle, tail = parts

    def sentence_with_other(slots):
        value = slots[value_slot]
        shown = "?" if value is None else formatter(value)
        return f"{head}{shown}{middle}{other(slots)}{tail}"

    return sentence_with_other


def computed(leaf, template: str, language: str, other_operand, other_index):
    """A sentence where either side is computed: each computed value is followed by how it
    was computed, '$1,234 (your income of $2,000 minus deductions of $766)'. ``leaf`` is
    the ``explain.LeafExplainer`` of the condition."""
    item, operands = leaf.item, leaf.operands

    def subject_text(operand, lang):
        return operand_subject(operand, lang, mid_sentence=True)

    def shown(index):
        operand, slot = operands[index], item.slots[index]
        if isinstance(operand, Computed | Named):
            text = ComputationText(operand, language, item.input_slots[index], subject_text)
            return lambda slots: "?" if slots[slot] is None else text.value_text(slots[slot], slots)
        formatter = value_formatter(operand.kind, language)
        return lambda slots: "?" if slots[slot] is None else formatter(slots[slot])

    value = shown(leaf.order[0])
    other = None
    if isinstance(other_operand, TableRef):
        other = computed_table_limit(item, other_index, language)
    elif other_operand is not None:
        other_value = shown(other_index)
        other_subject = operand_subject(other_operand, language, mid_sentence=True)
        pattern = OTHER_ANSWER[language]

        def other(slots):
            return pattern.format(subject=other_subject, value=other_value(slots))

    # Written in the template's order; an {other} with no other side stays as text.
    parts: list = []
    for piece in template_pieces(template):
        if isinstance(piece, str):
            parts.append(piece)
        elif piece[0] == "value":
            parts.append(value)
        else:
            parts.append(other or "{" + piece[0] + "}")
    return lambda slots: "".join(part if part.__class__ is str else part(slots) for part in parts)


def computed_table_limit(item, other_index: int, language: str):
    """'$1,234 for a household of 2': a table limit compared with a computed value."""
    size_slot, limit_slot = item.size_slots[other_index], item.slots[other_index]
    period_slot = item.period_slots[other_index]
    # The limit depends on the household size and on the period in effect on the screening
    # date (a rule screens on many dates), so both key the memo.
    phrases: dict[object, str] = {}

    def other(slots):
        key = (slots[size_slot], id(slots[period_slot]))
        phrase = phrases.get(key)
        if phrase is None:
            limit = slots[limit_slot]
            if limit is None:
                return "?"
            phrase = household_phrase(format_money(limit), household_size(key[0]), language)
            if len(phrases) < SENTENCE_MEMO_SIZE:
                phrases[key] = phrase
        return phrase

    return other
