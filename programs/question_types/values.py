"""Validation and canonical values, one cleaner per question type.

`clean_value(question, raw)` takes what an API, an import or a form gives and returns the
canonical JSON value stored in `applicants.Answer.value` (see the package docstring for the
table). Compound types raise a `ValidationError` whose `error_dict` is keyed by sub-path
("zip", "2.birth_date") and whose messages also read well on their own.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import QuestionType

from .patterns import pattern_fullmatch
from .spec import (
    ADDRESS_PARTS,
    MEMBER_FIELD_TYPES,
    NAME_PARTS,
    PART_LABELS,
    US_STATES,
    QuestionSpec,
    as_spec,
    member_specs,
    option_values,
)

DEFAULT_MAX_LENGTH = {QuestionType.SHORT_TEXT: 500, QuestionType.LONG_TEXT: 5000}
IDENTIFIER_MAX_LENGTH = 100
NAME_PART_MAX_LENGTH = 100
ADDRESS_PART_MAX_LENGTH = 200
# Benefit amounts above this are typing mistakes, not incomes: $100 million, in cents.
CURRENCY_MAX_CENTS = 100_000_000 * 100
NUMBER_MAX_ABS = 10**12
DEFAULT_MAX_MEMBERS = 20
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

_CURRENCY_RE = re.compile(r"^\d+(\.\d*)?$|^\.\d+$")
_ZIP_RE = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")
_US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(is_empty(item) for item in raw)
    if isinstance(raw, dict):
        return all(is_empty(item) for item in raw.values())
    return False


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


def _text(spec: QuestionSpec, raw) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise ValidationError(_("Enter text."), code="invalid")
    value = str(raw).strip()
    if spec.type == QuestionType.SHORT_TEXT:
        value = " ".join(value.split())
    else:
        value = value.replace("\r\n", "\n")
    max_length = int(spec.validation.get("max_length") or DEFAULT_MAX_LENGTH[spec.type])
    if len(value) > max_length:
        raise ValidationError(
            _("Use %(max)d characters or fewer (you used %(count)d)."),
            code="max_length",
            params={"max": max_length, "count": len(value)},
        )
    pattern = spec.validation.get("pattern")
    if pattern and not pattern_fullmatch(pattern, value):
        raise _pattern_error(spec)
    return value


def _pattern_error(spec: QuestionSpec) -> ValidationError:
    description = spec.validation.get("pattern_description")
    if description:
        return ValidationError(
            _("Enter it in the right format: %(description)s."),
            code="pattern",
            params={"description": str(description).rstrip(".")},
        )
    return ValidationError(_("Enter it in the right format."), code="pattern")


def _bounds_error(code: str, limit_text: str) -> ValidationError:
    if code == "min":
        return ValidationError(
            _("Enter %(limit)s or more."), code="min_value", params={"limit": limit_text}
        )
    return ValidationError(
        _("Enter %(limit)s or less."), code="max_value", params={"limit": limit_text}
    )


def _number(spec: QuestionSpec, raw):
    places = int(spec.validation.get("decimal_places") or 0)
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."), code="invalid")
    if isinstance(raw, int | float):
        text = repr(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace(" ", "")
    else:
        raise ValidationError(_("Enter a number."), code="invalid")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number, like 3."), code="invalid") from None
    if not number.is_finite() or abs(number) > NUMBER_MAX_ABS:
        raise ValidationError(_("Enter a number, like 3."), code="invalid")
    if places == 0 and number != number.to_integral_value():
        raise ValidationError(_("Enter a whole number, like 3."), code="whole_number")
    if places and -number.normalize().as_tuple().exponent > places:
        raise ValidationError(
            _("Use no more than %(places)d decimal places."),
            code="decimal_places",
            params={"places": places},
        )
    value = int(number) if places == 0 else float(round(number, places))
    for bound in ("min", "max"):
        limit = spec.validation.get(bound)
        if limit is None:
            continue
        if (bound == "min" and value < limit) or (bound == "max" and value > limit):
            raise _bounds_error(bound, f"{limit:,}" if isinstance(limit, int) else str(limit))
    return value


def parse_dollars_to_cents(text: str) -> int:
    """Parse what a person types ("$1,234.56", "1234", "1,234.5") into integer cents."""
    cleaned = text.strip().replace("$", "").replace(",", "").replace(" ", "").replace("USD", "")
    if cleaned.startswith("-") or cleaned.startswith("("):
        raise ValidationError(_("Enter an amount of $0 or more."), code="negative")
    if not _CURRENCY_RE.match(cleaned):
        raise ValidationError(_("Enter an amount in dollars, like 1,250.50."), code="invalid")
    whole, _dot, fraction = cleaned.partition(".")
    if len(fraction) > 2:
        raise ValidationError(
            _("Enter an amount with no more than 2 decimal places, like 12.34."),
            code="decimal_places",
        )
    return int(whole or "0") * 100 + int(fraction.ljust(2, "0") or "0")


def _currency(spec: QuestionSpec, raw) -> int:
    # Integers are already cents (the canonical value, so cleaning is idempotent); text is
    # dollars as a person or a CSV writes them. A float is ambiguous and rounding errors
    # would silently change amounts, so it is refused.
    if isinstance(raw, bool | float):
        raise ValidationError(
            _("Send an amount as whole cents (a number) or as dollars in text, like “12.34”."),
            code="invalid",
        )
    if isinstance(raw, int):
        cents = raw
        if cents < 0:
            raise ValidationError(_("Enter an amount of $0 or more."), code="negative")
    elif isinstance(raw, str):
        cents = parse_dollars_to_cents(raw)
    else:
        raise ValidationError(_("Enter an amount in dollars, like 1,250.50."), code="invalid")
    if cents > CURRENCY_MAX_CENTS:
        raise ValidationError(
            _("That amount is too large. Check the number of digits."), code="too_large"
        )
    for bound in ("min", "max"):
        limit = spec.validation.get(bound)
        if limit is None:
            continue
        # Currency bounds are in cents, the unit every rule and answer uses.
        if (bound == "min" and cents < limit) or (bound == "max" and cents > limit):
            raise _bounds_error(bound, f"${limit / 100:,.2f}".replace(".00", ""))
    return cents


def resolve_date_bound(bound) -> datetime.date | None:
    """A `validation.min`/`max` for dates: "YYYY-MM-DD" or "today" (local date)."""
    if bound in (None, ""):
        return None
    if bound == "today":
        return timezone.localdate()
    if isinstance(bound, datetime.date):
        return bound
    return datetime.date.fromisoformat(str(bound))


def parse_date_parts(month, day, year) -> datetime.date:
    """Check a memorable date's three parts, with a message saying which one is wrong."""
    month, day, year = (
        str(part).strip() if part is not None else "" for part in (month, day, year)
    )
    missing = [name for name, part in (("month", month), ("day", day), ("year", year)) if not part]
    if missing:
        messages = {
            "month": _("The date must include a month."),
            "day": _("The date must include a day."),
            "year": _("The date must include a year."),
        }
        raise ValidationError(messages[missing[0]], code=f"missing_{missing[0]}")
    if not (month.isdigit() and day.isdigit() and year.isdigit()):
        raise ValidationError(_("Enter the date using numbers only."), code="invalid")
    month_n, day_n, year_n = int(month), int(day), int(year)
    if not 1 <= month_n <= 12:
        raise ValidationError(_("The month must be between 1 and 12."), code="invalid_month")
    if len(year) != 4 or not EARLIEST_YEAR <= year_n <= LATEST_YEAR:
        raise ValidationError(_("The year must have 4 digits, like 1985."), code="invalid_year")
    try:
        return datetime.date(year_n, month_n, day_n)
    except ValueError:
        raise ValidationError(
            _("Enter a real date. %(month)s/%(day)s/%(year)s does not exist."),
            code="impossible_date",
            params={"month": month_n, "day": day_n, "year": year_n},
        ) from None


