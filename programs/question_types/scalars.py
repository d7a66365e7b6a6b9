"""Cleaners of the one-value question types (text, numbers, money, dates, yes/no,
choices, email, phone, identifiers, files): each takes a `QuestionSpec` and a non-empty raw
value and returns the canonical value or raises a specific `ValidationError`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from civiportal.i18n import translated
from programs.models import QuestionType

from .dates import clean_date
from .patterns import pattern_fullmatch
from .spec import (
    QuestionSpec,
    option_values,
)
from .uploads import clean_file_metadata

DEFAULT_MAX_LENGTH = {QuestionType.SHORT_TEXT: 500, QuestionType.LONG_TEXT: 5000}
IDENTIFIER_MAX_LENGTH = 100
# Benefit amounts above this are typing mistakes, not incomes: $100 million, in cents.
CURRENCY_MAX_CENTS = 100_000_000 * 100
NUMBER_MAX_ABS = 10**12

_CURRENCY_RE = re.compile(r"^\d+(\.\d*)?$|^\.\d+$")


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
    description = pattern_description(spec)
    if description:
        return ValidationError(
            _("Enter it in the right format: %(description)s."),
            code="pattern",
            params={"description": str(description).rstrip(".")},
        )
    return ValidationError(_("Enter it in the right format."), code="pattern")


def pattern_description(spec: QuestionSpec, language: str | None = None) -> str:
    """The pattern in words in the active language (`translations`), else in English."""
    english = str(spec.validation.get("pattern_description") or "")
    return str(translated(spec, "pattern_description", language, english=english))


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

    return clean_file_metadata(spec, raw)


def _static(spec: QuestionSpec, raw):
    return None


SCALAR_CLEANERS = {
    QuestionType.SHORT_TEXT: _text,
    QuestionType.LONG_TEXT: _text,
    QuestionType.NUMBER: _number,
    QuestionType.CURRENCY: _currency,
    QuestionType.DATE: clean_date,
    QuestionType.YES_NO: _yes_no,
    QuestionType.SINGLE_CHOICE: _single_choice,
    QuestionType.MULTIPLE_CHOICE: _multiple_choice,
    QuestionType.EMAIL: _email,
    QuestionType.PHONE: _phone,
    QuestionType.IDENTIFIER: _identifier,
    QuestionType.FILE: _file,
    QuestionType.STATIC: _static,
}
