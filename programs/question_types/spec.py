"""The shape every question-type function works on: a `Question` row or a plain dict.

Household members are asked through `member_fields`, small question definitions stored
as dicts inside the parent question. Wrapping both in `QuestionSpec` lets every function
in this package (cleaning, form fields, display, export) treat a member field exactly like
a bank question, and lets the eligibility engine and importers pass plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from programs.models import Question, QuestionType, translated

# US states, the District of Columbia, territories and military mail codes, as the
# Postal Service spells them. Names are proper nouns and stay untranslated.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "UM": "U.S. Minor Outlying Islands",
    "AA": "Armed Forces Americas", "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}  # fmt: skip

NAME_PARTS = ("first", "middle", "last")
ADDRESS_PARTS = ("street", "unit", "city", "state", "zip")

# Types a household member field may have: one person's answers are flat values, so no
# nested household, no uploads (each needs its own screen) and no static text.
MEMBER_FIELD_TYPES = frozenset(QuestionType.values) - {
    QuestionType.HOUSEHOLD_MEMBERS,
    QuestionType.FILE,
    QuestionType.STATIC,
}

PART_LABELS = {
    "first": _("First name"),
    "middle": _("Middle name"),
    "last": _("Last name"),
    "street": _("Street address"),
    "unit": _("Apartment, suite or unit"),
    "city": _("City or town"),
    "state": _("State"),
    "zip": _("ZIP code"),
}


@dataclass
class QuestionSpec:
    """A question definition detached from the database (bank question or member field)."""

    key: str
    type: str
    label: str = ""
    help_text: str = ""
    options: list = field(default_factory=list)
    validation: dict = field(default_factory=dict)
    member_fields: list = field(default_factory=list)
    translations: dict = field(default_factory=dict)
    sensitive: bool = False
    required: bool = True

    def text(self, field_name: str = "label", language: str | None = None) -> str:
        return translated(self, field_name, language)


def as_spec(question: Question | QuestionSpec | dict) -> QuestionSpec:
    """Accept a `Question`, a `QuestionSpec` or a dict with the same keys."""
    if isinstance(question, QuestionSpec):
        return question
    if isinstance(question, dict):
        return QuestionSpec(
            key=str(question.get("key", "")),
            type=str(question.get("type", "")),
            label=question.get("label") or "",
            help_text=question.get("help_text") or "",
            options=list(question.get("options") or []),
            validation=dict(question.get("validation") or {}),
            member_fields=list(question.get("member_fields") or []),
            translations=dict(question.get("translations") or {}),
            sensitive=bool(question.get("sensitive", False)),
            required=bool(question.get("required", True)),
        )
    return QuestionSpec(
        key=question.key,
        type=question.type,
        label=question.label,
        help_text=question.help_text,
        options=list(question.options or []),
        validation=dict(question.validation or {}),
        member_fields=list(question.member_fields or []),
        translations=dict(question.translations or {}),
        sensitive=question.sensitive,
    )


def member_specs(question) -> list[QuestionSpec]:
    """The household member fields of a question, as specs."""
    return [as_spec(member) for member in as_spec(question).member_fields]


def option_values(spec: QuestionSpec) -> list[str]:
    return [str(option.get("value")) for option in spec.options]


def option_label(option: dict, language: str | None = None) -> str:
    """An option's label in `language` (default: active), falling back to English.

    `translations` may map a language to the label itself ({"es": "Alquiler"}) or to a
    dict like a question's ({"es": {"label": "Alquiler"}}).
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    english = option.get("label") or str(option.get("value", ""))
    if language == "en":
        return english
    translated_label: Any = (option.get("translations") or {}).get(language)
    if isinstance(translated_label, dict):
        translated_label = translated_label.get("label")
    return translated_label or english


def option_choices(spec: QuestionSpec, language: str | None = None) -> list[tuple[str, str]]:
    return [(str(o.get("value")), option_label(o, language)) for o in spec.options]