def _date(spec: QuestionSpec, raw) -> str:
    if isinstance(raw, datetime.datetime):
        raise ValidationError(_("Enter a date, not a date and time."), code="invalid")
    if isinstance(raw, datetime.date):
        value = raw
    elif isinstance(raw, dict):
        value = parse_date_parts(raw.get("month"), raw.get("day"), raw.get("year"))
    elif isinstance(raw, list | tuple) and len(raw) == 3:
        value = parse_date_parts(*raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if match := _ISO_DATE_RE.match(text):
            year, month, day = match.groups()
        elif match := _US_DATE_RE.match(text):
            month, day, year = match.groups()
        else:
            raise ValidationError(
                _("Enter a date like 2026-03-12 (year-month-day)."), code="invalid"
            )
        value = parse_date_parts(month, day, year)
    else:
        raise ValidationError(_("Enter a date like 2026-03-12 (year-month-day)."), code="invalid")
    minimum = resolve_date_bound(spec.validation.get("min"))
    maximum = resolve_date_bound(spec.validation.get("max"))
    if minimum and value < minimum:
        if spec.validation.get("min") == "today":
            raise ValidationError(_("The date must be today or later."), code="min_value")
        raise ValidationError(
            _("The date must be on or after %(date)s."),
            code="min_value",
            params={"date": minimum.isoformat()},
        )
    if maximum and value > maximum:
        if spec.validation.get("max") == "today":
            raise ValidationError(_("The date must be today or in the past."), code="max_value")
        raise ValidationError(
            _("The date must be on or before %(date)s."),
            code="max_value",
            params={"date": maximum.isoformat()},
        )
    return value.isoformat()


_YES = {"yes", "y", "true", "1", "sí", "si"}
_NO = {"no", "n", "false", "0"}


def _yes_no(spec: QuestionSpec, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str | int):
        text = str(raw).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
    raise ValidationError(_("Choose yes or no."), code="invalid_choice")


def _unknown_option(value) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not one of the choices."),
        code="invalid_choice",
        params={"value": value},
    )


