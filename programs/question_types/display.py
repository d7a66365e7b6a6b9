"""Showing answers to people and to spreadsheets: display text, masks and CSV cells.

Everything here returns plain text (never markup), so templates can print it with
autoescape on, and exporters can neutralise spreadsheet formulas themselves.
"""

from __future__ import annotations

import datetime

from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from programs.models import QuestionType

from .spec import ADDRESS_PARTS, NAME_PARTS, as_spec, member_specs, option_label

# Each language's DATE_FORMAT, the same the pages and the engine's reasons use: US English
# "March 12, 2026" (civiportal/formats/en), Spanish "12 de marzo de 2026".
DATE_FORMATS: dict[str, str] = {}
MASK = "••••"


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def format_cents(cents: int) -> str:
    """$2,900 for whole dollars, $2,900.50 otherwise."""
    dollars, remainder = divmod(int(cents), 100)
    return f"${dollars:,}" if remainder == 0 else f"${dollars:,}.{remainder:02d}"


def format_date(value: str, language: str | None = None) -> str:
    language = _language(language)
    day = datetime.date.fromisoformat(value)
    with translation.override(language):
        return formats.date_format(day, DATE_FORMATS.get(language, "DATE_FORMAT"))


def format_phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else digits


def format_name(value: dict) -> str:
    return " ".join(value.get(part, "") for part in NAME_PARTS if value.get(part))


def format_address(value: dict) -> str:
    state_zip = " ".join(filter(None, [value.get("state", ""), value.get("zip", "")]))
    parts = [value.get("street", ""), value.get("unit", ""), value.get("city", ""), state_zip]
    return ", ".join(part for part in parts if part)


def format_value(question, value, *, language: str | None = None) -> str:
    """A canonical value as plain text for people: "$2,900", "March 12, 2026", "Yes".

    None (unanswered) gives "". Household members give a count ("3 people"); use
    `format_member` for one person's answers.
    """
    spec = as_spec(question)
    if value is None or spec.type == QuestionType.STATIC:
        return ""
    language = _language(language)
    kind = spec.type
    with translation.override(language):
        if kind == QuestionType.CURRENCY:
            return format_cents(value)
        if kind == QuestionType.NUMBER:
            return f"{value:,}" if isinstance(value, int) else f"{value:,}".rstrip("0").rstrip(".")
        if kind == QuestionType.DATE:
            return format_date(value, language)
        if kind == QuestionType.YES_NO:
            return gettext("Yes") if value else gettext("No")
        if kind == QuestionType.SINGLE_CHOICE:
            return _option_text(spec, value, language)
        if kind == QuestionType.MULTIPLE_CHOICE:
            return ", ".join(_option_text(spec, item, language) for item in value)
        if kind == QuestionType.PHONE:
            return format_phone(value)
        if kind == QuestionType.NAME:
            return format_name(value)
        if kind == QuestionType.ADDRESS:
            return format_address(value)
        if kind == QuestionType.HOUSEHOLD_MEMBERS:
            count = len(value)
            return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
        if kind == QuestionType.FILE:
            return str(value.get("name", ""))
        return str(value)


def format_member(question, member: dict, *, language: str | None = None) -> list[tuple]:
    """One household member as [(label, text), ...] in member-field order."""
    return [
        (spec.text("label", language), format_value(spec, member.get(spec.key), language=language))
        for spec in member_specs(question)
    ]


def _option_text(spec, value, language) -> str:
    for option in spec.options:
        if str(option.get("value")) == str(value):
            return option_label(option, language)
    return str(value)


def mask_value(question, value) -> str:
    """What someone without the sensitive-answers permission sees.

    Identifiers and phones keep their last 4 characters ("•••• 0100") so a caseworker
    can still match a document; anything else is "Hidden". Unanswered gives "".
    """
    spec = as_spec(question)
    if value is None or value == "":
        return ""
    if spec.type in (QuestionType.IDENTIFIER, QuestionType.PHONE):
        text = str(value)
        return f"{MASK} {text[-4:]}" if len(text) > 4 else MASK
    return gettext("Hidden")


def display_value(question, value, *, can_view_sensitive: bool, language: str | None = None):
    """`format_value`, or `mask_value` for a sensitive question the viewer may not see."""
    spec = as_spec(question)
    if spec.sensitive and not can_view_sensitive:
        with translation.override(_language(language)):
            return mask_value(spec, value)
    return format_value(spec, value, language=language)


def initial_for_form(question, value):
    """A canonical value turned into what `form_field_for(question)` takes as initial."""
    spec = as_spec(question)
    if value is None:
        return None
    kind = spec.type
    if kind == QuestionType.CURRENCY:
        dollars, cents = divmod(int(value), 100)
        return f"{dollars:,}" if cents == 0 else f"{dollars:,}.{cents:02d}"
    if kind == QuestionType.DATE:
        year, month, day = value.split("-")
        return [str(int(month)), str(int(day)), year]
    if kind == QuestionType.YES_NO:
        return "yes" if value else "no"
    if kind == QuestionType.PHONE:
        return format_phone(value)
    if kind == QuestionType.NAME:
        return [value.get(part, "") for part in NAME_PARTS]
    if kind == QuestionType.ADDRESS:
        return [value.get(part, "") for part in ADDRESS_PARTS]
    if kind == QuestionType.NUMBER:
        return str(value)
    return value
