"""Reads of the reference tables: the canonical document, the engine's ``TableSet`` (cached per
process and rebuilt when the tables change), and which periods are locked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from datetime import date

from django.utils import timezone

from eligibility.engine import TableSet, load_tables, tables_from_document
from eligibility.engine.table_documents import FORMAT
from eligibility.engine.tables import DEFAULT_DIRECTORY
from eligibility.table_models import ReferenceTable, TablePeriod
from programs.documents.validate import FROZEN as frozen
from programs.models import ProgramVersion, Screen

_lock = threading.Lock()
_cached: dict[str, object] = {"revision": None, "tables": None}


def table_entry(table: ReferenceTable, periods: Iterable[TablePeriod]) -> dict:
    """One table as it appears in a table document, keys in the documented order."""
    title = {"en": table.title}
    if table.title_es:
        title["es"] = table.title_es
    entry: dict = {
        "key": table.key,
        "title": title,
        "unit": table.unit,
        "source": {"publisher": table.source_publisher, "url": table.source_url},
    }
    if table.notes:
        entry["notes"] = table.notes
    entry["periods"] = [period_entry(period) for period in periods]
    return entry


def period_entry(period: TablePeriod) -> dict:
    entry: dict = {"effective_from": period.effective_from.isoformat()}
    if period.effective_to is not None:
        entry["effective_to"] = period.effective_to.isoformat()
    if period.value is not None:
        entry["value"] = period.value
    else:
        entry["values"] = {
            size: period.values[size] for size in sorted(period.values, key=lambda s: int(s))
        }
        entry["additional_person"] = period.additional_person
    source = {"citation": period.source_citation}
    if period.source_url:
        source["url"] = period.source_url
    entry["source"] = source
    return entry


def tables_document(*, keys: list[str] | None = None) -> dict:
    """The tables (all, or those named) as one table document; two queries."""
    tables = ReferenceTable.objects.prefetch_related("periods").order_by("key")
    if keys is not None:
        tables = tables.filter(key__in=keys)
    return {
        "format": FORMAT,
        "tables": [
            table_entry(table, sorted(table.periods.all(), key=lambda p: p.effective_from))
            for table in tables
        ],
    }


def document_text(document: dict) -> str:
    """The one serialisation of a table document: export -> import -> export is identical."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def seed_document() -> dict:
    """The table document shipped with the code (what the seed migration loads)."""
    return json.loads((DEFAULT_DIRECTORY / "reference_tables.json").read_text(encoding="utf-8"))


def tables_revision() -> tuple:
    """Changes whenever a table or period is added or changed: the tables' part of the
    published signature (one query, shared with the rest of the request)."""
    from eligibility.published import published_signature

    return published_signature()[6:]


def reference_table_set() -> tuple[tuple, TableSet]:
    """``(revision, TableSet)`` of every period in the database. One query while nothing
    changed (none when the request read the published signature already); a change made by
    another process (a command, an admin upload) is picked up on the next call."""
    revision = tables_revision()
    if _cached["revision"] != revision:
        document = tables_document()
        # A database with no table at all (a test database after a flush, a database whose
        # seed migration was faked) screens with the shipped seed document rather than none.
        tables = TableSet(tables_from_document(document)) if document["tables"] else load_tables()
        with _lock:
            _cached["revision"], _cached["tables"] = revision, tables
        return revision, tables
    return revision, _cached["tables"]  # type: ignore[return-value]


def _table_keys(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("table"), str):
            yield node["table"]
        for child in node.values():
            yield from _table_keys(child)
    elif isinstance(node, list):
        for child in node:
            yield from _table_keys(child)


def table_keys_in(*documents: object) -> set[str]:
    """Every table key a rule, estimate or condition JSON looks up."""
    return {key for document in documents for key in _table_keys(document)}


def tables_used_by_published_versions() -> set[str]:
    """Keys of the tables that scheduled, published or once published (archived) versions
    read."""

    keys: set[str] = set()
    for rules, estimate in ProgramVersion.objects.filter(status__in=frozen).values_list(
        "eligibility_rules", "estimated_value"
    ):
        keys |= table_keys_in(rules, estimate)
    for condition in Screen.objects.filter(version__status__in=frozen).values_list(
        "visible_if", flat=True
    ):
        keys |= table_keys_in(condition)
    return keys


def period_is_locked(
    *, table_key: str, effective_from: date, used: set[str], today: date | None = None
) -> bool:
    """A period is locked once it has begun and a published version reads its table: some
    screening may have used it, so it is never changed in place (add a new period instead)."""
    return table_key in used and effective_from <= (today or timezone.localdate())
