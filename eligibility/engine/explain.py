"""Plain-language reasons, missing keys and thresholds from a compiled rule's deciders.

Only the deciding conditions are explained (see codegen.py for how they are chosen). A decider's
own truth is the outcome flipped once per ``not`` above it, so the generated code need not
return per-leaf truths.
"""

from __future__ import annotations

from .arithmetic import Computed, Named, leaf_inputs
from .codegen import SWAPPED, GroupItem, LeafItem
from .computed_text import ComputationText
from .messages import (
    ANSWERED,
    CHOICES_COMPARISONS,
    COMPARISONS,
    DATE_COMPARISONS,
    NEED_ANSWER,
    OTHER_ANSWER,
    SUBJECTS,
    VALUE_FORMATTERS,
    format_list,
    format_money,
    format_value,
    household_phrase,
    lower_first,
    subject_from_label,
    table_period_phrase,
)
from .nodes import AgeOf, Aggregate, Answered, AnswerRef, Literal, Operand, TableRef
from .values import household_size

ORDERED = ("lt", "lte", "gt", "gte")
SENTENCE_NEGATION = {
    "lt": "gte",
    "lte": "gt",
    "gt": "lte",
    "gte": "lt",
    "in": "not_in",
    "not_in": "in",
}
NEGATED = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt", "eq": "ne", "ne": "eq"}


def operand_subject(op: Operand, language: str, *, mid_sentence: bool = False) -> str:
    """What an operand is, as a sentence subject ('Your household's monthly income')."""
    if op.label:
        text = op.label.get(language) or op.label["en"]
        return lower_first(text) if mid_sentence else text
    if isinstance(op, AnswerRef):
        return subject_from_label(op.question.label(language), language, mid_sentence=mid_sentence)
    templates = SUBJECTS[language]
    if isinstance(op, AgeOf):
        label = subject_from_label(op.question.label(language), language, mid_sentence=True)
        text = templates["age"].format(label=label)
    elif isinstance(op, Aggregate):
        label = subject_from_label(op.question.label(language), language, mid_sentence=True)
        name = op.function + ("_where" if op.where is not None else "")
        text = templates[name].format(label=label, field=(op.field or "").replace("_", " "))
    elif isinstance(op, TableRef):
        text = templates["table"].format(title=op.table.title)
    else:
        text = templates["literal"]
    return lower_first(text) if mid_sentence else text


def _split(template: str) -> list[str]:
    """Literal pieces around the {value} and {other} fields, in that order."""
    pieces = []
    rest = template
    for field in ("{value}", "{other}"):
        if field in rest:
            before, rest = rest.split(field, 1)
            pieces.append(before.replace("{{", "{").replace("}}", "}"))
    pieces.append(rest.replace("{{", "{").replace("}}", "}"))
    return pieces


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# Kinds whose formatting does not depend on the language (called with the value alone).
LANGUAGE_FREE = ("money", "number", "text")
# Kinds with few distinct values in practice (ages, household sizes, yes/no, a choice): their
# value-only sentences are remembered by value, up to SENTENCE_MEMO_SIZE per sentence (then no
# more are added, so the memory stays small). Text only when the question has options: free
# text can be long and is rarely repeated.
MEMO_KINDS = ("number", "bool", "text")
SENTENCE_MEMO_SIZE = 128


def value_formatter(kind: str, language: str):
    """A one-argument function formatting a value of ``kind`` in ``language``."""
    base = VALUE_FORMATTERS[kind]
    if kind in LANGUAGE_FREE:
        return base
    return lambda value: base(value, language)


def _with_labels(formatter, labels: dict[str, str], kind: str):
    """``formatter`` reading option values as their labels ("snap" -> "Basic Food")."""
    if kind == "choices":
        return lambda value: formatter([labels.get(item, item) for item in value])
    return lambda value: formatter(labels.get(value, value))


