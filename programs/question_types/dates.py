"""Dates: what a resident or an API may send (ISO, "M/D/YYYY", parts) and the bounds a
question may set ("YYYY-MM-DD" or "today")."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .spec import (
    QuestionSpec,
)

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
_US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


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


def clean_date(spec: QuestionSpec, raw) -> str:
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
