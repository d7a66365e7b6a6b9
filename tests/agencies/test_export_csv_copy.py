"""The CSV export's PostgreSQL read path: rows streamed by `COPY (SELECT ...) TO STDOUT`,
stopped early with or without a transaction around it, parameters merged into the COPY,
and the COPY counted as a query."""

import csv
import io

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from agencies.exports.csv_export import prepare_csv_export
from agencies.exports.selection import ExportRange
from applicants.models import Application
from tests.agencies import export_support
from tests.agencies.export_support import make_application

world = export_support.world
PADDING = 8_000_000


def _export(world, queryset=None):
    return prepare_csv_export(
        queryset=queryset if queryset is not None else Application.objects.all(),
        export_range=ExportRange(world.program_a),
    )


def _stop_after_first_row(export) -> list[str]:
    lines = export.lines()
    first = [next(lines), next(lines)]
    lines.close()  # as a download cut short closes the response's iterator
    return first


def _applications(world, *, padding: int = 0) -> int:
    for _ in range(4):
        # An answer no column shows, long enough that the server is still sending rows
        # (more than the socket holds) when the export is stopped after the first one.
        make_application(world.program_a, world.version_a, answers={"notes": "x" * padding})
    return Application.objects.filter(program=world.program_a).count()


def test_stopping_early_inside_a_transaction_leaves_it_usable(world):
    count = _applications(world, padding=PADDING)
    export = _export(world)
    assert connection.in_atomic_block  # the test's own transaction
    header, row = _stop_after_first_row(export)
    assert header.startswith("reference,") and row.startswith("APP-")
    # A cancelled COPY would have aborted the transaction: every query would now fail.
    assert Application.objects.filter(program=world.program_a).count() == count
    assert len(list(export.lines())) == 1 + count


@pytest.mark.usefixtures("transactional_db")
def test_stopping_early_in_autocommit_leaves_the_connection_usable(world):
    count = _applications(world, padding=PADDING)
    export = _export(world)
    assert connection.get_autocommit() and not connection.in_atomic_block
    _stop_after_first_row(export)
    assert Application.objects.filter(program=world.program_a).count() == count
    assert len(list(export.lines())) == 1 + count


def test_parameters_with_percent_signs_reach_the_copy(world):
    kept = make_application(world.program_a, world.version_a)
    make_application(world.program_a, world.version_a)
    # A LIKE parameter carrying literal % and _ (escaped by Django) next to an id.
    queryset = Application.objects.filter(Q(pk=kept.pk) | Q(reference__contains="50%_off"))
    rows = list(csv.DictReader(io.StringIO("".join(_export(world, queryset).lines()))))
    assert [row["reference"] for row in rows] == [kept.reference]


def test_the_copy_is_counted_as_a_query(world):
    count = _applications(world)
    export = _export(world)
    with CaptureQueriesContext(connection) as queries:
        lines = list(export.lines())
    assert len(lines) == 1 + count
    assert [query["sql"][:6] for query in queries.captured_queries] == ["COPY ("]
