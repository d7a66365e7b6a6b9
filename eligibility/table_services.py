"""Changes to reference tables: importing a table document and admin edits, each audited.

A period that has begun and whose table a published program version reads is locked: some
resident may have been screened with it, so it is never changed in place, and no new period
may start inside it on or before today (that would rewrite what was in effect). Add a period
that starts later instead. Every change writes a ``TableChange`` row in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from eligibility.engine import table_document_errors
from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from eligibility.table_selectors import (
    period_entry,
    period_is_locked,
    table_entry,
    tables_used_by_published_versions,
)
from programs.documents.errors import DocumentError, DocumentInvalid


@dataclass
class TablesImported:
    """What an import did: tables created or changed, periods added or changed."""

    tables_created: list[str] = field(default_factory=list)
    tables_updated: list[str] = field(default_factory=list)
    periods_added: list[tuple[str, str]] = field(default_factory=list)
    periods_changed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.tables_created or self.tables_updated or self.periods_added or self.periods_changed
        )


def _table_fields(entry: dict) -> dict:
    return {
        "title": entry["title"]["en"],
        "title_es": entry["title"].get("es", ""),
        "unit": entry["unit"],
        "source_publisher": entry["source"]["publisher"],
        "source_url": entry["source"]["url"],
        "notes": entry.get("notes", ""),
    }


def _period_fields(entry: dict) -> dict:
    return {
        "effective_to": date.fromisoformat(entry["effective_to"])
        if entry.get("effective_to")
        else None,
        "values": entry.get("values") or {},
        "additional_person": entry.get("additional_person"),
        "value": entry.get("value"),
        "source_citation": entry["source"]["citation"],
        "source_url": entry["source"].get("url", ""),
    }


def _table_summary(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if key != "periods"}


# Over 60 lines: one check per way a period may conflict with what is stored, in the order
# the errors are reported.
def _lock_errors(
    path: str, entry: dict, table: ReferenceTable | None, used: set[str], today: date
) -> list[DocumentError]:
    """Why this table entry may not be applied over what is stored (locks and overlaps)."""
    if table is None:
        return []
    errors = []
    key = table.key
    if entry["unit"] != table.unit and key in used:
        errors.append(
            DocumentError(f"{path}.unit", "published programs read this table: its unit is fixed")
        )
    stored = {period.effective_from: period for period in table.periods.all()}
    for index, period in enumerate(entry["periods"]):
        here = f"{path}.periods[{index}]"
        start = date.fromisoformat(period["effective_from"])
        existing = stored.get(start)
        locked = period_is_locked(table_key=key, effective_from=start, used=used, today=today)
        if existing is not None:
            if period_entry(existing) != period and locked:
                errors.append(
                    DocumentError(
                        here,
                        f"the period from {start.isoformat()} has been in effect for published "
                        "programs and cannot be changed; add a new period instead",
                    )
                )
            continue
        earlier = [p for s, p in stored.items() if s < start]
        covering = max(earlier, key=lambda p: p.effective_from) if earlier else None
        if covering is not None and covering.effective_to and covering.effective_to >= start:
            errors.append(
                DocumentError(
                    f"{here}.effective_from",
                    f"overlaps the stored period from {covering.effective_from.isoformat()} "
                    f"to {covering.effective_to.isoformat()}",
                )
            )
        elif (
            covering is not None
            and start <= today
            and period_is_locked(
                table_key=key, effective_from=covering.effective_from, used=used, today=today
            )
        ):
            errors.append(
                DocumentError(
                    f"{here}.effective_from",
                    f"starts on or before today inside the period from "
                    f"{covering.effective_from.isoformat()}, which published programs have "
                    "used; a new period must start after today",
                )
            )
        end = period.get("effective_to")
        later = [s for s in stored if s > start]
        if end and later and date.fromisoformat(end) >= min(later):
            errors.append(
                DocumentError(
                    f"{here}.effective_to",
                    f"overlaps the stored period from {min(later).isoformat()}",
                )
            )
    return errors


# Over 60 lines: validate everything, then write every table in document order in one
# transaction.
@transaction.atomic
def table_document_import(*, data: object, via: str, acting_user=None) -> TablesImported:
    """Create or update the tables of a table document and add or correct their periods.

    Validates everything first and raises ``DocumentInvalid`` with every problem (JSON
    paths), writing nothing. Importing a document equal to what is stored changes nothing.
    Stored periods the document does not list are kept: periods are added, never removed.
    """
    errors = [DocumentError(path, message) for path, message in table_document_errors(data)]
    if errors:
        raise DocumentInvalid(errors)
    entries = data["tables"]  # type: ignore[index]
    stored = {
        table.key: table
        for table in ReferenceTable.objects.select_for_update()
        .filter(key__in=[entry["key"] for entry in entries])
        .prefetch_related("periods")
    }
    used = tables_used_by_published_versions()
    today = timezone.localdate()
    for index, entry in enumerate(entries):
        errors += _lock_errors(f"$.tables[{index}]", entry, stored.get(entry["key"]), used, today)
    if errors:
        raise DocumentInvalid(errors)

    result = TablesImported()
    for entry in entries:
        table = stored.get(entry["key"])
        fields = _table_fields(entry)
        if table is None:
            table = ReferenceTable.objects.create(key=entry["key"], **fields)
            _audit(table.key, TableChange.Action.TABLE_CREATED, None, None, entry, via, acting_user)
            result.tables_created.append(table.key)
            periods = {}
        else:
            before = _table_summary(table_entry(table, []))
            if any(getattr(table, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(table, name, value)
                table.save(update_fields=[*fields, "updated_at"])
                after = _table_summary(table_entry(table, []))
                _audit(
                    table.key,
                    TableChange.Action.TABLE_UPDATED,
                    None,
                    before,
                    after,
                    via,
                    acting_user,
                )
                result.tables_updated.append(table.key)
            periods = {period.effective_from: period for period in table.periods.all()}
        for period in entry["periods"]:
            start = date.fromisoformat(period["effective_from"])
            existing = periods.get(start)
            if existing is None:
                TablePeriod.objects.create(
                    table=table, effective_from=start, **_period_fields(period)
                )
                _audit(
                    table.key,
                    TableChange.Action.PERIOD_ADDED,
                    start,
                    None,
                    period,
                    via,
                    acting_user,
                )
                result.periods_added.append((table.key, start.isoformat()))
            elif period_entry(existing) != period:
                before = period_entry(existing)
                _period_update(existing, _period_fields(period))
                _audit(
                    table.key,
                    TableChange.Action.PERIOD_CHANGED,
                    start,
                    before,
                    period,
                    via,
                    acting_user,
                )
                result.periods_changed.append((table.key, start.isoformat()))
    return result


def _period_update(period: TablePeriod, fields: dict) -> None:
    for name, value in fields.items():
        setattr(period, name, value)
    period.save(update_fields=[*fields, "updated_at"])
    # The table's timestamp moves too, so every process sees a new revision at once.
    ReferenceTable.objects.filter(pk=period.table_id).update(updated_at=timezone.now())


def _audit(key, action, start, before, after, via, acting_user) -> None:
    TableChange.objects.create(
        table_key=key,
        action=action,
        effective_from=start,
        before=before,
        after=after,
        via=via,
        acting_user=acting_user,
    )
