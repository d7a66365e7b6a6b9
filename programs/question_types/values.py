"""Validation and canonical values: `clean_value` and the compound types.

One cleaner per question type: the one-value types in `scalars.py` (dates in `dates.py`),
the compound ones here (name, address, household members).

`clean_value(question, raw)` takes what an API, an import or a form gives and returns the
canonical JSON value stored in `applicants.Answer.value` (see the package docstring for the
table). Compound types raise a `ValidationError` whose `error_dict` is keyed by sub-path
("zip", "2.birth_date") and whose messages also read well on their own.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import QuestionType

from .scalars import SCALAR_CLEANERS, is_empty
from .spec import (
    ADDRESS_PARTS,
    MEMBER_FIELD_TYPES,
    NAME_PARTS,
    PART_LABELS,
    US_STATES,
    QuestionSpec,
    as_spec,
    member_specs,
)

NAME_PART_MAX_LENGTH = 100
ADDRESS_PART_MAX_LENGTH = 200
DEFAULT_MAX_MEMBERS = 20
_ZIP_RE = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")

# Answers that are lists, where an empty list is the answer "none".
LIST_TYPES = ("multiple_choice", "household_members")


def clean_value(question, raw, *, required: bool = False):
    """Validate `raw` for `question` and return its canonical JSON value.

    An empty raw value (None, "", {} or a dict of empty parts) returns None, unless
    `required`, which raises. An empty list for a multiple choice or household question
    returns [] (answered: none of these / nobody else), never None.

    Raises `django.core.exceptions.ValidationError` with a specific, translatable message;
    compound types (name, address, household members) raise one keyed
    by sub-path so an API can point at the bad field.
    """
    spec = as_spec(question)
    cleaner = CLEANERS.get(spec.type)
    if cleaner is None:
        raise ValidationError(
            _("Unknown question type “%(type)s”."), code="unknown_type", params={"type": spec.type}
        )
    if spec.type == QuestionType.STATIC:
        return None
    if is_empty(raw):
        if required:
            raise ValidationError(_("This question needs an answer."), code="required")
        if spec.type in LIST_TYPES and isinstance(raw, list | tuple) and not raw:
            # "None of these" / "just me" is an answer: a step submitted with no box ticked
            # or nobody added stores [], unlike a question never asked (absent or null).
            return []
        return None
    return cleaner(spec, raw)


def _parts(spec: QuestionSpec, raw, parts: tuple[str, ...]) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError(
            _("Send an object with the fields %(fields)s."),
            code="invalid",
            params={"fields": ", ".join(parts)},
        )
    unknown = sorted(set(raw) - set(parts))
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s."),
            code="unknown_fields",
            params={"fields": ", ".join(unknown)},
        )
    values = {}
    errors: dict[str, list[ValidationError]] = {}
    for part in parts:
        value = raw.get(part)
        if value is None:
            value = ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            errors[part] = [
                ValidationError(
                    _("%(part)s: enter text."), code="invalid", params={"part": PART_LABELS[part]}
                )
            ]
            continue
        values[part] = " ".join(str(value).split())
    if errors:
        raise ValidationError(errors)
    return values


def _required_part(part: str) -> ValidationError:
    messages = {
        "first": _("Enter a first name."),
        "last": _("Enter a last name."),
        "street": _("Enter a street address."),
        "city": _("Enter a city or town."),
        "state": _("Choose a state."),
        "zip": _("Enter a ZIP code."),
    }
    return ValidationError(messages[part], code=f"required_{part}")


def _too_long(part: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(part)s must be %(max)d characters or fewer."),
        code="max_length",
        params={"part": PART_LABELS[part], "max": limit},
    )


def _name(spec: QuestionSpec, raw) -> dict:
    values = _parts(spec, raw, NAME_PARTS)
    errors = {}
    for part in NAME_PARTS:
        if part != "middle" and not values[part]:
            errors[part] = [_required_part(part)]
        elif len(values[part]) > NAME_PART_MAX_LENGTH:
            errors[part] = [_too_long(part, NAME_PART_MAX_LENGTH)]
    if errors:
        raise ValidationError(errors)
    return values


def _address(spec: QuestionSpec, raw) -> dict:
    values = _parts(spec, raw, ADDRESS_PARTS)
    errors = {}
    for part in ADDRESS_PARTS:
        if part != "unit" and not values[part]:
            errors[part] = [_required_part(part)]
        elif len(values[part]) > ADDRESS_PART_MAX_LENGTH:
            errors[part] = [_too_long(part, ADDRESS_PART_MAX_LENGTH)]
    state = values["state"].upper().replace(".", "")
    if "state" not in errors:
        if state not in US_STATES:
            errors["state"] = [
                ValidationError(
                    _("“%(state)s” is not a US state or territory code. Use a code like WA."),
                    code="invalid_state",
                    params={"state": values["state"]},
                )
            ]
        values["state"] = state
    if "zip" not in errors:
        match = _ZIP_RE.match(values["zip"])
        if not match:
            errors["zip"] = [
                ValidationError(
                    _("Enter a ZIP code with 5 digits, like 98101, or ZIP+4, like 98101-1234."),
                    code="invalid_zip",
                )
            ]
        else:
            values["zip"] = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
    if errors:
        raise ValidationError(errors)
    return values


def person_label(number: int, member: dict | None, specs: list[QuestionSpec]) -> str:
    """ "Person 2" or, when the member's name is known, "Person 2 (Maria)"."""

    first = ""
    for spec in specs:
        value = (member or {}).get(spec.key)
        if spec.type == QuestionType.NAME and isinstance(value, dict):
            first = str(value.get("first") or "").strip()
        elif spec.key in {"first_name", "name"} and isinstance(value, str):
            first = value.strip()
        if first:
            break
    if first:
        return gettext("Person %(number)d (%(name)s)") % {"number": number, "name": first[:40]}
    return gettext("Person %(number)d") % {"number": number}


