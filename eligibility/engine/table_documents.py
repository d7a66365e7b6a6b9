"""Table documents: reference tables with dated periods as one JSON document.

The same document is the seed file shipped in ``tables/``, what ``manage.py import_tables``
and the admin upload read, and what ``export_tables`` writes (docs/program-format.md,
"Table documents"). ``table_document_errors`` reports every problem at once, each with its
JSON path; ``tables_from_document`` turns a valid document into engine ``Table`` periods.
Pure Python: the Django side stores the same fields in the database.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

from .tables import UNITS, Table

FORMAT = "civiportal.tables/1"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
AMOUNT_PATTERN = re.compile(r"^\d{1,9}(\.\d{1,4})?$")
TABLE_FIELDS = ("key", "title", "unit", "source", "notes", "periods")
PERIOD_FIELDS = ("effective_from", "effective_to", "values", "additional_person", "value", "source")
LANGUAGES = ("en", "es")


class TableDocumentInvalid(ValueError):
    """A table document with problems; ``errors`` is a list of ``(path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))


def amount(value: object) -> Fraction:
    """A published amount (an int or a decimal string such as ``"137.5"``) as a Fraction."""
    return Fraction(str(value))


def _is_amount(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < 10**9
    return isinstance(value, str) and bool(AMOUNT_PATTERN.match(value))


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


class _Checker:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def unknown_fields(self, node: dict, allowed, path: str) -> None:
        for name in node:
            if name not in allowed:
                self.error(f"{path}.{name}", f"unknown field; expected one of {', '.join(allowed)}")

    def document(self, data: object) -> None:
        if not isinstance(data, dict):
            self.error("$", 'expected an object such as {"format": ..., "tables": [...]}')
            return
        self.unknown_fields(data, ("format", "tables"), "$")
        if data.get("format") != FORMAT:
            self.error("$.format", f"format must be {FORMAT!r}")
        tables = data.get("tables")
        if not isinstance(tables, list) or not tables:
            self.error("$.tables", "tables must be a non-empty list")
            return
        seen: dict[str, int] = {}
        for index, table in enumerate(tables):
            path = f"$.tables[{index}]"
            self.table(table, path)
            key = table.get("key") if isinstance(table, dict) else None
            if isinstance(key, str):
                if key in seen:
                    self.error(
                        f"{path}.key", f"table {key!r} is already defined at index {seen[key]}"
                    )
                seen.setdefault(key, index)

    def table(self, table: object, path: str) -> None:
        if not isinstance(table, dict):
            self.error(path, "expected a table object")
            return
        self.unknown_fields(table, TABLE_FIELDS, path)
        key = table.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            self.error(f"{path}.key", "key must be lower-case letters, digits and _ (2-63)")
        title = table.get("title")
        if not isinstance(title, dict) or not _text(title.get("en")):
            self.error(f"{path}.title", 'title must be {"en": "...", "es": "..."} (en required)')
        else:
            for language, text in title.items():
                if language not in LANGUAGES or not _text(text):
                    self.error(f"{path}.title.{language}", "expected a non-empty en or es text")
        unit = table.get("unit")
        if unit not in UNITS:
            self.error(f"{path}.unit", f"unit must be one of {', '.join(UNITS)}")
        source = table.get("source")
        if not isinstance(source, dict):
            self.error(
                f"{path}.source", 'source must be {"publisher": "...", "url": "https://..."}'
            )
        else:
            self.unknown_fields(source, ("publisher", "url"), f"{path}.source")
            if not _text(source.get("publisher")):
                self.error(f"{path}.source.publisher", "the publisher is required")
            if not _url(source.get("url")):
                self.error(f"{path}.source.url", "the source needs an http(s) URL")
        if "notes" in table and not isinstance(table["notes"], str):
            self.error(f"{path}.notes", "notes must be text")
        periods = table.get("periods")
        if not isinstance(periods, list) or not periods:
            self.error(f"{path}.periods", "periods must be a non-empty list")
            return
        spans = []
        for index, period in enumerate(periods):
            span = self.period(period, f"{path}.periods[{index}]")
            if span is not None:
                spans.append((span, index))
        spans.sort()
        for ((start, end), index), ((next_start, _), next_index) in pairwise(spans):
            if start == next_start or (end is not None and end >= next_start):
                self.error(
                    f"{path}.periods[{next_index}].effective_from",
                    f"overlaps period {index} (from {start.isoformat()}"
                    + (f" to {end.isoformat()})" if end else ")"),
                )

    def period(self, period: object, path: str) -> tuple[date, date | None] | None:
        if not isinstance(period, dict):
            self.error(path, "expected a period object")
            return None
        self.unknown_fields(period, PERIOD_FIELDS, path)
        start = _date(period.get("effective_from"))
        if start is None:
            self.error(f"{path}.effective_from", "effective_from must be a date YYYY-MM-DD")
        end = None
        if "effective_to" in period:
            end = _date(period["effective_to"])
            if end is None:
                self.error(f"{path}.effective_to", "effective_to must be a date YYYY-MM-DD")
            elif start is not None and end < start:
                self.error(f"{path}.effective_to", "effective_to is before effective_from")
        has_values, has_value = "values" in period, "value" in period
        if has_values == has_value:
            self.error(path, "a period needs either values (by household size) or one value")
        elif has_value:
            if not _is_amount(period["value"]):
                self.error(f"{path}.value", "expected a whole number or a decimal string")
            if "additional_person" in period:
                self.error(f"{path}.additional_person", "only a table by household size has one")
        else:
            self.values(period, path)
        source = period.get("source")
        if not isinstance(source, dict) or not _text(source.get("citation")):
            self.error(f"{path}.source.citation", "each period cites its publication")
        else:
            self.unknown_fields(source, ("citation", "url"), f"{path}.source")
            if "url" in source and not _url(source["url"]):
                self.error(f"{path}.source.url", "the source URL must be http(s)")
        return (start, end) if start is not None else None

    def values(self, period: dict, path: str) -> None:
        values = period["values"]
        if not isinstance(values, dict) or not values:
            self.error(f"{path}.values", 'values must be {"1": amount, "2": amount, ...}')
            return
        sizes = []
        for size, value in values.items():
            if not (isinstance(size, str) and size.isdigit() and int(size) >= 1):
                self.error(f"{path}.values.{size}", "a household size is a whole number from 1")
                continue
            sizes.append(int(size))
            if not _is_amount(value):
                self.error(f"{path}.values.{size}", "expected a whole number or a decimal string")
        if sizes and sorted(sizes) != list(range(1, max(sizes) + 1)):
            self.error(f"{path}.values", "values must cover household sizes 1..N without gaps")
        if "additional_person" not in period:
            self.error(
                f"{path}.additional_person", "the amount for each further person is required"
            )
        elif not _is_amount(period["additional_person"]):
            self.error(f"{path}.additional_person", "expected a whole number or a decimal string")


def table_document_errors(data: object) -> list[tuple[str, str]]:
    """Every problem in a table document as ``(JSON path, message)``; empty means valid."""
    checker = _Checker()
    checker.document(data)
    return checker.errors


def _number(value: object) -> Fraction | int:
    exact = amount(value)
    return exact.numerator if exact.denominator == 1 else exact


def period_to_table(table: dict, period: dict, next_start: date | None) -> Table:
    """One engine ``Table`` for one period of a valid table document entry."""
    start = date.fromisoformat(period["effective_from"])
    end = date.fromisoformat(period["effective_to"]) if period.get("effective_to") else None
    if end is None and next_start is not None:
        end = next_start - timedelta(days=1)
    values = {int(size): _number(value) for size, value in (period.get("values") or {}).items()}
    source = {
        "publisher": table["source"]["publisher"],
        "citation": period["source"]["citation"],
        "url": period["source"].get("url") or table["source"]["url"],
    }
    return Table(
        id=table["key"],
        title=table["title"]["en"],
        year=start.year,
        unit=table["unit"],
        values=values,
        additional_person=_number(period.get("additional_person", 0)),
        source=source,
        notes=table.get("notes", ""),
        effective_from=start,
        effective_to=end,
        titles=dict(table["title"]),
        value=_number(period["value"]) if "value" in period else None,
    )


def tables_from_document(data: object) -> list[Table]:
    """Every period of a table document as engine ``Table`` objects; raises
    ``TableDocumentInvalid`` (with every error) for an invalid document."""
    errors = table_document_errors(data)
    if errors:
        raise TableDocumentInvalid(errors)
    result = []
    for table in data["tables"]:  # type: ignore[index]
        periods = sorted(table["periods"], key=lambda period: period["effective_from"])
        starts = [date.fromisoformat(period["effective_from"]) for period in periods]
        for index, period in enumerate(periods):
            next_start = starts[index + 1] if index + 1 < len(starts) else None
            result.append(period_to_table(table, period, next_start))
    return result
