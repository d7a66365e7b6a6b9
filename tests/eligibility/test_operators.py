from datetime import date

import pytest

from tests.eligibility.support import H25, INCOME_RULE, compile_, income_limit, outcome

INCOME = {"answer": "household.income_monthly"}
SIZE = {"answer": "household.size"}
STATE = {"answer": "applicant.state"}


@pytest.mark.parametrize(
    ("op", "size", "expected"),
    [
        ("eq", 3, "eligible"),
        ("eq", 4, "ineligible"),
        ("ne", 4, "eligible"),
        ("ne", 3, "ineligible"),
        ("lt", 4, "eligible"),
        ("lt", 3, "ineligible"),
        ("lte", 3, "eligible"),
        ("lte", 2, "ineligible"),
        ("gt", 2, "eligible"),
        ("gt", 3, "ineligible"),
        ("gte", 3, "eligible"),
        ("gte", 4, "ineligible"),
    ],
)
def test_comparisons(op, size, expected):
    assert outcome({op: [SIZE, {"value": size}]}, {"household.size": 3}) == expected


def test_comparison_with_literal_on_the_left():
    assert outcome({"lt": [{"value": 2}, SIZE]}, {"household.size": 3}) == "eligible"


@pytest.mark.parametrize(
    ("op", "state", "expected"),
    [
        ("in", "WA", "eligible"),
        ("in", "ID", "ineligible"),
        ("not_in", "ID", "eligible"),
        ("not_in", "OR", "ineligible"),
    ],
)
def test_in_and_not_in(op, state, expected):
    rule = {op: [STATE, ["WA", "OR"]]}
    assert outcome(rule, {"applicant.state": state}) == expected


def test_in_on_multiple_choice_means_any_selected():
    rule = {"in": [{"answer": "applicant.benefits"}, ["SNAP", "SSI"]]}
    assert outcome(rule, {"applicant.benefits": ["TANF", "SSI"]}) == "eligible"
    assert outcome(rule, {"applicant.benefits": ["TANF"]}) == "ineligible"
    # An empty selection is the answer "none of these"; only an absent answer is unknown.
    assert outcome(rule, {"applicant.benefits": []}) == "ineligible"
    assert outcome(rule, {}) == "unknown"
    assert outcome(rule, {"applicant.benefits": None}) == "unknown"
    not_rule = {"not_in": [{"answer": "applicant.benefits"}, ["SNAP"]]}
    assert outcome(not_rule, {"applicant.benefits": ["TANF"]}) == "eligible"


@pytest.mark.parametrize(
    ("size", "expected"), [(1, "ineligible"), (2, "eligible"), (4, "eligible"), (5, "ineligible")]
)
def test_between_is_inclusive(size, expected):
    rule = {"between": [SIZE, {"value": 2}, {"value": 4}]}
    assert outcome(rule, {"household.size": size}) == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, "ineligible"),
        ({"applicant.name": ""}, "ineligible"),
        ({"applicant.name": None}, "ineligible"),
        ({"applicant.name": "Ana"}, "eligible"),
    ],
)
def test_is_answered(answers, expected):
    assert outcome({"is_answered": "applicant.name"}, answers) == expected


def test_is_answered_for_address_and_file_questions():
    assert outcome(
        {"is_answered": "applicant.address"}, {"applicant.address": {"zip": "98101"}}
    ) == ("eligible")
    assert outcome({"is_answered": "applicant.id_document"}, {}) == "ineligible"


def test_yes_no_answers_false_is_an_answer():
    rule = {"eq": [{"answer": "applicant.veteran"}, {"value": False}]}
    assert outcome(rule, {"applicant.veteran": False}) == "eligible"
    assert outcome(rule, {"applicant.veteran": True}) == "ineligible"
    assert outcome(rule, {}) == "unknown"


def test_zero_is_an_answer():
    assert outcome({"lte": [INCOME, {"dollars": 100}]}, {"household.income_monthly": 0}) == (
        "eligible"
    )


def test_dollars_are_cents_and_income_at_the_limit_is_eligible():
    rule = {"lte": [INCOME, {"dollars": 2694}]}
    assert outcome(rule, {"household.income_monthly": 269400}) == "eligible"
    assert outcome(rule, {"household.income_monthly": 269401}) == "ineligible"
    cents_rule = {"lt": [INCOME, {"dollars": "10.50"}]}
    assert outcome(cents_rule, {"household.income_monthly": 1049}) == "eligible"
    assert outcome(cents_rule, {"household.income_monthly": 1050}) == "ineligible"


def test_table_limit_at_exact_cents():
    # 200% monthly for 4 in 2025: 5,358.33... rounded up to $5,359.
    answers = {"household.size": 4, "household.income_monthly": 535900}
    assert outcome(INCOME_RULE, answers) == "eligible"
    assert outcome(INCOME_RULE, {**answers, "household.income_monthly": 535901}) == "ineligible"


