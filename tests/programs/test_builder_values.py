"""Named values and computed operands as builder rows (programs/builder/values.py): rows
typed by an admin give the values the engine reads, values read back into rows give the
same JSON, engine errors land on the value row's field, and a SNAP-style net-income program
built only with rows exports identical to the document written by hand
(docs/examples/snap-net-income.json)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from programs.builder.forms import ValueRowForm
from programs.builder.outline import apply_value_action, parse_value_action
from programs.builder.row_base import values_in_reading_order
from programs.builder.values import blank_value_row, rows_values, value_error_field, values_rows
from programs.documents.export import export_document
from programs.models import ProgramVersion
from programs.selectors import versions_for_export
from programs.services import program_version_create_draft, program_version_update
from tests.programs.test_builder_views import post_rows
from tests.programs.test_builder_views import row as condition_row
from tests.programs.test_documents import keep_test_connection  # noqa: F401

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "snap-net-income.json"
HAND_WRITTEN = json.loads(DOCUMENT.read_text(encoding="utf-8"))
SLUG = "snap-net-income-check"
PROGRAM = HAND_WRITTEN["programs"][0]
TYPES = {q["key"]: q["type"] for q in PROGRAM["questions"]}
VALUE_FIELDS = list(ValueRowForm.base_fields)
FY = {"table_when": "last", "table_when_value": "10-01"}
SIZE = {"table_size": "answer", "table_size_value": "household.size"}


def v(kind, depth=1, **fields):
    return {**blank_value_row(kind, depth), **fields}


def named(name, en, es):
    return v("value_name", 0, value_name=name, label_en=en, label_es=es)


def answer(key, depth=2):
    return v("answer", depth, left_question=key)


def ref(name, depth=2):
    return v("named", depth, left_name=name)


def snap_value_rows():
    """The SNAP net-income values as an admin types them, row by row."""
    return [
        named("gross_income", *PROGRAM_LABELS["gross_income"]),
        v("add"),
        answer("income.earned_monthly"),
        answer("income.unearned_monthly"),
        named("earned_income_deduction", *PROGRAM_LABELS["earned_income_deduction"]),
        v("percent", right_value="20"),
        answer("income.earned_monthly"),
        named("standard_deduction", *PROGRAM_LABELS["standard_deduction"]),
        v("table", table_id="usda_snap_standard_deduction", **FY, **SIZE),
        named("deductions", *PROGRAM_LABELS["deductions"]),
        v("add"),
        ref("earned_income_deduction"),
        ref("standard_deduction"),
        answer("expenses.dependent_care_monthly"),
        named("adjusted_income", *PROGRAM_LABELS["adjusted_income"]),
        v("max"),
        v("sub", 2),
        ref("gross_income", 3),
        ref("deductions", 3),
        v("dollars", 2, right_value="0"),
        named("excess_shelter_deduction", *PROGRAM_LABELS["excess_shelter_deduction"]),
        v("min"),
        v("max", 2),
        v("sub", 3),
        answer("housing.shelter_costs_monthly", 4),
        v("percent", 4, right_value="50"),
        ref("adjusted_income", 5),
        v("dollars", 3, right_value="0"),
        v("table", 2, table_id="usda_snap_excess_shelter_cap", **FY),
        named("net_income", *PROGRAM_LABELS["net_income"]),
        v("max"),
        v("sub", 2),
        ref("adjusted_income", 3),
        ref("excess_shelter_deduction", 3),
        v("dollars", 2, right_value="0"),
    ]


PROGRAM_LABELS = {
    name: (node["label"]["en"], node["label"]["es"])
    for name, node in PROGRAM["eligibility"]["rules"]["values"].items()
}


def limit_row(value_name, percent):
    return condition_row(
        left="named",
        left_name=value_name,
        op="lte",
        right="table",
        table_id="hhs_poverty_guidelines",
        table_percent=percent,
        table_period="monthly",
        table_rounding="up_dollar",
        **FY,
        **SIZE,
    )


def snap_condition_rows():
    return [
        condition_row("all", 0),
        limit_row("gross_income", "130"),
        limit_row("net_income", "100"),
    ]


def post_values(rows, data):
    data.update(
        {
            "values-TOTAL_FORMS": str(len(rows)),
            "values-INITIAL_FORMS": str(len(rows)),
            "values-MIN_NUM_FORMS": "0",
            "values-MAX_NUM_FORMS": "1000",
        }
    )
    # As a browser posts them: only the fields the row's type shows (empty ones read the same
    # as absent), which keeps a long rule within Django's limit on posted fields.
    for index, value_row in enumerate(rows):
        for name in VALUE_FIELDS:
            if value_row.get(name) not in (None, "") or name in ("kind", "depth"):
                data[f"values-{index}-{name}"] = str(value_row[name])
    return data


def test_rows_typed_by_an_admin_give_the_hand_written_values():
    values, errors, _paths = rows_values(snap_value_rows(), TYPES)
    assert errors == []
    assert values == PROGRAM["eligibility"]["rules"]["values"]


def test_values_read_into_rows_are_rows_and_give_back_the_same_json():
    values = PROGRAM["eligibility"]["rules"]["values"]
    rows = values_rows(values, TYPES)
    assert "kept" not in {r["kind"] for r in rows}
    # The file keeps the database's key order (jsonb: shorter names first); the rows come
    # back each value after the ones it uses, the order they were typed in.
    assert [(r["kind"], r["depth"]) for r in rows] == [
        (r["kind"], r["depth"]) for r in snap_value_rows()
    ]
    names = [r["value_name"] for r in rows if r["kind"] == "value_name"]
    assert names == [r["value_name"] for r in snap_value_rows() if r["kind"] == "value_name"]
    assert names != list(values)
    assert rows_values(rows, TYPES)[0] == values
    odd = {"odd": {"add": [{"dollars": 1}], "extra": True}}
    kept = values_rows(odd, TYPES)
    assert [r["kind"] for r in kept] == ["value_name", "kept"]
    assert rows_values(kept, TYPES)[0] == odd


def test_row_problems_and_engine_errors_land_on_the_value_row_field():
    rows = snap_value_rows()
    rows[0]["value_name"] = "Gross income"
    rows[5]["right_value"] = ""
    rows[7]["value_name"] = "gross_income"  # the first is refused, this one then reads fine
    _values, errors, _paths = rows_values(rows, TYPES)
    assert {(e.row, e.field) for e in errors} == {(0, "value_name"), (5, "right_value")}
    rows = snap_value_rows()
    rows[13]["left_question"] = "expenses.unknown"
    _values, errors, paths = rows_values(rows, TYPES)
    assert errors == []
    assert value_error_field(rows, paths, "$.values.deductions.add[2].answer") == (
        13,
        "left_question",
    )
    assert value_error_field(rows, paths, "$.values.deductions.add[0]") == (11, None)


def test_value_buttons_add_values_operands_and_calculations():
    rows = apply_value_action([], *parse_value_action("value_add_value"))
    assert [(r["kind"], r["depth"]) for r in rows] == [("value_name", 0), ("answer", 1)]
    rows = apply_value_action(rows, *parse_value_action("value_add_calculation:1"))
    assert [(r["kind"], r["depth"]) for r in rows][2] == ("add", 1)
    rows = apply_value_action(rows, *parse_value_action("value_add_operand:2"))
    assert [(r["kind"], r["depth"]) for r in rows][3] == ("answer", 2)
    rows = apply_value_action(rows, *parse_value_action("value_indent:1"))
    assert rows[1]["depth"] == 2
    assert parse_value_action("indent:1") is None and parse_value_action("value_boom:1") is None


@pytest.fixture
def snap_draft():
    call_command("import_programs", str(DOCUMENT), "--publish")
    published = ProgramVersion.objects.get(program__slug=SLUG)
    draft = program_version_create_draft(program=published.program, from_version=published)
    program_version_update(version=draft, eligibility_rules={})
    return draft


def rule_url(version):
    return reverse("admin:programs_programversion_rule", args=[version.pk])


@pytest.mark.django_db
def test_a_net_income_program_built_by_rows_exports_as_written_by_hand(staff_client, snap_draft):
    data = post_values(snap_value_rows(), post_rows(snap_condition_rows(), action="check"))
    page = staff_client.post(rule_url(snap_draft), data).content.decode()
    assert "The rule is valid." in page
    assert (
        "Your household&#x27;s net monthly income is: the largest of (your income after "
        "deductions minus the excess shelter deduction) or $0"
    ) in page
    data["action"] = "save"
    assert staff_client.post(rule_url(snap_draft), data).status_code == 302
    snap_draft.refresh_from_db()
    assert snap_draft.eligibility_rules == PROGRAM["eligibility"]["rules"]
    # The document: identical to the hand-written one read in (whose file leaves out a few
    # defaults the export spells out, such as the agency's phone or `allows_reapplication`).
    built = export_document(versions_for_export(slugs=[SLUG], which="draft")[0])
    by_hand = export_document(versions_for_export(slugs=[SLUG], which="published")[0])
    assert json.dumps(built, sort_keys=True) == json.dumps(by_hand, sort_keys=True)
    assert built["programs"][0]["eligibility"] == PROGRAM["eligibility"]
    # Opened again, the saved values come back as the same rows.
    page = staff_client.get(rule_url(snap_draft)).content.decode()
    assert 'name="values-TOTAL_FORMS" value="35"' in page
    assert '<option value="kept" selected>' not in page  # every part is rows, none kept
    assert '<option value="percent" selected>' in page


@pytest.mark.django_db
def test_an_engine_error_in_a_value_is_shown_on_its_field(staff_client, snap_draft):
    rows = snap_value_rows()
    rows[13]["left_question"] = "expenses.unknown"
    data = post_values(rows, post_rows(snap_condition_rows(), action="save"))
    response = staff_client.post(rule_url(snap_draft), data)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_values-13-left_question"' in page
    snap_draft.refresh_from_db()
    assert snap_draft.eligibility_rules == {}


@pytest.mark.django_db
def test_a_post_without_the_value_rows_keeps_the_stored_values(staff_client, snap_draft):
    program_version_update(version=snap_draft, eligibility_rules=PROGRAM["eligibility"]["rules"])
    data = post_rows(snap_condition_rows(), action="save")
    assert staff_client.post(rule_url(snap_draft), data).status_code == 302
    snap_draft.refresh_from_db()
    assert snap_draft.eligibility_rules == PROGRAM["eligibility"]["rules"]


@pytest.mark.django_db
def test_the_value_rows_and_the_estimate_page_speak_spanish(staff_client, snap_draft):
    program_version_update(version=snap_draft, eligibility_rules=PROGRAM["eligibility"]["rules"])
    with translation.override("es"):
        page = staff_client.get(rule_url(snap_draft), HTTP_ACCEPT_LANGUAGE="es").content.decode()
        estimate = staff_client.get(
            reverse("admin:programs_programversion_estimate", args=[snap_draft.pk]),
            HTTP_ACCEPT_LANGUAGE="es",
        ).content.decode()
    assert "Valores con nombre" in page and "Cálculo: el primero menos el segundo" in page
    assert "Agregar un valor con nombre" in page
    assert "El ingreso neto mensual de su hogar es: el mayor de" in page
    assert "Beneficio estimado de" in estimate and "Revisar la estimación" in estimate


def test_values_read_each_after_the_ones_it_uses_and_a_cycle_keeps_every_value():
    values = {
        "total": {"add": [{"named": "b_part"}, {"named": "a_part"}]},
        "a_part": {"value": 1},
        "b_part": {"mul": [{"named": "a_part"}, {"value": 2}]},
        "spare": {"value": 3},
    }
    assert [name for name, _node in values_in_reading_order(values)] == [
        "a_part",
        "b_part",
        "total",
        "spare",
    ]
    loop = {"x": {"named": "y"}, "y": {"named": "x"}, "z": {"value": 1}}
    assert sorted(name for name, _node in values_in_reading_order(loop)) == ["x", "y", "z"]
