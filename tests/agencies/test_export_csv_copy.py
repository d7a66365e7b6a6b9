"""The CSV export's PostgreSQL read path: rows streamed by `COPY (SELECT ...) TO STDOUT`,
stopped early with or without a transaction around it, parameters merged into the COPY,
the COPY counted as a query; answers decoded (orjson) exactly as the JSON field decodes
them (json)."""

import csv
import io
import json
import math

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from agencies.exports.csv_export import _json_value, prepare_csv_export
from agencies.exports.selection import ExportRange
from applicants.models import Application
from tests.agencies import export_support
from tests.agencies.export_support import make_application, second_version
from tests.agencies.test_export_csv_fast import reference_lines

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


NUMBERS = [
    0,
    -1,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,  # orjson alone would read this and the next ones as floats
    -(2**63),
    -(2**63) - 1,
    10**30,
    -(10**30),
    0.1,
    -0.0,
    2.5,
    1e-7,
    0.30000000000000004,
    1.5e300,
    5e-324,
    1.7976931348623157e308,
    1e20,  # jsonb keeps it as 100000000000000000000: an int once read back
]
TEXTS = ["", "Zoë", "Παπαδόπουλος", "张伟", "😀 emoji", "\u2028", 'say "hi"', "back\\slash"]
TEXTS += ["tab\there", "new\nline", "\x01", "12345678901234567890123", "=1+2"]


def _typed(value):
    """`value` with every number tagged by its type: 1 and 1.0 (and -0.0 and 0) differ."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, repr(value))


# Written straight into jsonb, numbers no Python float holds: json reads them as ints.
JSONB_ONLY = ["1e400", "-1e400", "123456789012345678901234.5", "-9223372036854775809"]


def _jsonb_text(json_text: str) -> str:
    """`json_text` as PostgreSQL stores and prints it (what the export reads)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json_text])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "json_text",
    [json.dumps({"v": value}) for value in NUMBERS + TEXTS]
    + [f'{{"v": {number}}}' for number in JSONB_ONLY]
    + [json.dumps({"é": {"n": [2**70, 0.5], "ключ": None, "b": [True, False]}, "x": "Zoë"})],
)
def test_answers_decode_as_the_json_field_decodes_them(json_text):
    text = _jsonb_text(json_text)
    # JSONField.from_db_value is json.loads: the values and the types must be the same.
    assert _typed(_json_value(text)) == _typed(json.loads(text))


def test_stored_answers_decode_as_the_json_field_decodes_them(world):
    answers = {"numbers": NUMBERS, "texts": TEXTS, "name": {"first": "Zoë", "last": 2**64}}
    application = make_application(world.program_a, world.version_a, answers=answers)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers::text FROM applicants_application WHERE id = %s", [application.pk]
        )
        (text,) = cursor.fetchone()
    stored = Application.objects.get(pk=application.pk).answers
    assert stored["numbers"][6] == 2**64 and stored["numbers"][19] == 10**20
    assert _typed(_json_value(text)) == _typed(stored)
    assert _json_value("not JSON") == "not JSON"
    assert math.isinf(_json_value("[Infinity]")[0])  # json's answer where orjson refuses


def test_exported_numbers_are_those_of_the_json_field(world):
    version = second_version(world.program_a)
    # One odd value per application: a long number in one answer sends the whole text to
    # json, which would hide a wrong decoding of the others.
    for odd in [
        {"contact.phone": 12345678901234567890123},
        {"applicant.ssn": -(2**63) - 1},
        {"applicant.name": {"first": 2**64, "middle": 1e-7, "last": "Zoë 😀"}},
        {"income.monthly_gross": 10**22 + 7},
        {"household.members": [{"name": {"first": -(2**63) - 2, "last": 0.1}}]},
    ]:
        make_application(world.program_a, version, answers=odd)
    export_range = ExportRange(world.program_a)
    export = prepare_csv_export(
        queryset=Application.objects.all(), export_range=export_range, can_view_sensitive=True
    )
    text = "".join(export.lines())
    queryset = Application.objects.filter(program=world.program_a).order_by("submitted_at", "pk")
    assert text == reference_lines(export_range, queryset, can_view_sensitive=True)
    for cell in ["12345678901234567890123", "-9223372036854775809", "18446744073709551616"]:
        assert cell in text
    assert "100000000000000000000.07" in text and "-9223372036854775810" in text
