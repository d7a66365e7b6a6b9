"""Small value helpers shared by the compiler, the generated code and the messages."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

# Values that mean "not answered". Compared with ``in`` so 0 and False stay real answers.
EMPTY = (None, "", [])

ROUNDINGS = ("up_dollar", "down_dollar", "nearest_dollar", "cent")


def is_unanswered(value: object) -> bool:
    """True for an absent answer: None, an empty string or an empty list."""
    return value is None or value == "" or value == []


def to_date(value: object) -> date:
    """An answer date as a ``datetime.date``; accepts ``YYYY-MM-DD`` strings and dates."""
    if value.__class__ is date:
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, date):  # a datetime: the calendar day is what counts
        return date(value.year, value.month, value.day)
    raise TypeError(f"expected a date or an ISO date string, got {value!r}")


def age_on(birth: date, as_of: date) -> int:
    """Whole years between ``birth`` and ``as_of``.

    Comparing (month, day) pairs means someone born on 29 February has not had their birthday on
    28 February of a non-leap year and has had it on 1 March.
    """
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def round_cents(amount: Fraction, rounding: str) -> int:
    """Round an exact amount of cents to whole cents by a published rounding rule.

    ``up_dollar`` / ``down_dollar`` / ``nearest_dollar`` round to whole dollars (halves up);
    ``cent`` rounds to the nearest cent (halves up).
    """
    if rounding == "up_dollar":
        return math.ceil(amount / 100) * 100
    if rounding == "down_dollar":
        return math.floor(amount / 100) * 100
    if rounding == "nearest_dollar":
        return math.floor(amount / 100 + Fraction(1, 2)) * 100
    if rounding == "cent":
        return math.floor(amount + Fraction(1, 2))
    raise ValueError(f"unknown rounding {rounding!r}")


def household_size(value: float) -> int:
    """A household size usable in a table: rounded up to a whole person, and at least 1."""
    return max(1, math.ceil(value))
