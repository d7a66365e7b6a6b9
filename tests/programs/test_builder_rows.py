"""Rules as builder rows and back (programs/builder/rows.py, outline.py): every demo rule
survives the round trip unchanged, rows typed by an admin give the JSON the engine reads,
and engine errors land on the row and field at fault."""

import json

import pytest

from eligibility.engine import load_tables, validate_rule
from programs.builder.outline import apply_action, parse_action
from programs.builder.rows import blank_row, error_field, rows_rule, rule_rows
from programs.demo import CATALOG_DIR, DEMO_FILE
from programs.eligibility_glue import question_infos

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
CATALOG = [
    json.loads(path.read_text(encoding="utf-8")) for path in sorted(CATALOG_DIR.glob("*.json"))
]
PROGRAMS = [program for document in [DEMO, *CATALOG] for program in document["programs"]]
QUESTIONS = {q["key"]: q for p in PROGRAMS for q in p["questions"]}
TYPES = {key: q["type"] for key, q in QUESTIONS.items()}
TYPES.update(
    {f"{key}:{f['key']}": f["type"] for key, q in QUESTIONS.items() for f in q["member_fields"]}
)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p["slug"])
def test_every_demo_and_catalog_rule_survives_rows_and_back_unchanged(program):
    rule = program["eligibility"]["rules"]
    rows, values = rule_rows(rule, TYPES)
    if program in DEMO["programs"]:
        assert all(row["kind"] != "kept" for row in rows), "the demo rules are all rows"
    back, errors, _paths = rows_rule(rows, TYPES, values)
    assert errors == []
    assert back == rule


def test_a_calculation_in_a_condition_is_rows_under_it_and_named_values_beside_the_rows():
    rule = {
        "values": {"net": {"sub": [{"answer": "income.monthly_gross"}, {"dollars": 209}]}},
        "all": [
            {"lte": [{"named": "net"}, {"dollars": 2000}]},
            {"gte": [{"add": [{"answer": "household.size"}, {"value": 1}]}, {"value": 2}]},
            {"in": [{"answer": "benefits.current"}, ["snap", "tanf"]]},
        ],
    }
    rows, values = rule_rows(rule, TYPES)
    assert [(row["kind"], row["depth"]) for row in rows] == [
        ("all", 0),
        ("condition", 1),
        ("condition", 1),
        ("add", 2),
        ("answer", 3),
        ("value", 3),
        ("condition", 1),
    ]
    assert rows[2]["left"] == "computed" and rows[2]["right_value"] == "2"
    assert values == rule["values"]
    assert rows_rule(rows, TYPES, values)[0] == rule


def test_a_calculation_row_out_of_place_or_missing_is_an_error_on_its_row():
    rows = [
        condition(0, left="computed", op="gte", right_value="2"),
    ]
    assert [(e.row, e.field) for e in rows_rule(rows, TYPES)[1]] == [(0, "left")]
    rows.append({**blank_row("mul", 1)})
    rows.append({**blank_row("answer", 2), "left_question": "income.monthly_gross"})
    rows.append({**blank_row("value", 2), "right_value": "12"})
    rule, errors, paths = rows_rule(rows, TYPES)
    assert errors == [] and rule == {
        "gte": [{"mul": [{"answer": "income.monthly_gross"}, {"value": 12}]}, {"value": 2}]
    }
    assert error_field(rows, paths, "$.gte[0].mul[1].value") == (3, "right_value")
    stray = [blank_row("all", 0), {**blank_row("answer", 1), "left_question": "household.size"}]
    assert [(e.row, e.field) for e in rows_rule(stray, TYPES)[1]] == [(1, "kind")]


def condition(depth=1, **fields):
    return {**blank_row("condition", depth), **fields}


def snap_or_income_rows():
    return [
        blank_row("any", 0),
        condition(
            left_question="income.monthly_gross",
            op="lte",
            right="table",
            table_id="hhs_poverty_guidelines",
            table_size="answer",
            table_size_value="household.size",
            table_percent="185",
            table_period="monthly",
        ),
        condition(left_question="benefits.current", op="in", right_value="snap"),
    ]


def test_rows_typed_by_an_admin_give_the_rule_the_engine_validates():
    rule, errors, paths = rows_rule(snap_or_income_rows(), TYPES)
    assert errors == []
    assert rule == {
        "any": [
            {
                "lte": [
                    {"answer": "income.monthly_gross"},
                    {
                        "table": "hhs_poverty_guidelines",
                        "household_size": {"answer": "household.size"},
                        "percent": 185,
                        "period": "monthly",
                    },
                ]
            },
            {"in": [{"answer": "benefits.current"}, ["snap"]]},
        ]
    }
    assert paths == ["$", "$.any[0]", "$.any[1]"]
    assert validate_rule(rule, question_infos(QUESTIONS.values()), load_tables()) == []


def test_engine_errors_are_put_on_the_row_and_field_at_fault():
    rows = snap_or_income_rows()
    rows[1]["table_percent"] = "-5"
    rows[2]["right_value"] = "snap, bread"
    rule, _errors, paths = rows_rule(rows, TYPES)
    problems = validate_rule(rule, question_infos(QUESTIONS.values()), load_tables())
    assert {error_field(rows, paths, p.path) for p in problems} == {
        (1, "table_percent"),
        (2, "right_value"),
    }


