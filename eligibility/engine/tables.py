"""Reference tables with dated periods (poverty guidelines, median income, caps) and exact limits.

A table (``hhs_poverty_guidelines``) has periods, each in effect from ``effective_from`` until
its ``effective_to`` (or until the next period starts). One ``Table`` object is one period.
Amounts are as published (whole dollars or decimal strings); every derived limit is computed
with ``Fraction`` and rounded once, by the rule's rounding rule, to integer cents. Floats never
touch money. The periods come from a table document (``table_documents.py``): the seed file
``tables/reference_tables.json`` here, or the database on the Django side.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from .values import household_size, round_cents

UNITS = {
    "annual_dollars": "annual",
    "monthly_dollars": "monthly",
    "percent": None,
    "count": None,
}
MONEY_UNITS = ("annual_dollars", "monthly_dollars")
PERIODS = ("annual", "monthly")
DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "tables"


class TableError(ValueError):
    """A table file that does not follow the documented format."""


class NoPeriodInEffect(LookupError):
    """A dated lookup on a date no period of the table covers (a validation error at publish
    time; only an ``as_of`` outside every period can still meet it at screening time)."""

    def __init__(self, table_id: str, on: date) -> None:
        super().__init__(f"no period of table {table_id} is in effect on {on.isoformat()}")
        self.table_id = table_id
        self.on = on


@dataclass(frozen=True)
class Table:
    """One period of a published table: amounts by household size (or one ``value``)."""

    id: str
    title: str
    year: int
    unit: str
    values: dict[int, Fraction | int]
    additional_person: Fraction | int
    source: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    effective_from: date | None = None
    effective_to: date | None = None  # inclusive; None: until the next period starts
    titles: dict[str, str] = field(default_factory=dict)  # {"es": ...}; English is ``title``
    value: Fraction | int | None = None  # a single-value table (a cap, a deduction)

    @property
    def period(self) -> str:
        """``annual`` or ``monthly``: the period the published money amounts cover."""
        return UNITS[self.unit] or "monthly"

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    @property
    def by_household(self) -> bool:
        return self.value is None

    def title_in(self, language: str) -> str:
        return self.titles.get(language) or self.title

    def covers(self, on: date) -> bool:
        """Whether this period is in effect on ``on`` (``effective_to`` is inclusive)."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def dollars(self, size: int) -> Fraction | int:
        """The published amount for a household of ``size`` (or the single value).

        Past the largest listed household the published rule applies: the largest listed amount
        plus ``additional_person`` for each further person.
        """
        if self.value is not None:
            return self.value
        size = household_size(size)
        if size in self.values:
            return self.values[size]
        largest = max(self.values)
        return self.values[largest] + (size - largest) * self.additional_person

    def exact_cents(self, size: int, *, percent: Fraction = Fraction(100), period: str) -> Fraction:
        """The unrounded amount in cents for ``percent`` % of the table, converted to ``period``."""
        amount = Fraction(self.dollars(size)) * 100 * percent / 100
        if self.is_money and period != self.period:
            amount = amount / 12 if period == "monthly" else amount * 12
        return amount

    def cents(
        self, size: int, *, percent: Fraction = Fraction(100), period: str, rounding: str
    ) -> int:
        """The limit in integer cents, rounded by ``rounding`` (see ``values.round_cents``)."""
        return round_cents(self.exact_cents(size, percent=percent, period=period), rounding)


