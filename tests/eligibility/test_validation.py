import pytest

from eligibility.engine import RuleValidationError, validate_rule
from tests.eligibility.support import QUESTIONS, TABLES, compile_, income_limit

INCOME = {"answer": "household.income_monthly"}


def errors(rule):
    return [(e.path, e.message) for e in validate_rule(rule, QUESTIONS, TABLES)]


def paths(rule):
    return [path for path, _ in errors(rule)]


def test_valid_rule_has_no_errors():
    assert (
        errors({"all": [{"lte": [INCOME, income_limit()]}, {"is_answered": "applicant.name"}]})
        == []
    )


def test_unknown_question_key_path():
    rule = {
        "all": [{"is_answered": "applicant.name"}, {"lte": [{"answer": "nope"}, {"dollars": 5}]}]
    }
    assert errors(rule) == [("$.all[1].lte[0].answer", "unknown question 'nope'")]


def test_unknown_operator_and_node():
    assert paths({"all": [{"xor": []}]}) == ["$.all[0]"]
    assert paths({"lte": [{"answr": "x"}, {"value": 1}]}) == ["$.lte[0]"]
    assert paths("lte") == ["$"]
    assert paths({"lte": [INCOME, {"dollars": 1}], "gte": []}) == ["$"]


def test_every_error_is_reported():
    rule = {
        "any": [{"lt": [{"answer": "a"}, {"value": 1}]}, {"gt": [{"answer": "b"}, {"value": 1}]}]
    }
    assert paths(rule) == ["$.any[0].lt[0].answer", "$.any[1].gt[0].answer"]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"gte": [{"age": "household.size"}, {"value": 18}]}, "$.gte[0].age"),
        ({"lt": [{"answer": "applicant.birth_date"}, {"value": 5}]}, "$.lt[1].value"),
        ({"lt": [{"answer": "applicant.birth_date"}, {"value": "June"}]}, "$.lt[1].value"),
        ({"lte": [INCOME, {"value": 2694}]}, "$.lte[1].value"),
        ({"lte": [INCOME, {"answer": "household.size"}]}, "$.lte"),
        ({"lt": [{"answer": "applicant.veteran"}, {"value": True}]}, "$.lt"),
        ({"eq": [{"answer": "household.members"}, {"value": 1}]}, "$.eq[0].answer"),
        ({"eq": [{"answer": "intro"}, {"value": 1}]}, "$.eq[0].answer"),
        ({"gt": [{"sum": "applicant.name", "field": "x"}, {"value": 1}]}, "$.gt[0].sum"),
        ({"gt": [{"sum": "household.members", "field": "name"}, {"value": 1}]}, "$.gt[0].field"),
        ({"gt": [{"sum": "household.members", "field": "nope"}, {"value": 1}]}, "$.gt[0].field"),
        ({"gt": [{"count": "household.size"}, {"value": 1}]}, "$.gt[0].count"),
        (
            {
                "gt": [
                    {
                        "count": "household.members",
                        "where": {"eq": [{"member": "nope"}, {"value": 1}]},
                    },
                    {"value": 1},
                ]
            },
            "$.gt[0].where.eq[0].member",
        ),
        (
            {
                "gt": [
                    {
                        "count": "household.members",
                        "where": {"gt": [{"member_age": "name"}, {"value": 1}]},
                    },
                    {"value": 1},
                ]
            },
            "$.gt[0].where.gt[0].member_age",
        ),
        ({"eq": [{"member": "name"}, {"value": "x"}]}, "$.eq[0].member"),
        ({"in": [{"answer": "applicant.state"}, ["WA", "XX"]]}, "$.in[1][1]"),
        ({"in": [{"answer": "applicant.state"}, []]}, "$.in[1]"),
        ({"in": [{"answer": "household.size"}, ["one"]]}, "$.in[1][0]"),
        ({"in": [{"answer": "applicant.birth_date"}, ["2020-01-01"]]}, "$.in[0]"),
        ({"between": [{"answer": "household.size"}, {"value": 1}]}, "$.between"),
        ({"lte": [INCOME]}, "$.lte"),
        ({"all": []}, "$.all"),
        ({"lte": [INCOME, {"dollars": 1.234}]}, "$.lte[1].dollars"),
        ({"is_answered": "missing.key"}, "$.is_answered"),
    ],
)
def test_type_and_arity_errors(rule, path):
    assert paths(rule) == [path]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"table": "nope"}, "$.lte[1].table"),
        ({"year": 1999}, "$.lte[1].year"),
        ({"year": "2025"}, "$.lte[1].year"),
        ({"percent": -5}, "$.lte[1].percent"),
        ({"percent": "lots"}, "$.lte[1].percent"),
        ({"period": "weekly"}, "$.lte[1].period"),
        ({"rounding": "up"}, "$.lte[1].rounding"),
        ({"household_size": {"answer": "applicant.name"}}, "$.lte[1].household_size"),
        ({"colour": "red"}, "$.lte[1]"),
    ],
)
def test_table_errors(change, path):
    assert paths({"lte": [INCOME, {**income_limit(), **change}]}) == [path]


def test_bad_reason_override():
    assert paths({"is_answered": "applicant.name", "reason": {"es": "sin inglés"}}) == ["$.reason"]


def test_compile_raises_with_all_errors():
    with pytest.raises(RuleValidationError) as caught:
        compile_({"all": [{"lt": [{"answer": "a"}, {"value": 1}]}, {"foo": 1}]})
    assert [e.path for e in caught.value.errors] == ["$.all[0].lt[0].answer", "$.all[1]"]
    assert "$.all[1]" in str(caught.value)
