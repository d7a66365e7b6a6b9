"""Plain-language reasons, missing keys and thresholds from a compiled rule's deciders.

Only the deciding conditions are explained (see codegen.py for how they are chosen). A decider's
own truth is the outcome flipped once per ``not`` above it, so the generated code need not
return per-leaf truths.
"""

from __future__ import annotations

from typing import cast

from . import sentence_code, sentences
from .arithmetic import Computed, Named, leaf_inputs
from .codegen import SWAPPED, GroupItem, LeafItem
from .messages import (
    ANSWERED,
    CHOICES_COMPARISONS,
    COMPARISONS,
    DATE_COMPARISONS,
    NEED_ANSWER,
    format_list,
    format_value,
    subject_from_label,
)
from .nodes import Answered, AnswerRef, Compare, Literal, TableRef
from .sentences import MEMO_KINDS, SENTENCE_MEMO_SIZE, operand_subject, question_of, write

__all__ = ["SENTENCE_MEMO_SIZE", "Explainer", "LeafExplainer", "operand_subject"]

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


class LeafExplainer:
    """Writes the sentence for one leaf.

    ``formatter(language, held)`` builds, once, a function from the slots tuple to the sentence,
    with every part that does not depend on the resident's values already filled in. With
    ``generated`` (the default) the sentences of computed and table comparisons are generated
    code (``sentence_code``); without, closures (kept as the reference the tests compare with).
    """

    def __init__(self, item: LeafItem, *, generated: bool = True) -> None:
        self.item = item
        self.generated = generated
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
            isinstance(node, Compare)  # not an is_answered leaf
            and not self.computed
            and self.op in NEGATED
            and node.kind in ("money", "number")
            and self.operands[self.order[0]].key is not None
        )

    @property
    def compare(self) -> Compare:
        """The comparison this leaf reads: every leaf but an is_answered one, whose
        sentence is fixed (``fixed_sentence``) and never asks for it."""
        node = self.item.node
        assert isinstance(node, Compare), node.path
        return node

    def formatter(self, language: str, held: bool):
        function = self.formatters.get((language, held))
        if function is None:
            function = self.build(language, held)
            if isinstance(function, sentence_code.SentenceSource):
                (function,) = sentence_code.compile_sentences([function])
            self.formatters[(language, held)] = function
        return function

    def build(self, language: str, held: bool):
        """The sentence function for this leaf in ``language``, when the condition ``held``
        or not: the fixed parts filled in now, the values formatted per evaluation."""
        fixed = self.fixed_sentence(language, held)
        if fixed is not None:
            return lambda slots: fixed
        template = self.template(language, held)
        first = self.order[0]
        other_index = self.order[1] if len(self.operands) == 2 else None
        other_operand = self.operands[other_index] if other_index is not None else None
        if isinstance(other_operand, Literal):  # written into the template already
            other_operand = None
        if self.computed and self.generated:
            limit = None
            if isinstance(other_operand, TableRef):
                limit = sentences.computed_table_limit(self.item, other_index, language)  # type: ignore[arg-type]
            return sentence_code.ComputedSentence(self, language).sentence(
                template, other_operand, other_index, limit
            )
        if self.computed:
            return sentences.computed(self, template, language, other_operand, other_index)
        kind, value_slot = self.compare.kind, self.item.slots[first]
        formatter = sentences.value_formatter(kind, language)
        labels = self.option_texts(language)
        if labels and kind in ("choices", "text"):
            formatter = sentences.with_labels(formatter, labels, kind)
        parts = sentences.split_template(template)
        if other_operand is None or other_index is None:  # set together or not at all
            return self.value_sentence(parts, formatter, value_slot)
        if isinstance(other_operand, TableRef):
            slots_of = (
                self.item.slots[other_index],
                self.item.size_slots[other_index],
                self.item.period_slots[other_index],
            )
            if len(parts) == 3 and self.generated:
                memo = sentences.table_limit_memo(other_operand, slots_of, language)
                return sentence_code.table_comparison(parts, formatter, value_slot, slots_of, *memo)
            other = sentences.table_limit(other_operand, slots_of, language)
            if len(parts) == 3:
                return sentences.table_comparison(parts, formatter, value_slot, other)
        else:
            other_slot = self.item.slots[other_index]
            other = sentences.other_answer(other_operand, other_slot, formatter, language)
        return sentences.with_other(parts, formatter, value_slot, other)

    def fixed_sentence(self, language: str, held: bool) -> str | None:
        """The whole sentence when no value is shown: a rule's own reason, or whether a
        question was answered."""
        node = self.item.node
        if node.reason is not None:
            text = node.reason["met" if held else "not_met"]
            return text.get(language) or text["en"]
        if isinstance(node, Answered):
            label = question_of(node).label(language)
            subject = subject_from_label(label, language, mid_sentence=True)
            return ANSWERED[language][held].format(subject=subject)
        return None

    def template(self, language: str, held: bool) -> str:
        """The comparison's sentence with everything but {value} (and a non-literal {other})
        written in: the subject, literal limits, the options of an in/not_in."""
        node = self.compare
        kind = node.kind
        templates = COMPARISONS[language]
        if kind == "date" and self.op in ORDERED:
            templates = DATE_COMPARISONS[language]
        elif kind == "choices":
            templates = CHOICES_COMPARISONS[language]
        fixed = {
            "subject": sentences.escape(operand_subject(self.operands[self.order[0]], language))
        }
        if node.op == "between":
            fixed["low"] = sentences.escape(self.literal_text(1, language))
            fixed["high"] = sentences.escape(self.literal_text(2, language))
        elif node.op in ("in", "not_in"):
            assert node.choices is not None, node.path  # analysis sets them on every in / not_in
            labels = self.option_texts(language)
            choices = [
                format_value(
                    labels.get(choice, choice) if isinstance(choice, str) else choice,
                    "text",
                    language,
                )
                for choice in node.choices
            ]
            fixed["other"] = sentences.escape(format_list(choices, language))
        other_index = self.order[1] if len(self.operands) == 2 else None
        if other_index is not None and isinstance(self.operands[other_index], Literal):
            fixed["other"] = sentences.escape(self.literal_text(other_index, language))
        # Under an odd number of ``not``s, "not (income > $100)" reads better as the
        # equivalent "income <= $100" sentence with the truth flipped.
        op = self.op
        if (
            self.item.polarity
            and op in SENTENCE_NEGATION
            and (SENTENCE_NEGATION[op], True) in templates
        ):
            op, held = SENTENCE_NEGATION[op], not held
        return templates[(op, held)].format(
            value="{value}", other=fixed.pop("other", "{other}"), **fixed
        )

    def value_sentence(self, parts: list[str], formatter, value_slot: int):
        """A sentence showing the resident's value alone (the other side is a literal)."""
        if len(parts) == 1:  # "{subject} is {other}." with a literal: no value shown
            text = parts[0]
            return lambda slots: text
        kind = self.compare.kind
        subject = self.operands[self.order[0]]
        if kind in MEMO_KINDS and (
            kind != "text" or (isinstance(subject, AnswerRef) and question_of(subject).options)
        ):
            return sentences.remembered_value(
                parts, formatter, value_slot, any_class=kind != "text"
            )
        if kind == "choices":
            return sentences.remembered_selection(parts, formatter, value_slot)
        if self.generated:  # an amount of money is read from its memo inline
            return sentence_code.plain_value(parts, formatter, value_slot)
        return sentences.plain_value(parts, formatter, value_slot)

    def literal_text(self, index: int, language: str) -> str:
        value = self.operands[index].value
        labels = self.option_texts(language)
        if labels and isinstance(value, str):
            value = labels.get(value, value)  # an option compared by value reads as its label
        return format_value(value, self.compare.kind, language)

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
            "formatted": format_value(value, self.compare.kind, language),
        }


