"""Small value helpers shared by the compiler, the generated code and the messages."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

# Values that mean "not answered". Compared with ``in`` so 0 and False stay real answers.
# An empty list is an answer ("none of these", "nobody else lives with me"), not a gap.
EMPTY = (None, "")

ROUNDINGS = ("up_dollar", "down_dollar", "nearest_dollar", "cent")


def to_date(value: object) -> date:
    """An answer date as a ``datetime.date``; accepts ``YYYY-MM-DD`` strings and dates."""
    if value.__class__ is date:
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, date):  # a datetime: the calendar day is what counts
        return date(value.year, value.month, value.day)
    raise TypeError(f"expected a date or an ISO date string, got {value!r}")


# Parsed dates and ages are memoised by the answer value (an ISO string or a date). Screening one
# resident against every program reads the same birth dates once per program and per household
# member, so parsing each once per resident instead of once per use is most of the date work.
# The memos only ever hold values that parsed, are bounded (cleared when full: they refill in a
# few evaluations) and are safe to share between threads (single dict operations).
DATE_MEMO_SIZE = 4096
AGE_MEMO_DATES = 8  # evaluation dates with an age memo; usually just today
DATES: dict[object, date] = {}
AGES: dict[date, dict[object, int]] = {}
# Amounts of money as reasons show them ("$2,694.50"), by integer cents (``messages.
# remembered_money``): a resident's income or rent is shown by many programs' reasons on one
# results page. Bounded like DATES.
MONEY_TEXTS: dict[int, str] = {}
# Computed values as reasons explain them ("$1,234 (your income of $2,000 minus …)"), by what
# is explained and every value the explanation shows (``sentence_code.ComputedSentence``): a
# named value is explained by each condition using it, and programs defining it alike explain
# it alike. The text depends on the values only (equal values are written alike). Bounded
# like DATES.
COMPUTED_TEXTS: dict[tuple, str] = {}


def remember_computed_text(key: tuple, text: str) -> None:
    if len(COMPUTED_TEXTS) >= DATE_MEMO_SIZE:
        COMPUTED_TEXTS.clear()
    COMPUTED_TEXTS[key] = text


def clear_memos() -> None:
    """Forget every remembered date, age, amount and computed text (benchmarks start each
    timed pass from empty)."""
    DATES.clear()
    AGES.clear()
    MONEY_TEXTS.clear()
    COMPUTED_TEXTS.clear()


def memo_date(value: object) -> date:
    """``to_date(value)``, memoised. Raises like ``to_date`` for anything that is not a date."""
    found = DATES.get(value)
    if found is None:
        found = to_date(value)
        if len(DATES) >= DATE_MEMO_SIZE:
            DATES.clear()
        DATES[value] = found
    return found


def ages_on(as_of: date) -> dict[object, int]:
    """The age memo for one evaluation date: date answer value -> whole years on ``as_of``.

    Generated code reads it with ``AGES.get(as_of)`` and calls this only when that is None.
    """
    ages = AGES.get(as_of)
    if ages is None:
        if len(AGES) >= AGE_MEMO_DATES:
            AGES.clear()
        ages = AGES[as_of] = {}
    return ages


def memo_age(value: object, as_of: date, ages: dict[object, int]) -> int:
    """``age_on(to_date(value), as_of)``, remembered in ``ages`` (from ``ages_on(as_of)``)."""
    age = age_on(memo_date(value), as_of)
    if len(ages) >= DATE_MEMO_SIZE:
        ages.clear()
    ages[value] = age
    return age


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


def exact_number(value: object) -> Fraction | None:
    """A literal number (or numeric string) as an exact Fraction; floats go through their repr."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float | str):
        try:
            return Fraction(str(value))
        except ValueError:
            return None
    return None


def round_scaled(value: int, scale: int, rounding: str) -> int:
    """``round_cents(value / scale)`` with integers only (floor division rounds down)."""
    if rounding == "cent":
        return (2 * value + scale) // (2 * scale)
    dollar = 100 * scale
    if rounding == "down_dollar":
        return value // dollar * 100
    if rounding == "up_dollar":
        return -(-value // dollar) * 100
    if rounding == "nearest_dollar":
        return (2 * value + dollar) // (2 * dollar) * 100
    raise ValueError(f"unknown rounding {rounding!r}")


def exact_round(amount, rounding: str) -> int:
    """``round_cents`` for an int or a Fraction (int / 100 would be a float)."""
    return round_cents(Fraction(amount), rounding)
