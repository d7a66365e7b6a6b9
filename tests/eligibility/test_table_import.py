"""Table documents in the database: import/export commands, round trips, locks and audit."""

import copy
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from eligibility.services import screen
from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from eligibility.table_selectors import document_text, tables_document
from programs.documents.errors import DocumentInvalid
from programs.services import program_version_check

pytestmark = pytest.mark.django_db

ONE_AT_2700 = {
    "household.size": 1,
    "income.monthly_gross": 270000,
    "applicant.birth_date": "1990-05-01",
}


def export(*args) -> str:
    out = StringIO()
    call_command("export_tables", *args, stdout=out)
    return out.getvalue()


def import_file(tmp_path, document) -> str:
    path = tmp_path / "tables.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    out = StringIO()
    call_command("import_tables", str(path), stdout=out)
    return out.getvalue()


def with_2027_period(document: dict, start: str = "2027-01-12") -> dict:
    """The seed with a (made-up, for the test) 2027 guideline period added."""
    document = copy.deepcopy(document)
    hhs = next(t for t in document["tables"] if t["key"] == "hhs_poverty_guidelines")
    hhs["periods"].append({
        "effective_from": start,
        "values": {str(size): 16400 + (size - 1) * 5800 for size in range(1, 9)},
        "additional_person": 5800,
        "source": {"citation": "Test figures for a future year", "url": "https://example.org/2027"},
    })  # fmt: skip
    return document


def test_seed_migration_loaded_the_shipped_tables_and_export_matches_it():
    from eligibility.engine.tables import DEFAULT_DIRECTORY

    assert export() == (DEFAULT_DIRECTORY / "reference_tables.json").read_text()
    shipped = json.loads((DEFAULT_DIRECTORY / "reference_tables.json").read_text())["tables"]
    assert TableChange.objects.filter(via="seed").count() == len(shipped)  # one per table


def test_export_import_export_is_byte_identical_and_changes_nothing(tmp_path):
    first = export()
    changes = TableChange.objects.count()
    assert "nothing to change" in import_file(tmp_path, first)
    assert export() == first
    assert TableChange.objects.count() == changes
    # And through a new table with decimal amounts and a single value.
    document = json.loads(first)
    document["tables"].append({
        "key": "wic_income_percent", "title": {"en": "WIC income limit", "es": "Límite de WIC"},
        "unit": "percent", "source": {"publisher": "USDA FNS", "url": "https://www.fns.usda.gov/wic"},
        "notes": "A percent of the poverty guideline.",
        "periods": [{"effective_from": "2025-07-01", "value": "185.0",
                     "source": {"citation": "WIC income eligibility guidelines"}}],
    })  # fmt: skip
    import_file(tmp_path, document)
    second = export()
    import_file(tmp_path, second)
    assert export() == second
    assert json.loads(export("wic_income_percent"))["tables"][0]["periods"][0]["value"] == "185.0"


def test_bad_document_exits_2_lists_every_error_and_writes_nothing(tmp_path):
    document = with_2027_period(json.loads(export()))
    document["tables"][0]["periods"][2]["values"]["2"] = "lots"
    document["tables"][1]["source"]["url"] = "ftp://nope"
    before = (TablePeriod.objects.count(), TableChange.objects.count())
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, document)
    assert error.value.returncode == 2
    assert "2 errors, nothing was imported" in str(error.value)
    assert "$.tables[0].periods[2].values.2" in str(error.value)
    assert "$.tables[1].source.url" in str(error.value)
    assert (TablePeriod.objects.count(), TableChange.objects.count()) == before
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, "{not json")
    assert error.value.returncode == 2 and "not valid JSON" in str(error.value)


def test_new_period_changes_results_on_its_first_day_not_before(tmp_path, demo_programs):
    # ORCA LIFT reads the guideline in effect on the screening date: 200% to the cent.
    def outcome_on(on):
        (result,) = screen(answers=ONE_AT_2700, program_slugs=["orca-lift"], as_of=on)
        return result.outcome, [u["effective_from"] for u in result.tables_used]

    # $2,700 is above 200% of the 2026 guideline ($2,660) and within 2027's ($2,733.33).
    assert outcome_on(date(2027, 1, 12)) == ("ineligible", ["2026-01-13"])
    out = import_file(tmp_path, with_2027_period(json.loads(export())))
    assert "hhs_poverty_guidelines: period from 2027-01-12 added" in out
    assert outcome_on(date(2027, 1, 11)) == ("ineligible", ["2026-01-13"])
    assert outcome_on(date(2027, 1, 12)) == ("eligible", ["2027-01-12"])
    change = TableChange.objects.get(action="period_added")
    assert (change.table_key, change.effective_from, change.via) == (
        "hhs_poverty_guidelines", date(2027, 1, 12), "command"
    )  # fmt: skip