def test_table_limit_for_large_household_extends():
    answers = {"household.size": 10, "household.income_monthly": 0}
    compiled = compile_(INCOME_RULE)
    result = compiled.evaluate(answers, as_of=date(2025, 6, 1))
    # 65,150 * 2 / 12 = 10,858.33 -> $10,859
    assert result.threshold["value"] == 1085900


def test_table_size_from_count_of_members():
    rule = {
        "lte": [
            INCOME,
            income_limit(percent=100, rounding="down_dollar", size={"count": "household.members"}),
        ]
    }
    members = [{"name": "A"}, {"name": "B"}]
    # 21,150 / 12 = 1,762.50 -> $1,762
    assert outcome(rule, {"household.members": members, "household.income_monthly": 176200}) == (
        "eligible"
    )
    assert outcome(rule, {"household.members": members, "household.income_monthly": 176201}) == (
        "ineligible"
    )


def test_annual_period_and_percent_with_decimals():
    rule = {"lte": [INCOME, income_limit(percent="137.5", period="annual", rounding="cent")]}
    # 15,650 * 1.375 = 21,518.75 dollars a year
    assert outcome(rule, {"household.size": 1, "household.income_monthly": 2151875}) == "eligible"
    assert outcome(rule, {"household.size": 1, "household.income_monthly": 2151876}) == (
        "ineligible"
    )


def test_count_with_member_condition():
    rule = {
        "gte": [
            {
                "count": "household.members",
                "where": {"lt": [{"member_age": "birth_date"}, {"value": 18}]},
            },
            {"value": 1},
        ]
    }
    adults = [{"birth_date": "1980-01-01"}, {"birth_date": "1985-01-01"}]
    assert outcome(rule, {"household.members": adults}) == "ineligible"
    child = {"birth_date": "2015-07-01"}
    assert outcome(rule, {"household.members": [*adults, child]}) == "eligible"
    # A member without a birth date makes the count unknown.
    assert outcome(rule, {"household.members": [*adults, {"name": "?"}]}) == "unknown"


def test_sum_with_member_condition():
    total = {
        "sum": "household.members",
        "field": "income_monthly",
        "where": {"ne": [{"member": "relationship"}, {"value": "child"}]},
    }
    rule = {"lte": [total, {"dollars": 3000}]}
    members = [
        {"relationship": "self", "income_monthly": 200000},
        {"relationship": "child", "income_monthly": 500000},
        {"relationship": "spouse", "income_monthly": 100000},
    ]
    assert outcome(rule, {"household.members": members}) == "eligible"
    members[2]["income_monthly"] = 100001
    assert outcome(rule, {"household.members": members}) == "ineligible"
    # The child's missing income does not matter: the child is not counted.
    members[1].pop("income_monthly")
    assert outcome(rule, {"household.members": members}) == "ineligible"
    members[0].pop("income_monthly")
    assert outcome(rule, {"household.members": members}) == "unknown"


def test_sum_of_number_field_and_member_conditions_with_all_any_not():
    total = {
        "sum": "household.members",
        "field": "hours_weekly",
        "where": {
            "all": [
                {"not": {"eq": [{"member": "relationship"}, {"value": "child"}]}},
                {
                    "any": [
                        {"gte": [{"member": "income_monthly"}, {"dollars": 1}]},
                        {"gt": [{"member": "hours_weekly"}, {"value": 0}]},
                    ]
                },
            ]
        },
    }
    rule = {"gte": [total, {"value": 40}]}
    members = [
        {"relationship": "self", "income_monthly": 100, "hours_weekly": 30},
        {"relationship": "child", "income_monthly": 0, "hours_weekly": 20},
        {"relationship": "spouse", "income_monthly": 0, "hours_weekly": 10},
    ]
    assert outcome(rule, {"household.members": members}) == "eligible"
    members[2]["hours_weekly"] = 0
    assert outcome(rule, {"household.members": members}) == "ineligible"


def test_date_comparisons_accept_iso_strings_and_dates():
    rule = {"lt": [{"answer": "applicant.birth_date"}, {"value": "2000-01-01"}]}
    assert outcome(rule, {"applicant.birth_date": "1999-12-31"}) == "eligible"
    assert outcome(rule, {"applicant.birth_date": date(2000, 1, 1)}) == "ineligible"


def test_text_equality_and_as_of_as_string():
    compiled = compile_({"eq": [{"answer": "applicant.name"}, {"value": "Ana"}]})
    assert compiled.evaluate({"applicant.name": "Ana"}, as_of="2025-01-01").outcome == "eligible"


def test_table_with_fixed_household_size():
    rule = {"lte": [INCOME, income_limit(percent=100, rounding="cent", size={"value": 1})]}
    # 15,650 / 12 = 1,304.1666... -> $1,304.17
    assert outcome(rule, {"household.income_monthly": 130417}) == "eligible"
    assert outcome(rule, {"household.income_monthly": 130418}) == "ineligible"
    result = compile_(rule).evaluate({"household.income_monthly": 1}, as_of="2025-01-01")
    assert result.reasons[0].endswith("the limit of $1,304.17 for a household of 1" + H25 + ".")