class LeafExplainer:
    """Writes the sentence for one leaf.

    ``formatter(language, held)`` builds, once, a function from the slots tuple to the sentence,
    with every part that does not depend on the resident's values already filled in.
    """

    def __init__(self, item: LeafItem) -> None:
        self.item = item
        node = item.node
        self.answered = isinstance(node, Answered)
        self.op = getattr(node, "op", "is_answered")
        self.operands = getattr(node, "operands", [])
        self.order = [0, 1]
        # Literal first ("100 <= income") reads badly: explain it as "income >= 100".
        if (
            len(self.operands) == 2
            and isinstance(self.operands[0], Literal)
            and not isinstance(self.operands[1], Literal)
        ):
            self.order = [1, 0]
            self.op = SWAPPED[self.op]
        self.formatters: dict[tuple[str, bool], object] = {}
        # (slot, question key) per operand that an unanswered question can make unknown.
        self.keyed_slots = [
            (item.slots[index], op.key)
            for index, op in enumerate(self.operands)
            if not self.answered and not isinstance(op, Literal) and op.key
        ]
        self.computed = any(isinstance(op, Computed | Named) for op in self.operands)
        if self.computed:
            # A computed operand is unknown when any question below it is unanswered.
            for index, op in enumerate(self.operands):
                if isinstance(op, Computed | Named):
                    slots = item.input_slots[index]
                    self.keyed_slots.extend(
                        (slots[id(leaf)], leaf.key) for leaf in leaf_inputs(op) if leaf.key
                    )
        # The questions whose values this leaf's sentence may print (for masking), including
        # those a computed operand shows in its computation.
        value_keys = {op.key for op in self.operands if not isinstance(op, Literal) and op.key}
        for op in self.operands:
            if isinstance(op, Computed | Named):
                value_keys.update(leaf.key for leaf in leaf_inputs(op) if leaf.key)
        self.value_keys = sorted(value_keys)
        self.can_threshold = (
            not self.answered
            and not self.computed
            and self.op in NEGATED
            and node.kind in ("money", "number")
            and self.operands[self.order[0]].key is not None
        )

    def formatter(self, language: str, held: bool):
        function = self.formatters.get((language, held))
        if function is None:
            function = self.formatters[(language, held)] = self.build(language, held)
        return function

    def build(self, language: str, held: bool):
        node = self.item.node
        if node.reason is not None:
            text = node.reason["met" if held else "not_met"]
            sentence = text.get(language) or text["en"]
            return lambda slots: sentence
        if self.answered:
            subject = subject_from_label(node.question.label(language), language, mid_sentence=True)
            sentence = ANSWERED[language][held].format(subject=subject)
            return lambda slots: sentence
        kind = node.kind
        templates = COMPARISONS[language]
        if kind == "date" and self.op in ORDERED:
            templates = DATE_COMPARISONS[language]
        elif kind == "choices":
            templates = CHOICES_COMPARISONS[language]
        first = self.order[0]
        fixed = {"subject": _escape(operand_subject(self.operands[first], language))}
        if node.op == "between":
            fixed["low"] = _escape(self.literal_text(1, language))
            fixed["high"] = _escape(self.literal_text(2, language))
        elif node.op in ("in", "not_in"):
            labels = self.option_texts(language)
            choices = [
                format_value(labels.get(choice, choice), "text", language)
                for choice in node.choices
            ]
            fixed["other"] = _escape(format_list(choices, language))
        other_index = self.order[1] if len(self.operands) == 2 else None
        other_operand = self.operands[other_index] if other_index is not None else None
        if isinstance(other_operand, Literal):
            fixed["other"] = _escape(self.literal_text(other_index, language))
            other_operand = None
        # Fill the fixed parts now; only {value} (and maybe {other}) remain.
        # Under an odd number of ``not``s, "not (income > $100)" reads better as the
        # equivalent "income <= $100" sentence with the truth flipped.
        op = self.op
        if (
            self.item.polarity
            and op in SENTENCE_NEGATION
            and (SENTENCE_NEGATION[op], True) in templates
        ):
            op, held = SENTENCE_NEGATION[op], not held
        template = templates[(op, held)].format(
            value="{value}", other=fixed.pop("other", "{other}"), **fixed
        )
        value_slot = self.item.slots[first]
        formatter = value_formatter(kind, language)
        if self.computed:
            return self.computed_sentence(template, language, other_operand, other_index)
        labels = self.option_texts(language)
        if labels and kind in ("choices", "text"):
            formatter = _with_labels(formatter, labels, kind)
        parts = _split(template)
        if other_operand is None:
            if len(parts) == 1:  # "{subject} is {other}." with a literal: no value shown
                sentence_text = parts[0]
                return lambda slots: sentence_text
            before, after = parts
            subject_operand = self.operands[first]
            if kind in MEMO_KINDS and (
                kind != "text"
                or (isinstance(subject_operand, AnswerRef) and subject_operand.question.options)
            ):
                memo: dict[object, str] = {}
                # Equal values give equal sentences (1, 1.0 and True read alike as numbers or
                # yes/no); text is remembered only for real strings, where str() is the value.
                any_class = kind != "text"

                def remembered(slots):
                    value = slots[value_slot]
                    text = memo.get(value)
                    if text is None:
                        text = f"{before}{'?' if value is None else formatter(value)}{after}"
                        if len(memo) < SENTENCE_MEMO_SIZE and (any_class or value.__class__ is str):
                            memo[value] = text
                    return text

                return remembered

            if kind == "choices":
                selections: dict[object, str] = {}

                def choices_sentence(slots):
                    # Few residents pick an unusual set of options: remember by the selection,
                    # and only selections of plain strings, whose formatting is their text.
                    value = slots[value_slot]
                    if value.__class__ is not list:  # unanswered, or another iterable
                        return f"{before}{'?' if value is None else formatter(value)}{after}"
                    key = tuple(value)
                    text = selections.get(key)
                    if text is None:
                        text = f"{before}{formatter(value)}{after}"
                        if len(selections) < SENTENCE_MEMO_SIZE and all(
                            item.__class__ is str for item in key
                        ):
                            selections[key] = text
                    return text

                return choices_sentence

            def sentence(slots):
                value = slots[value_slot]
                return f"{before}{'?' if value is None else formatter(value)}{after}"

            return sentence
        other_slot = self.item.slots[other_index]
        if isinstance(other_operand, TableRef):
            size_slot = self.item.size_slots[other_index]
            period_slot = self.item.period_slots[other_index]
            by_household = other_operand.table.by_household
            # The limit is a function of the household size and of the period in effect on the
            # screening date, so the phrase is too; the period and its source are named.
            phrases: dict[object, str] = {}

            def table_phrase(slots):
                size, limit, chosen = slots[size_slot], slots[other_slot], slots[period_slot]
                if limit is None:
                    return "?"
                shown = format_money(limit) if other_operand.kind == "money" else str(limit)
                if by_household:
                    shown = household_phrase(shown, household_size(size), language)
                phrase = shown + table_period_phrase(chosen.table, language)
                if len(phrases) < SENTENCE_MEMO_SIZE:
                    phrases[(size, id(chosen))] = phrase
                return phrase

            def other(slots):
                return phrases.get((slots[size_slot], id(slots[period_slot]))) or table_phrase(
                    slots
                )

            if len(parts) == 3:  # the usual "{subject}, {value}, is above the limit of {other}."
                head, middle, tail = parts

                def table_sentence(slots):
                    value = slots[value_slot]
                    phrase = other(slots)
                    return (
                        f"{head}{'?' if value is None else formatter(value)}{middle}{phrase}{tail}"
                    )

                return table_sentence
        else:
            other_subject = operand_subject(other_operand, language, mid_sentence=True)
            pattern = OTHER_ANSWER[language]

            def other(slots):
                value = slots[other_slot]
                shown = "?" if value is None else formatter(value)
                return pattern.format(subject=other_subject, value=shown)

        if len(parts) == 2:  # "{subject} is {other}.": no value shown
            head, tail = parts
            return lambda slots: f"{head}{other(slots)}{tail}"
        head, middle, tail = parts

        def sentence_with_other(slots):
            value = slots[value_slot]
            shown = "?" if value is None else formatter(value)
            return f"{head}{shown}{middle}{other(slots)}{tail}"

        return sentence_with_other

    def computed_sentence(self, template: str, language: str, other_operand, other_index):
        """A sentence where either side is computed: each computed value is followed by how
        it was computed, '$1,234 (your income of $2,000 minus deductions of $766)'."""
        first = self.order[0]

        def subject_text(operand, lang):
            return operand_subject(operand, lang, mid_sentence=True)

        def shown(index):
            operand, slot = self.operands[index], self.item.slots[index]
            if isinstance(operand, Computed | Named):
                text = ComputationText(
                    operand, language, self.item.input_slots[index], subject_text
                )
                return lambda slots: (
                    "?" if slots[slot] is None else text.value_text(slots[slot], slots)
                )
            formatter = value_formatter(operand.kind, language)
            return lambda slots: "?" if slots[slot] is None else formatter(slots[slot])

        value = shown(first)
        other = None
        if other_operand is not None:
            other_value = shown(other_index)
            if isinstance(other_operand, TableRef):
                size_slot, limit_slot = (
                    self.item.size_slots[other_index],
                    self.item.slots[other_index],
                )
                phrases: dict[object, str] = {}  # the limit depends on the household size only

                def other(slots):
                    size = slots[size_slot]
                    phrase = phrases.get(size)
                    if phrase is None:
                        limit = slots[limit_slot]
                        if limit is None:
                            return "?"
                        phrase = household_phrase(
                            format_money(limit), household_size(size), language
                        )
                        if len(phrases) < SENTENCE_MEMO_SIZE:
                            phrases[size] = phrase
                    return phrase
            else:
                other_subject = operand_subject(other_operand, language, mid_sentence=True)
                pattern = OTHER_ANSWER[language]

                def other(slots):
                    return pattern.format(subject=other_subject, value=other_value(slots))

        # The template is final text around {value} and/or {other}: split it once.
        if "{value}" in template and "{other}" in template and other:
            head, rest = template.split("{value}", 1)
            middle, tail = rest.split("{other}", 1)
            return lambda slots: f"{head}{value(slots)}{middle}{other(slots)}{tail}"
        if "{value}" in template:
            head, tail = template.split("{value}", 1)
            return lambda slots: f"{head}{value(slots)}{tail}"
        if "{other}" in template and other:
            head, tail = template.split("{other}", 1)
            return lambda slots: f"{head}{other(slots)}{tail}"
        return lambda slots: template

    def literal_text(self, index: int, language: str) -> str:
        value = self.operands[index].value
        labels = self.option_texts(language)
        if labels and isinstance(value, str):
            value = labels.get(value, value)  # an option compared by value reads as its label
        return format_value(value, self.item.node.kind, language)

    def option_texts(self, language: str) -> dict[str, str]:
        """Option labels of the answer this leaf reads, so reasons never show codes."""
        subject = self.operands[self.order[0]] if self.operands else None
        question = getattr(subject, "question", None) if isinstance(subject, AnswerRef) else None
        return question.option_texts(language) if question is not None else {}

    def missing(self, slots: tuple) -> list[str]:
        return [key for slot, key in self.keyed_slots if slots[slot] is None]

    def threshold(self, slots: tuple, language: str) -> dict | None:
        """The value the resident's answer must meet, when this leaf alone decides."""
        if not self.can_threshold:
            return None
        subject_index, other_index = self.order
        subject, other = self.operands[subject_index], self.operands[other_index]
        value = other.value if isinstance(other, Literal) else slots[self.item.slots[other_index]]
        if value is None:
            return None
        op = NEGATED[self.op] if self.item.polarity else self.op
        return {
            "key": subject.key,
            "op": op,
            "value": value,
            "formatted": format_value(value, self.item.node.kind, language),
        }