def clean_member(question, member, *, number: int = 1) -> dict:
    """Clean one household member dict; errors are keyed "<number>.<field>"."""
    spec = as_spec(question)
    specs = member_specs(spec)
    who = person_label(number, member if isinstance(member, dict) else None, specs)
    if not isinstance(member, dict):
        raise ValidationError(
            {
                str(number): [
                    ValidationError(
                        _("%(person)s: send the person's answers as an object."),
                        code="invalid_member",
                        params={"person": who},
                    )
                ]
            }
        )
    known = {member_spec.key for member_spec in specs}
    errors: dict[str, list[ValidationError]] = {}
    unknown = sorted(set(member) - known)
    if unknown:
        errors[str(number)] = [
            ValidationError(
                _("%(person)s: unknown fields %(fields)s."),
                code="unknown_fields",
                params={"person": who, "fields": ", ".join(unknown)},
            )
        ]
    cleaned = {}
    for member_spec in specs:
        try:
            cleaned[member_spec.key] = clean_value(
                member_spec, member.get(member_spec.key), required=member_spec.required
            )
        except ValidationError as exc:
            for sub_path, messages in error_paths(member_spec, exc, prefix="").items():
                path = f"{number}.{member_spec.key}" + (f".{sub_path}" if sub_path else "")
                errors[path] = [
                    ValidationError(
                        _("%(person)s, %(field)s: %(message)s"),
                        code="invalid_member_field",
                        params={
                            "person": who,
                            "field": member_spec.text("label"),
                            "message": message,
                            "number": number,
                            "key": member_spec.key,
                        },
                    )
                    for message in messages
                ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _household(spec: QuestionSpec, raw) -> list[dict]:
    if not isinstance(raw, list | tuple):
        raise ValidationError(_("Send the household as a list of people."), code="invalid")
    maximum = int(spec.validation.get("max_members") or DEFAULT_MAX_MEMBERS)
    if len(raw) > maximum:
        raise ValidationError(
            _("A household can have at most %(max)d people here; you listed %(count)d."),
            code="too_many_members",
            params={"max": maximum, "count": len(raw)},
        )
    minimum = int(spec.validation.get("min_members") or 0)
    if len(raw) < minimum:
        raise ValidationError(
            _("List at least %(min)d people."), code="too_few_members", params={"min": minimum}
        )
    bad = [s.key for s in member_specs(spec) if s.type not in MEMBER_FIELD_TYPES]
    if bad:
        raise ValidationError(
            _("These member fields have types that cannot be asked per person: %(keys)s."),
            code="bad_definition",
            params={"keys": ", ".join(bad)},
        )
    cleaned, errors = [], {}
    for number, member in enumerate(raw, start=1):
        try:
            cleaned.append(clean_member(spec, member, number=number))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


CLEANERS = {
    **SCALAR_CLEANERS,
    QuestionType.NAME: _name,
    QuestionType.ADDRESS: _address,
    QuestionType.HOUSEHOLD_MEMBERS: _household,
}


def error_paths(question, exc: ValidationError, *, prefix: str | None = None) -> dict:
    """Flatten a `clean_value` error to {path: [message, ...]} for JSON responses.

    The path is the question key, then the sub-path of compound types:
    "applicant.address.zip", "household.members.2.birth_date". Pass `prefix=""` to get
    sub-paths alone ("" for a whole-value error).
    """
    key = as_spec(question).key if prefix is None else prefix
    if hasattr(exc, "error_dict"):
        return {
            ".".join(filter(None, [key, sub])): [str(m) for e in errors for m in e.messages]
            for sub, errors in exc.error_dict.items()
        }
    return {key: [str(message) for message in exc.messages]}