class TableSet:
    """All loaded periods, looked up by table id and year, or by the date in effect."""

    def __init__(self, tables: list[Table] | None = None) -> None:
        self._tables: dict[tuple[str, int], Table] = {}
        self._periods: dict[str, list[Table]] = {}
        for table in tables or []:
            self.add(table)

    def add(self, table: Table) -> None:
        periods = self._periods.setdefault(table.id, [])
        if any(other.effective_from == table.effective_from for other in periods):
            raise TableError(f"table {table.id} for {table.year} is defined twice")
        periods.append(table)
        periods.sort(key=lambda t: (t.effective_from or date.min, t.year))
        # A year pin means the first period that starts in that year.
        key = (table.id, table.year)
        if key not in self._tables or (table.effective_from or date.min) < (
            self._tables[key].effective_from or date.min
        ):
            self._tables[key] = table

    def get(self, table_id: str, year: int) -> Table | None:
        """The period pinned by ``year`` (the one that starts in that year)."""
        return self._tables.get((table_id, year))

    def periods(self, table_id: str) -> list[Table]:
        """Every period of ``table_id``, oldest first."""
        return list(self._periods.get(table_id, ()))

    def in_effect(self, table_id: str, on: date) -> Table | None:
        """The period of ``table_id`` in effect on ``on``: the latest one started by then, unless
        it ended (``effective_to``) before ``on``."""
        found = None
        for table in self._periods.get(table_id, ()):
            if table.effective_from is not None and table.effective_from > on:
                break
            found = table
        return found if found is not None and found.covers(on) else None

    def ids(self) -> set[str]:
        return set(self._periods)

    def years(self, table_id: str) -> list[int]:
        return sorted(year for tid, year in self._tables if tid == table_id)

    def __iter__(self) -> Iterator[Table]:
        return (table for periods in self._periods.values() for table in periods)

    def __len__(self) -> int:
        return sum(len(periods) for periods in self._periods.values())


def table_from_dict(data: dict, *, origin: str = "<dict>") -> Table:
    """Build a ``Table`` from one legacy single-year table file (``id``/``year``), checking it."""
    try:
        unit = data["unit"]
        if unit not in MONEY_UNITS:
            raise TableError(f"{origin}: unit must be one of {sorted(MONEY_UNITS)}")
        values = {int(size): int(amount) for size, amount in data["values"].items()}
        if not values or min(values) != 1 or sorted(values) != list(range(1, max(values) + 1)):
            raise TableError(f"{origin}: values must cover household sizes 1..N without gaps")
        year = int(data["year"])
        return Table(
            id=str(data["id"]),
            title=str(data["title"]),
            year=year,
            unit=unit,
            values=values,  # type: ignore[arg-type]
            additional_person=int(data["additional_person"]),
            source=dict(data.get("source", {})),
            notes=str(data.get("notes", "")),
            effective_from=date(year, 1, 1),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, TableError):
            raise
        raise TableError(f"{origin}: {error!r}") from error


def load_tables(directory: str | Path | None = None) -> TableSet:
    """Load every ``*.json`` in ``directory`` (default: the package's ``tables/``, the seed).

    A file is either a table document (``{"format": ..., "tables": [...]}``, see
    ``table_documents.py``) or a legacy single-year table.
    """
    # The document format builds on this module's Table.
    from .table_documents import TableDocumentInvalid, tables_from_document

    folder = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    tables = TableSet()
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if isinstance(data, dict) and "tables" in data:
            try:
                periods = tables_from_document(data)
            except TableDocumentInvalid as error:
                raise TableError(f"{path.name}: {error}") from error
            for table in periods:
                tables.add(table)
        else:
            tables.add(table_from_dict(data, origin=path.name))
    return tables


class TableLimit:
    """One period's limit as a function of household size -> cents (or a number, for percent
    and count tables), with the common sizes precomputed."""

    PRECOMPUTED_SIZES = 20

    def __init__(self, table: Table, *, percent: Fraction, period: str, rounding: str) -> None:
        self.table = table
        self.percent = percent
        self.period = period
        self.rounding = rounding
        self.by_size = {size: self.compute(size) for size in range(1, self.PRECOMPUTED_SIZES + 1)}

    def compute(self, size: float) -> int | Fraction:
        if not self.table.is_money:  # a percent or a count: the number itself, exactly
            amount = Fraction(self.table.dollars(household_size(size))) * self.percent / 100
            return amount.numerator if amount.denominator == 1 else amount
        return self.table.cents(
            household_size(size), percent=self.percent, period=self.period, rounding=self.rounding
        )

    def __call__(self, size: float) -> int | Fraction:
        cents = self.by_size.get(size)  # type: ignore[call-overload]
        return cents if cents is not None else self.compute(size)