def test_row_problems_name_their_field_and_outline_mistakes_their_row():
    rows = snap_or_income_rows()
    rows[1]["table_percent"] = "lots"
    rows[2]["left_question"] = ""
    _rule, errors, _paths = rows_rule(rows, TYPES)
    assert {(e.row, e.field) for e in errors} == {(1, "table_percent"), (2, "left_question")}
    two_tops = [condition(0, left_question="household.size", right_value="1")] * 2
    assert [(e.row, e.field) for e in rows_rule(two_tops, TYPES)[1]] == [(1, None)]
    empty_group = [blank_row("all", 0)]
    assert "at least one row" in rows_rule(empty_group, TYPES)[1][0].message


def test_outline_buttons_move_nest_add_and_remove_blocks():
    rows = snap_or_income_rows()
    keys = lambda rs: [(r["kind"], r["depth"], r["left_question"]) for r in rs]  # noqa: E731
    moved = apply_action(rows, *parse_action("up:2"))
    assert keys(moved)[1:] == [keys(rows)[2], keys(rows)[1]]
    assert apply_action(rows, *parse_action("up:1")) == rows  # first in its group
    grouped = apply_action(rows, *parse_action("add_group:0"))
    assert keys(grouped)[1] == ("all", 1, "")
    nested = apply_action(grouped, *parse_action("indent:2"))
    assert keys(nested)[2][1] == 2 and rows_rule(nested, TYPES)[1] == []
    assert len(apply_action(rows, *parse_action("remove:0"))) == 0  # the group and its rows
    assert parse_action("explode:1") is None and parse_action("up:x") is None


def test_a_household_count_with_a_member_condition_is_written_and_read_back():
    rows = [
        condition(
            0,
            left="count",
            left_question="household.members",
            where_subject="member",
            where_field="relationship",
            where_op="eq",
            where_value="child",
            left_label_en="The number of children",
            left_label_es="El número de hijos",
            op="gte",
            right_value="1",
        )
    ]
    rule, errors, _paths = rows_rule(rows, TYPES)
    assert errors == []
    assert rule == {
        "gte": [
            {
                "count": "household.members",
                "where": {"eq": [{"member": "relationship"}, {"value": "child"}]},
                "label": {"en": "The number of children", "es": "El número de hijos"},
            },
            {"value": 1},
        ]
    }
    assert validate_rule(rule, question_infos(QUESTIONS.values()), load_tables()) == []
    back, values = rule_rows(rule, TYPES)
    assert back[0]["kind"] == "condition" and rows_rule(back, TYPES, values)[0] == rule


def test_a_household_count_with_several_member_comparisons_is_rows():
    rows = [
        condition(
            0,
            left="count",
            left_question="household.members",
            where_subject="member",
            where_field="relationship",
            where_op="eq",
            where_value="child",
            where_join="all",
            where2_subject="member_age",
            where2_field="birth_date",
            where2_op="lt",
            where2_value="18",
            op="gte",
            right_value="1",
        )
    ]
    rule, errors, _paths = rows_rule(rows, TYPES)
    assert errors == []
    assert rule["gte"][0]["where"] == {
        "all": [
            {"eq": [{"member": "relationship"}, {"value": "child"}]},
            {"lt": [{"member_age": "birth_date"}, {"value": 18}]},
        ]
    }
    assert validate_rule(rule, question_infos(QUESTIONS.values()), load_tables()) == []
    back, _values = rule_rows(rule, TYPES)
    assert back[0]["kind"] == "condition" and back[0]["where2_op"] == "lt"
    assert rows_rule(back, TYPES)[0] == rule
    no_join = [{**rows[0], "where_join": ""}]
    assert [(e.row, e.field) for e in rows_rule(no_join, TYPES)[1]] == [(0, "where_join")]


def test_catalog_counts_with_three_member_comparisons_read_as_rows():
    where = {
        "all": [
            {"gte": [{"member_age": "birth_date"}, {"value": 0}]},
            {"lte": [{"member_age": "birth_date"}, {"value": 17}]},
            {"not_in": [{"member": "relationship"}, ["self", "spouse"]]},
        ]
    }
    rule = {"gte": [{"count": "household.members", "where": where}, {"value": 1}]}
    rows, _values = rule_rows(rule, TYPES)
    assert rows[0]["kind"] == "condition"
    assert (rows[0]["where3_op"], rows[0]["where3_value"]) == ("not_in", "self, spouse")
    assert rows_rule(rows, TYPES)[0] == rule


def test_every_demo_catalog_and_example_rule_is_rows_with_nothing_kept():
    example = json.loads(
        (DEMO_FILE.parents[2] / "docs" / "examples" / "snap-net-income.json").read_text()
    )
    for program in [*PROGRAMS, *example["programs"]]:
        rule = program["eligibility"]["rules"]
        rows, values = rule_rows(rule, TYPES | {q["key"]: q["type"] for q in program["questions"]})
        assert "kept" not in {row["kind"] for row in rows}, program["slug"]
        assert rows_rule(rows, TYPES, values)[0] == rule


def test_a_household_size_computed_in_a_table_limit_is_rows_under_the_condition():
    rule = {
        "lt": [
            {"answer": "income.monthly_gross"},
            {
                "table": "wa_tanf_max_earned_income",
                "household_size": {"add": [{"answer": "household.size"}, {"value": 1}]},
            },
        ]
    }
    rows, _values = rule_rows(rule, TYPES)
    assert [(r["kind"], r["depth"], r["table_size"]) for r in rows] == [
        ("condition", 0, "computed"),
        ("add", 1, ""),
        ("answer", 2, ""),
        ("value", 2, ""),
    ]
    assert rows_rule(rows, TYPES)[0] == rule
    assert [(e.row, e.field) for e in rows_rule(rows[:1], TYPES)[1]] == [(0, "table_size")]