def test_a_period_published_programs_used_is_never_changed_in_place(tmp_path, demo_programs):
    document = json.loads(export())
    document["tables"][0]["periods"][0]["values"]["1"] = 15651
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, document)
    assert error.value.returncode == 2
    assert "$.tables[0].periods[0]: the period from 2025-01-15 has been in effect" in str(
        error.value
    )
    assert TablePeriod.objects.get(effective_from=date(2025, 1, 15)).values["1"] == 15650


def test_a_new_period_may_not_start_today_inside_a_used_period(tmp_path, demo_programs):
    today = timezone.localdate().isoformat()
    with pytest.raises(DocumentInvalid) as error:
        from eligibility.table_services import table_document_import

        table_document_import(data=with_2027_period(json.loads(export()), today), via="command")
    (problem,) = error.value.errors
    assert problem.path == "$.tables[0].periods[2].effective_from"
    assert "a new period must start after today" in problem.message


def test_a_period_no_published_program_reads_can_be_corrected(tmp_path):
    # Without published programs nothing has been screened with these tables yet.
    document = json.loads(export())
    smi = next(t for t in document["tables"] if t["key"] == "wa_state_median_income")
    smi["periods"][0]["values"]["1"] = 3700
    assert "period from 2024-01-01 corrected" in import_file(tmp_path, document)
    change = TableChange.objects.get(action="period_changed")
    assert change.before["values"]["1"] == 3689 and change.after["values"]["1"] == 3700
    with pytest.raises(Exception, match="rows cannot be deleted"):
        change.delete()


def test_a_future_period_can_be_corrected_until_it_begins(tmp_path, demo_programs):
    start = (timezone.localdate() + timedelta(days=30)).isoformat()
    document = with_2027_period(json.loads(export()), start)
    import_file(tmp_path, document)
    document["tables"][0]["periods"][2]["values"]["1"] = 16500
    assert f"period from {start} corrected" in import_file(tmp_path, document)


def test_publishing_refuses_a_rule_whose_dates_have_no_period(demo_programs):
    from programs.services import program_version_create_draft, program_version_update

    published = demo_programs["basic-food"]
    draft = program_version_create_draft(program=published.program, from_version=published)
    early = {"name": "Before any guideline", "as_of": "2025-02-01", "expected": "eligible",
             "answers": {"household.size": 1, "income.monthly_gross": 1}}  # fmt: skip
    examples = [*draft.examples, early]
    program_version_update(version=draft, examples=examples)
    errors = program_version_check(version=draft)
    # Basic Food reads the last 1 April: for 2025-02-01 that is 2024-04-01, before any period.
    (error,) = errors
    assert error.path == f"$.programs[0].examples[{len(examples) - 1}].as_of"
    assert "no period of table 'hhs_poverty_guidelines' is in effect on 2024-04-01" in (
        error.message
    )


def test_export_names_tables_and_rejects_unknown_ones():
    assert [t["key"] for t in json.loads(export("wa_state_median_income"))["tables"]] == [
        "wa_state_median_income"
    ]
    with pytest.raises(CommandError) as error:
        export("nope")
    assert error.value.returncode == 2


def test_database_tables_are_what_screening_reads():
    assert document_text(tables_document()) == export()
    assert ReferenceTable.objects.get(key="hhs_poverty_guidelines").periods.count() == 2


def test_load_demo_brings_new_seed_periods_to_an_existing_database():
    TablePeriod.objects.filter(effective_from=date(2026, 1, 13)).delete()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Reference tables: 1 periods added or corrected." in out.getvalue()
    assert TablePeriod.objects.filter(effective_from=date(2026, 1, 13)).exists()
    assert TableChange.objects.filter(action="period_added", via="seed").count() == 1


def test_load_demo_applies_each_seed_table_that_it_may_and_names_the_one_it_may_not():
    call_command("load_demo", stdout=StringIO())  # the demo programs read the SNAP tables
    # An existing demo that never had FY2027: a period from 1 October 2026 would start, on or
    # before today, inside the FY2026 period published programs have used: refused. A table
    # no program reads still arrives.
    TablePeriod.objects.filter(
        table__key="usda_snap_maximum_allotment", effective_from=date(2026, 10, 1)
    ).delete()
    TablePeriod.objects.filter(table__key="usda_snap_excess_shelter_cap").delete()
    ReferenceTable.objects.filter(key="usda_snap_excess_shelter_cap").delete()
    out, err = StringIO(), StringIO()
    call_command("load_demo", stdout=out, stderr=err)
    assert "Reference table usda_snap_maximum_allotment left as it is" in err.getvalue()
    assert "Reference tables: 2 periods added or corrected." in out.getvalue()
    assert ReferenceTable.objects.get(key="usda_snap_excess_shelter_cap").periods.count() == 2
