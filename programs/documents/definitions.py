"""Checks that a question definition makes sense for its type.

The JSON Schema checks shapes; these checks know what each type accepts: choice questions
need options, a pattern must compile, a minimum cannot exceed its maximum, only a
household-members question has member fields.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from programs.models import QuestionType
from programs.question_types.patterns import pattern_problem

from .errors import DocumentError

CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
# Which validation keys each type understands; anything else is a mistake worth reporting.
VALIDATION_KEYS = {
    QuestionType.SHORT_TEXT: {"max_length", "pattern", "pattern_description"},
    QuestionType.LONG_TEXT: {"max_length", "pattern", "pattern_description"},
    QuestionType.NUMBER: {"min", "max", "decimal_places"},
    QuestionType.CURRENCY: {"min", "max"},
    QuestionType.DATE: {"min", "max"},
    QuestionType.YES_NO: set(),
    QuestionType.SINGLE_CHOICE: {"display"},
    QuestionType.MULTIPLE_CHOICE: {"min", "max"},
    QuestionType.EMAIL: set(),
    QuestionType.PHONE: set(),
    QuestionType.NAME: set(),
    QuestionType.ADDRESS: set(),
    QuestionType.HOUSEHOLD_MEMBERS: {"min_members", "max_members"},
    QuestionType.IDENTIFIER: {"pattern", "pattern_description", "max_length"},
    QuestionType.FILE: {"allowed_extensions", "max_size_bytes"},
    QuestionType.STATIC: set(),
}
MEMBER_FIELD_EXCLUDED = {QuestionType.HOUSEHOLD_MEMBERS, QuestionType.FILE, QuestionType.STATIC}


def definition_errors(definition: dict, path: str, *, member: bool = False) -> list[DocumentError]:
    """Every type-specific problem in one question (or member field) definition."""
    errors: list[DocumentError] = []
    qtype = definition.get("type")
    if qtype not in VALIDATION_KEYS:
        return [
            DocumentError(f"{path}.type", _("unknown question type %(type)r") % {"type": qtype})
        ]
    if member and qtype in MEMBER_FIELD_EXCLUDED:
        errors.append(
            DocumentError(
                f"{path}.type",
                _("a household member field cannot be of type %(type)s") % {"type": qtype},
            )
        )
    options = definition.get("options") or []
    if qtype in CHOICE_TYPES:
        if not options:
            errors.append(
                DocumentError(
                    f"{path}.options", _("a %(type)s question needs options") % {"type": qtype}
                )
            )
        seen = set()
        for index, option in enumerate(options):
            value = option.get("value")
            if value in seen:
                errors.append(
                    DocumentError(
                        f"{path}.options[{index}].value",
                        _("duplicate option %(value)r") % {"value": value},
                    )
                )
            seen.add(value)
    elif options:
        errors.append(
            DocumentError(
                f"{path}.options", _("a %(type)s question has no options") % {"type": qtype}
            )
        )

    validation = definition.get("validation") or {}
    for name in sorted(set(validation) - VALIDATION_KEYS[qtype]):
        errors.append(
            DocumentError(
                f"{path}.validation.{name}",
                _("%(name)r does not apply to %(type)s") % {"name": name, "type": qtype},
            )
        )
    if "pattern" in validation:
        problem = pattern_problem(validation["pattern"])
        if problem:
            errors.append(DocumentError(f"{path}.validation.pattern", problem))
    for low, high in (("min", "max"), ("min_members", "max_members")):
        if low in validation and high in validation and validation[low] > validation[high]:
            errors.append(
                DocumentError(
                    f"{path}.validation.{low}",
                    _("%(low)s is greater than %(high)s") % {"low": low, "high": high},
                )
            )
    if qtype == QuestionType.IDENTIFIER and "pattern" not in validation:
        errors.append(
            DocumentError(f"{path}.validation", _("an identifier question needs a pattern"))
        )

    member_fields = definition.get("member_fields") or []
    if qtype == QuestionType.HOUSEHOLD_MEMBERS:
        if not member_fields:
            errors.append(
                DocumentError(
                    f"{path}.member_fields", _("a household_members question needs fields")
                )
            )
        seen = set()
        for index, field in enumerate(member_fields):
            here = f"{path}.member_fields[{index}]"
            if field.get("key") in seen:
                errors.append(
                    DocumentError(
                        f"{here}.key", _("duplicate field %(key)r") % {"key": field.get("key")}
                    )
                )
            seen.add(field.get("key"))
            errors.extend(definition_errors(field, here, member=True))
    elif member_fields:
        errors.append(
            DocumentError(
                f"{path}.member_fields",
                _("a %(type)s question has no member fields") % {"type": qtype},
            )
        )
    return errors