class Explainer:
    """Turns ``(truth, deciders, slots)`` into reasons, missing keys and a threshold."""

    def __init__(self, items: list, questions: dict, *, generated: bool = True) -> None:
        self.questions = questions
        # Indexed like ``items``, None for a group; a decider's int entry always names a leaf
        # (the casts below rely on it).
        self.leaves: list[LeafExplainer | None] = [
            LeafExplainer(item, generated=generated) if isinstance(item, LeafItem) else None
            for item in items
        ]
        self.items = items
        self.by_outcome: dict[tuple[str, bool], list] = {}
        # language -> (per item sentence functions when ineligible, ... when eligible); indexed
        # by the truth itself (False is 0, True is 1). Only supported languages are keys.
        self.by_language: dict[str, tuple[list, list]] = {}
        self.has_groups = any(isinstance(item, GroupItem) for item in items)
        # language -> (reasons function when ineligible, … when eligible), set by
        # ``reasons_code.reasons_functions``
        self.reasons_by_language: dict[str, tuple] = {}
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
            found, pending = [], []
            for leaf in self.leaves:
                function = None
                if leaf is not None:
                    held = truth != leaf.item.polarity
                    function = leaf.formatters.get((language, held)) or leaf.build(language, held)
                    if isinstance(function, sentence_code.SentenceSource):
                        pending.append((len(found), leaf, held, function))
                    else:
                        leaf.formatters[(language, held)] = function
                found.append(function)
            # The generated ones compiled together (``sentence_code.compile_sentences``).
            functions = sentence_code.compile_sentences([entry[3] for entry in pending])
            for (position, leaf, held, _source), function in zip(pending, functions, strict=True):
                found[position] = leaf.formatters[(language, held)] = function
            self.by_outcome[key] = found
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
            return [write(formatters[index], slots) for index in deciders]
        return self.group_reasons(formatters, truth, deciders, slots, language)

    def group_reasons(
        self, formatters: list, truth: bool, deciders: tuple, slots: tuple, language: str
    ) -> list[str]:
        sentences = []
        for entry in deciders:
            if entry.__class__ is int:
                sentences.append(write(formatters[entry], slots))
            else:
                group: GroupItem = self.items[entry[0]]
                held = truth != group.polarity
                reason = group.node.reason
                assert reason is not None  # a group is an item only for its own reason
                text = reason["met" if held else "not_met"]
                sentences.append(text.get(language) or text["en"])
        return sentences

    def reason_keys(self, deciders: tuple) -> list[list[str]]:
        """Per reason of ``reasons``/``group_reasons``: the question keys whose values the
        sentence may print. A group's own reason is fixed text, so it prints none."""
        leaves = cast("list[LeafExplainer]", self.leaves)
        return [
            list(leaves[entry].value_keys) if entry.__class__ is int else [] for entry in deciders
        ]

    def missing(self, deciders: tuple, slots: tuple) -> list[str]:
        keys: set[str] = set()
        leaves = cast("list[LeafExplainer]", self.leaves)
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
        leaves = cast("list[LeafExplainer]", self.leaves)
        if deciders[0].__class__ is int:
            return leaves[deciders[0]].threshold(slots, language)
        indexes = self.flatten(deciders)
        if len(indexes) != 1:
            return None
        return leaves[indexes[0]].threshold(slots, language)