class Explainer:
    """Turns ``(truth, deciders, slots)`` into reasons, missing keys and a threshold."""

    def __init__(self, items: list, questions: dict) -> None:
        self.questions = questions
        self.leaves = [
            LeafExplainer(item) if isinstance(item, LeafItem) else None for item in items
        ]
        self.items = items
        self.by_outcome: dict[tuple[str, bool], list] = {}
        # language -> (per item sentence functions when ineligible, ... when eligible); indexed
        # by the truth itself (False is 0, True is 1). Only supported languages are keys.
        self.by_language: dict[str, tuple[list, list]] = {}
        self.has_groups = any(isinstance(item, GroupItem) for item in items)
        self.needs: dict[str, dict[str, str]] = {}  # language -> key -> "We still need …"

    def flatten(self, deciders: tuple) -> list[int]:
        leaves: list[int] = []
        for entry in deciders:
            if entry.__class__ is int:
                leaves.append(entry)
            else:
                leaves.extend(self.flatten(entry[1]))
        return leaves

    def formatters(self, language: str, truth: bool) -> list:
        """Per item: the sentence function for this outcome (a leaf's truth flips under not)."""
        key = (language, truth)
        found = self.by_outcome.get(key)
        if found is None:
            found = self.by_outcome[key] = [
                leaf.formatter(language, truth != leaf.item.polarity) if leaf else None
                for leaf in self.leaves
            ]
        return found

    def sentences(self, language: str) -> tuple[list, list]:
        """``(formatters(language, False), formatters(language, True))``, kept per language."""
        found = self.by_language.get(language)
        if found is None:
            found = (self.formatters(language, False), self.formatters(language, True))
            self.by_language[language] = found
        return found

    def sentences_for(self, truth: bool, deciders: tuple, slots: tuple, language: str) -> list[str]:
        """The reasons of an eligible (True) or ineligible (False) result: the sentence
        functions for this language and outcome, built once per rule, applied to the
        deciders only."""
        formatters = (self.by_language.get(language) or self.sentences(language))[truth]
        if not self.has_groups:  # every decider is a leaf index
            return [formatters[index](slots) for index in deciders]
        return self.group_reasons(formatters, truth, deciders, slots, language)

    def group_reasons(
        self, formatters: list, truth: bool, deciders: tuple, slots: tuple, language: str
    ) -> list[str]:
        sentences = []
        for entry in deciders:
            if entry.__class__ is int:
                sentences.append(formatters[entry](slots))
            else:
                group: GroupItem = self.items[entry[0]]
                held = truth != group.polarity
                text = group.node.reason["met" if held else "not_met"]
                sentences.append(text.get(language) or text["en"])
        return sentences

    def reason_keys(self, deciders: tuple) -> list[list[str]]:
        """Per reason of ``reasons``/``group_reasons``: the question keys whose values the
        sentence may print. A group's own reason is fixed text, so it prints none."""
        leaves = self.leaves
        return [
            list(leaves[entry].value_keys) if entry.__class__ is int else [] for entry in deciders
        ]

    def missing(self, deciders: tuple, slots: tuple) -> list[str]:
        keys: set[str] = set()
        leaves = self.leaves
        for index in self.flatten(deciders) if self.has_groups else deciders:
            keys.update(leaves[index].missing(slots))
        return sorted(keys)

    def need_sentences(self, missing: list[str], language: str) -> list[str]:
        """One "we still need to know …" sentence per key (each written once per language)."""
        written = self.needs.get(language)
        if written is None:
            written = self.needs[language] = {}
        sentences = []
        for key in missing:
            sentence = written.get(key)
            if sentence is None:
                subject = subject_from_label(
                    self.questions[key].label(language), language, mid_sentence=True
                )
                sentence = written[key] = NEED_ANSWER[language].format(subject=subject)
            sentences.append(sentence)
        return sentences

    def threshold(self, deciders: tuple, slots: tuple, language: str) -> dict | None:
        if len(deciders) != 1:
            return None  # each entry holds at least one leaf
        if deciders[0].__class__ is int:
            return self.leaves[deciders[0]].threshold(slots, language)
        leaves = self.flatten(deciders)
        if len(leaves) != 1:
            return None
        return self.leaves[leaves[0]].threshold(slots, language)
