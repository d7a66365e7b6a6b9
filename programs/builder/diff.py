"""A readable difference between two versions of a program: screens, questions, the rule as
sentences and the examples, from their program documents (so exactly what an export shows).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .forms import EXPECTED_CHOICES

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass
class Section:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (SAME/ADDED/REMOVED, text)

    @property
    def changed(self) -> bool:
        return any(change != SAME for change, _text in self.lines)


def _compare(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    lines = []
    for line in difflib.ndiff(before, after):
        mark, text = line[:2], line[2:]
        if mark == "  ":
            lines.append((SAME, text))
        elif mark == "- ":
            lines.append((REMOVED, text))
        elif mark == "+ ":
            lines.append((ADDED, text))
    return lines


def _screen_lines(document: dict, describer) -> list[str]:
    lines = []
    for screen in document["screens"]:
        spanish = (screen.get("translations") or {}).get("es", {})
        title = screen["title"] + (f" / {spanish['title']}" if spanish.get("title") else "")
        lines.append(_("Screen “%(title)s” (%(key)s)") % {"title": title, "key": screen["key"]})
        if screen.get("visible_if"):
            shown = "; ".join(text for _depth, text in describer.lines(screen["visible_if"]))
            lines.append("  " + _("shown only if: %(condition)s") % {"condition": shown})
        for item in screen["questions"]:
            state = _("required") if item.get("required", True) else _("optional")
            lines.append(f"  {item['key']} ({state})")
    return lines


def _question_lines(document: dict) -> list[str]:
    return [
        f"{q['key']} ({q['type']}): {q['label']}"
        + (
            f" / {q['translations']['es']['label']}"
            if q["translations"].get("es", {}).get("label")
            else ""
        )
        for q in document["questions"]
    ]


def _rule_lines(document: dict, describer) -> list[str]:
    eligibility = document["eligibility"]
    rules = eligibility["rules"]
    # Named values first, read as sentences: a changed deduction shows here, not only in JSON.
    lines = describer.value_lines(rules.get("values")) if isinstance(rules, dict) else []
    lines += ["  " * depth + text for depth, text in describer.lines(rules)]
    gating = (
        _("gating: ineligible residents cannot apply")
        if eligibility["gating"]
        else _("not gating: ineligible residents are told, and may apply")
    )
    lines.append(gating)
    if eligibility.get("estimated_value"):
        lines += _estimate_lines(eligibility["estimated_value"], describer)
    return lines


def _estimate_lines(estimate: dict, describer) -> list[str]:
    amount = estimate.get("amount")
    lines = [_("estimate: %(amount)s") % {"amount": describer.operand(amount) if amount else "—"}]
    for key in sorted(set(estimate) - {"amount"}):
        value = estimate[key]
        if isinstance(value, dict):  # explanation {en, es}, source {citation, url}
            value = " / ".join(str(part) for part in value.values() if part)
        lines.append(f"  {key}: {value}")
    return lines


def _answer_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(_answer_text(item) for item in value)
    if isinstance(value, dict):  # a household member: its fields in order
        return "(" + "; ".join(f"{k} {_answer_text(v)}" for k, v in value.items()) + ")"
    return str(value)


def _example_lines(document: dict) -> list[str]:
    outcomes = dict(EXPECTED_CHOICES)
    return [
        f"{example['name']}: {outcomes.get(example['expected'], example['expected'])}"
        + (f" ({example['as_of']})" if example.get("as_of") else "")
        + " · "
        + "; ".join(
            f"{key} = {_answer_text(value)}" for key, value in sorted(example["answers"].items())
        )
        for example in document["examples"]
    ]


def version_diff(before: dict, after: dict, describer) -> list[Section]:
    """Sections comparing two program documents (`programs.documents.export.program_document`)."""
    return [
        Section(
            _("Screens and their questions"),
            _compare(_screen_lines(before, describer), _screen_lines(after, describer)),
        ),
        Section(
            _("Questions from the bank"), _compare(_question_lines(before), _question_lines(after))
        ),
        Section(
            _("Eligibility rule"),
            _compare(_rule_lines(before, describer), _rule_lines(after, describer)),
        ),
        Section(_("Examples"), _compare(_example_lines(before), _example_lines(after))),
    ]
