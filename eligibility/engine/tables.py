"""Published reference tables (poverty guidelines, median income) and exact limit arithmetic.

Each JSON file in ``tables/`` is one table for one year. Amounts are whole dollars as published;
every derived limit is computed with ``Fraction`` and rounded once, by the rule's rounding rule,
to integer cents. Floats never touch money.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .values import household_size, round_cents

UNITS = {"annual_dollars": "annual", "monthly_dollars": "monthly"}
PERIODS = ("annual", "monthly")
DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "tables"


class TableError(ValueError):
    """A table file that does not follow the documented format."""


@dataclass(frozen=True)
class Table:
    """One published table: whole-dollar amounts by household size, for one year."""

    id: str
    title: str
    year: int
    unit: str
    values: dict[int, int]
    additional_person: int
    source: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    @property
    def period(self) -> str:
        """``annual`` or ``monthly``: the period the published amounts cover."""
        return UNITS[self.unit]

    def dollars(self, size: int) -> int:
        """The published amount for a household of ``size``.

        Past the largest listed household the published rule applies: the largest listed amount
        plus ``additional_person`` for each further person.
        """
        size = household_size(size)
        if size in self.values:
            return self.values[size]
        largest = max(self.values)
        return self.values[largest] + (size - largest) * self.additional_person

    def exact_cents(self, size: int, *, percent: Fraction = Fraction(100), period: str) -> Fraction:
        """The unrounded amount in cents for ``percent`` % of the table, converted to ``period``."""
        amount = Fraction(self.dollars(size) * 100) * percent / 100
        if period != self.period:
            amount = amount / 12 if period == "monthly" else amount * 12
        return amount

    def cents(
        self, size: int, *, percent: Fraction = Fraction(100), period: str, rounding: str
    ) -> int:
        """The limit in integer cents, rounded by ``rounding`` (see ``values.round_cents``)."""
        return round_cents(self.exact_cents(size, percent=percent, period=period), rounding)


class TableSet:
    """All loaded tables, looked up by id and year."""

    def __init__(self, tables: list[Table] | None = None) -> None:
        self._tables: dict[tuple[str, int], Table] = {}
        for table in tables or []:
            self.add(table)

    def add(self, table: Table) -> None:
        key = (table.id, table.year)
        if key in self._tables:
            raise TableError(f"table {table.id} for {table.year} is defined twice")
        self._tables[key] = table

    def get(self, table_id: str, year: int) -> Table | None:
        return self._tables.get((table_id, year))

    def ids(self) -> set[str]:
        return {table_id for table_id, _ in self._tables}

    def years(self, table_id: str) -> list[int]:
        return sorted(year for tid, year in self._tables if tid == table_id)

    def __iter__(self) -> Iterator[Table]:
        return iter(self._tables.values())

    def __len__(self) -> int:
        return len(self._tables)


def table_from_dict(data: dict, *, origin: str = "<dict>") -> Table:
    """Build a ``Table`` from the parsed JSON of one table file, checking its shape."""
    try:
        unit = data["unit"]
        if unit not in UNITS:
            raise TableError(f"{origin}: unit must be one of {sorted(UNITS)}")
        values = {int(size): int(amount) for size, amount in data["values"].items()}
        if not values or min(values) != 1 or sorted(values) != list(range(1, max(values) + 1)):
            raise TableError(f"{origin}: values must cover household sizes 1..N without gaps")
        return Table(
            id=str(data["id"]),
            title=str(data["title"]),
            year=int(data["year"]),
            unit=unit,
            values=values,
            additional_person=int(data["additional_person"]),
            source=dict(data.get("source", {})),
            notes=str(data.get("notes", "")),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, TableError):
            raise
        raise TableError(f"{origin}: {error!r}") from error


def load_tables(directory: str | Path | None = None) -> TableSet:
    """Load every ``*.json`` table in ``directory`` (default: the package's ``tables/``)."""
    folder = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    tables = TableSet()
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            tables.add(table_from_dict(json.load(handle), origin=path.name))
    return tables


class TableLimit:
    """A table operand of a compiled rule: size -> cents, with precomputed common sizes."""

    PRECOMPUTED_SIZES = 20

    def __init__(self, table: Table, *, percent: Fraction, period: str, rounding: str) -> None:
        self.table = table
        self.percent = percent
        self.period = period
        self.rounding = rounding
        self.by_size = {size: self.compute(size) for size in range(1, self.PRECOMPUTED_SIZES + 1)}

    def compute(self, size: float) -> int:
        return self.table.cents(
            household_size(size), percent=self.percent, period=self.period, rounding=self.rounding
        )

    def __call__(self, size: float) -> int:
        cents = self.by_size.get(size)  # type: ignore[call-overload]
        return cents if cents is not None else self.compute(size)