def last_anniversary(on: date, month: int, day: int) -> date:
    """The latest ``month``-``day`` on or before ``on`` ("the last 1 April")."""
    try:
        this_year = date(on.year, month, day)
    except ValueError:  # 29 February in a common year: the day after 28 February
        this_year = date(on.year, 2, 28) + timedelta(days=1)
    if this_year <= on:
        return this_year
    try:
        return date(on.year - 1, month, day)
    except ValueError:
        return date(on.year - 1, 2, 28) + timedelta(days=1)


class DatedLimit:
    """A table operand that asks for the period in effect: on the screening date itself, or on
    the program's own switch date before it (``switch=(4, 1)``: the last 1 April).

    ``at(as_of)`` returns that period's ``TableLimit`` (built once per period) or raises
    ``NoPeriodInEffect``. A year pin is the same object with one fixed period.
    """

    MEMO_DATES = 64

    def __init__(
        self,
        tables: TableSet,
        table_id: str,
        *,
        percent: Fraction,
        period: str | None,
        rounding: str,
        switch: tuple[int, int] | None = None,
        pinned: Table | None = None,
    ) -> None:
        self.table_id = table_id
        self.switch = switch
        self.pinned = pinned
        self._tables = tables
        self._options = {"percent": percent, "period": period, "rounding": rounding}
        self._limits: dict[int, TableLimit] = {}
        # Screening date -> limit; generated code reads it inline (``at`` only on a miss), so
        # it is only ever cleared, never replaced.
        self.by_date: dict[date, TableLimit] = {}

    def lookup_date(self, as_of: date) -> date:
        """The date whose period counts for a screening on ``as_of``."""
        return as_of if self.switch is None else last_anniversary(as_of, *self.switch)

    def period_on(self, as_of: date) -> Table:
        if self.pinned is not None:
            return self.pinned
        on = self.lookup_date(as_of)
        table = self._tables.in_effect(self.table_id, on)
        if table is None:
            raise NoPeriodInEffect(self.table_id, on)
        return table

    def limit_for(self, table: Table) -> TableLimit:
        limit = self._limits.get(id(table))
        if limit is None:
            options = dict(self._options)
            options["period"] = options["period"] or table.period
            limit = self._limits[id(table)] = TableLimit(table, **options)  # type: ignore[arg-type]
        return limit

    def at(self, as_of: date) -> TableLimit:
        limit = self.by_date.get(as_of)
        if limit is None:
            limit = self.limit_for(self.period_on(as_of))
            if len(self.by_date) >= self.MEMO_DATES:
                self.by_date.clear()
            self.by_date[as_of] = limit
        return limit


def periods_used(lookups: list[DatedLimit], as_of: date) -> list[dict]:
    """``[{"table", "title", "effective_from", "effective_to", "read_on", "source"}]`` for the
    periods ``lookups`` read on ``as_of``, each once, in order. ``read_on`` is the date whose
    period counts (``as_of`` itself, or the program's last switch date; None for a year pin)."""
    seen, used = set(), []
    for lookup in lookups:
        table = lookup.period_on(as_of)
        if id(table) in seen:
            continue
        seen.add(id(table))
        used.append(
            {
                "table": table.id,
                "title": table.title,
                "effective_from": table.effective_from.isoformat()
                if table.effective_from
                else None,
                "effective_to": table.effective_to.isoformat() if table.effective_to else None,
                "read_on": None
                if lookup.pinned is not None
                else lookup.lookup_date(as_of).isoformat(),
                "source": dict(table.source),
            }
        )
    return used