def _single_choice(spec: QuestionSpec, raw) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValidationError(_("Choose one option."), code="invalid_choice")
    value = str(raw).strip()
    if value not in option_values(spec):
        raise _unknown_option(value)
    return value


def _multiple_choice(spec: QuestionSpec, raw) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise ValidationError(_("Choose from the list of options."), code="invalid_list")
    chosen = set()
    allowed = option_values(spec)
    for item in raw:
        if is_empty(item):
            continue
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise ValidationError(_("Choose from the list of options."), code="invalid_list")
        value = str(item).strip()
        if value not in allowed:
            raise _unknown_option(value)
        chosen.add(value)
    values = [value for value in allowed if value in chosen]
    minimum, maximum = spec.validation.get("min"), spec.validation.get("max")
    if minimum and len(values) < minimum:
        raise ValidationError(
            _("Choose at least %(count)d options."), code="min_choices", params={"count": minimum}
        )
    if maximum and len(values) > maximum:
        raise ValidationError(
            _("Choose no more than %(count)d options."),
            code="max_choices",
            params={"count": maximum},
        )
    return values


def _email(spec: QuestionSpec, raw) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Enter an email address."), code="invalid")
    value = raw.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("Enter an email address in the right format, like name@example.com."),
            code="invalid",
        ) from None
    local, _at, domain = value.rpartition("@")
    # The local part may be case-sensitive by the standard; the domain never is.
    return f"{local}@{domain.lower()}"


def _phone(spec: QuestionSpec, raw) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValidationError(_("Enter a phone number, like (206) 555-0100."), code="invalid")
    text = str(raw).strip()
    if re.search(r"[^\d\s().+\-]", text):
        raise ValidationError(
            _("Enter a phone number using numbers only, like (206) 555-0100."), code="invalid"
        )
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError(
            _("Enter a 10-digit US phone number, like (206) 555-0100."), code="invalid_length"
        )
    if digits[0] in "01" or digits[3] in "01":
        raise ValidationError(
            _("Enter a real US phone number. Area codes and exchanges do not start with 0 or 1."),
            code="invalid_number",
        )
    return digits


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
    from django.utils.translation import gettext

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


def _identifier(spec: QuestionSpec, raw) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValidationError(_("Enter the number or code as text."), code="invalid")
    value = str(raw).strip()
    max_length = int(spec.validation.get("max_length") or IDENTIFIER_MAX_LENGTH)
    if len(value) > max_length:
        raise ValidationError(
            _("Use %(max)d characters or fewer (you used %(count)d)."),
            code="max_length",
            params={"max": max_length, "count": len(value)},
        )
    pattern = spec.validation.get("pattern")
    if pattern and not pattern_fullmatch(pattern, value):
        raise _pattern_error(spec)
    return value


def _file(spec: QuestionSpec, raw) -> dict:
    from .uploads import clean_file_metadata

    return clean_file_metadata(spec, raw)


def _static(spec: QuestionSpec, raw):
    return None


CLEANERS = {
    QuestionType.SHORT_TEXT: _text,
    QuestionType.LONG_TEXT: _text,
    QuestionType.NUMBER: _number,
    QuestionType.CURRENCY: _currency,
    QuestionType.DATE: _date,
    QuestionType.YES_NO: _yes_no,
    QuestionType.SINGLE_CHOICE: _single_choice,
    QuestionType.MULTIPLE_CHOICE: _multiple_choice,
    QuestionType.EMAIL: _email,
    QuestionType.PHONE: _phone,
    QuestionType.NAME: _name,
    QuestionType.ADDRESS: _address,
    QuestionType.HOUSEHOLD_MEMBERS: _household,
    QuestionType.IDENTIFIER: _identifier,
    QuestionType.FILE: _file,
    QuestionType.STATIC: _static,
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
