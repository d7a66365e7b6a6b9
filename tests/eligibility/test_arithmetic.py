"""Computed operands and named values: results, reasons, missing answers and errors."""

from copy import deepcopy
from datetime import date

import pytest

from eligibility.engine import RuleValidationError, compile_estimate, validate_rule
from tests.eligibility.support import AS_OF, QUESTIONS, TABLES, compile_, income_limit

INCOME = {"answer": "household.income_monthly"}
BILL = {"answer": "utility.bill"}
NET_RULE = {
    "values": {
        "deductions": {
            "add": [{"percent": 20, "of": INCOME}, {"dollars": 209}, BILL],
            "label": {"en": "Deductions", "es": "Deducciones"},
        },
        "net_income": {
            "sub": [INCOME, {"named": "deductions"}],
            "label": {"en": "Your net income", "es": "Su ingreso neto"},
        },
    },
    "all": [
        {"lte": [{"named": "net_income"}, income_limit(percent=100)]},
        {"gte": [{"named": "net_income"}, {"dollars": 0}]},
    ],
}


def evaluate(rule, answers, language="en"):
    return compile_(rule).evaluate(answers, as_of=AS_OF, language=language)


def test_net_income_reason_shows_the_computation_in_english_and_spanish():
    answers = {"household.income_monthly": 200000, "utility.bill": 15000, "household.size": 1}
    # 2,000 - (400 + 209 + 150) = 1,241, at or below 15,650 / 12 = 1,304.17 -> $1,305.
    english = evaluate(NET_RULE, answers)
    assert english.outcome == "eligible"
    assert english.reasons[0] == (
        "Your net income, $1,241 (your household's monthly income of $2,000 minus deductions "
        "of $759), is at or below the limit of $1,305 for a household of 1."
    )
    spanish = evaluate(NET_RULE, answers, "es")
    assert spanish.reasons[0] == (
        "Su ingreso neto, $1,241 (el ingreso mensual de su hogar de $2,000 menos deducciones "
        "de $759), está en o por debajo del límite de $1,305 para un hogar de 1 persona."
    )


def test_the_limit_is_exact_on_both_sides():
    base = {"utility.bill": 0, "household.size": 1}
    # net = 0.8 x income - 209 <= 1,305 exactly when income <= 1,892.50.
    assert evaluate(NET_RULE, {**base, "household.income_monthly": 189250}).outcome == "eligible"
    above = evaluate(NET_RULE, {**base, "household.income_monthly": 189251})
    assert above.outcome == "ineligible"
    assert "$1,305.01" in above.reasons[0]  # 1,305.008 shown to the cent, not rounded away


def test_a_missing_input_makes_the_computed_value_unknown_and_names_the_question():
    result = evaluate(NET_RULE, {"household.income_monthly": 200000, "household.size": 1})
    assert result.outcome == "unknown"
    assert result.missing == ["utility.bill"]
    assert result.reasons == ["We still need to know your monthly utility bill."]


def test_every_function_and_a_single_rounding():
    cases = [
        ({"sub": [INCOME, BILL]}, 185000),
        ({"add": [INCOME, BILL, {"dollars": 1}]}, 215100),
        ({"mul": [BILL, {"value": 2}]}, 30000),
        ({"div": [INCOME, {"value": 3}]}, None),  # 66,666.66… cents: not a whole cent
        ({"round": {"div": [INCOME, {"value": 3}]}, "rounding": "cent"}, 66667),
        ({"round": {"div": [INCOME, {"value": 3}]}, "rounding": "down_dollar"}, 66600),
        ({"round": {"div": [INCOME, {"value": 3}]}, "rounding": "up_dollar"}, 66700),
        ({"min": [INCOME, BILL]}, 15000),
        ({"max": [INCOME, BILL, {"dollars": 5000}]}, 500000),
        ({"percent": "12.5", "of": INCOME}, 25000),
    ]
    answers = {"household.income_monthly": 200000, "utility.bill": 15000}
    for expression, cents in cases:
        if cents is None:
            rule = {"lt": [{"sub": [expression, {"dollars": "666.66"}]}, {"dollars": "0.01"}]}
            assert evaluate(rule, answers).outcome == "eligible", expression
            continue
        rule = {"eq": [expression, {"dollars": f"{cents // 100}.{cents % 100:02d}"}]}
        assert evaluate(rule, answers).outcome == "eligible", expression


def test_money_divided_by_money_is_a_ratio():
    # Rent burden: the bill is more than 30% of income.
    rule = {"gt": [{"div": [BILL, INCOME]}, {"value": 0.3}]}
    answers = {"household.income_monthly": 100000}
    assert evaluate(rule, {**answers, "utility.bill": 30001}).outcome == "eligible"
    assert evaluate(rule, {**answers, "utility.bill": 30000}).outcome == "ineligible"


def test_named_values_feed_the_estimate():
    estimate = compile_estimate(
        {"amount": {"percent": 30, "of": {"named": "net_income"}}, "rounding": "down_dollar"},
        QUESTIONS,
        TABLES,
        values=NET_RULE["values"],
    )
    answers = {"household.income_monthly": 200000, "utility.bill": 15000}
    assert estimate.evaluate(answers, as_of=AS_OF).amount_cents == 37200  # 30% of 1,241
    assert estimate.evaluate({"household.income_monthly": 1}, as_of=AS_OF) is None


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda r: r["all"][0]["lte"].__setitem__(0, {"named": "gross"}), "$.all[0].lte[0].named",
         "unknown named value 'gross'"),
        (lambda r: r["values"].__setitem__("Net", {"dollars": 1}), "$.values.Net",
         "a value name is lower-case"),
        (lambda r: r["values"]["deductions"]["add"].append({"value": 3}),
         "$.values.deductions.add", "cannot mix money and plain numbers"),
        (lambda r: r["values"].__setitem__("x", {"div": [INCOME, {"value": 0}]}),
         "$.values.x.div[1]", "cannot divide by zero"),
        (lambda r: r["values"].__setitem__("x", {"mul": [INCOME, BILL]}), "$.values.x.mul",
         "not money by money"),
        (lambda r: r["values"].__setitem__("x", {"round": {"value": 2}}), "$.values.x.round",
         "round works on money"),
        (lambda r: r["values"].__setitem__("x", {"sub": [INCOME]}), "$.values.x.sub",
         "exactly 2"),
        (lambda r: r["values"].__setitem__("x", {"add": [INCOME, {"answer": "applicant.state"}]}),
         "$.values.x.add[1]", "not text"),
        (lambda r: r["values"].__setitem__("x", {"percent": -1, "of": INCOME}),
         "$.values.x.percent", "0 or more"),
    ],
)  # fmt: skip
def test_errors_name_their_path(change, path, message):
    rule = deepcopy(NET_RULE)
    change(rule)
    errors = validate_rule(rule, QUESTIONS, TABLES)
    assert any(e.path == path and message in e.message for e in errors), errors


def test_arithmetic_is_refused_inside_a_member_condition():
    rule = {
        "gte": [
            {
                "count": "household.members",
                "where": {
                    "gt": [{"add": [{"member": "hours_weekly"}, {"value": 1}]}, {"value": 2}]
                },
            },
            {"value": 1},
        ]
    }
    with pytest.raises(RuleValidationError) as raised:
        compile_(rule)
    assert raised.value.errors[0].path == "$.gte[0].where.gt[0]"


def test_a_named_value_is_computed_once_and_shared_by_every_condition():
    compiled = compile_(NET_RULE)
    # One subtraction in the generated code, however many conditions use net_income.
    assert compiled.source.count(" - ") == 1


def test_named_values_may_be_defined_in_any_order_but_not_in_a_cycle():
    reordered = deepcopy(NET_RULE)
    reordered["values"] = dict(reversed(list(NET_RULE["values"].items())))
    answers = {"household.income_monthly": 200000, "utility.bill": 15000, "household.size": 1}
    assert evaluate(reordered, answers).reasons == evaluate(NET_RULE, answers).reasons
    cycle = {
        "values": {
            "a": {"add": [{"named": "b"}, {"dollars": 1}]},
            "b": {"add": [{"named": "a"}, {"dollars": 1}]},
        },
        "lte": [{"named": "a"}, {"dollars": 5}],
    }
    errors = validate_rule(cycle, QUESTIONS, TABLES)
    assert [e.message for e in errors] == ["the named value 'a' is defined in terms of itself"]


def test_a_cap_or_floor_is_mentioned_only_when_it_applies():
    rule = {
        "lte": [
            {
                "min": [{"sub": [INCOME, BILL]}, {"dollars": 744}],
                "label": {"en": "The deduction", "es": "La deducción"},
            },
            {"dollars": 700},
        ]
    }
    under = evaluate(rule, {"household.income_monthly": 50000, "utility.bill": 10000})
    assert under.reasons == [
        "The deduction, $400 (your household's monthly income of $500 minus your monthly "
        "utility bill of $100), is at or below the limit of $700."
    ]
    # (The test bank has no Spanish label for the bill: it falls back to English.)
    capped = evaluate(rule, {"household.income_monthly": 100000, "utility.bill": 0}, "es")
    assert capped.reasons == [
        "La deducción, $744 (el ingreso mensual de su hogar de $1,000 menos your monthly utility "
        "bill de $0, con un tope de $744), está por encima del límite de $700."
    ]


def test_an_answer_compared_with_a_computed_limit_reads_both_values():
    rule = {
        "lte": [
            BILL,
            {"percent": 30, "of": INCOME, "label": {"en": "30% of your income", "es": "El 30%"}},
        ]
    }
    result = evaluate(rule, {"household.income_monthly": 100001, "utility.bill": 30001})
    assert result.outcome == "ineligible"
    # 30% of 100,001 cents is 30,000.3 cents: shown to the cent, compared exactly.
    assert result.reasons == [
        "Your monthly utility bill, $300.01, is above the limit of 30% of your income "
        "($300 (30% of your household's monthly income of $1,000.01))."
    ]


def test_a_named_value_that_is_one_table_lookup_compiles_and_explains():
    # e.g. "the standard deduction" read from its table for the federal fiscal year.
    rule = {
        "values": {
            "standard": {
                "table": "usda_snap_standard_deduction",
                "in_effect_on": {"last": "10-01"},
                "household_size": {"answer": "household.size"},
                "label": {"en": "The standard deduction"},
            }
        },
        "lte": [
            {"sub": [{"answer": "household.income_monthly"}, {"named": "standard"}]},
            {"dollars": 1000},
        ],
    }
    answers = {"household.size": 4, "household.income_monthly": 122300}
    result = compile_(rule).evaluate(answers, as_of=date(2026, 3, 2))
    assert result.outcome == "eligible"  # 1,223 - 223 = 1,000
    assert "$223" in result.reasons[0]
    later = compile_(rule).evaluate(answers, as_of=date(2026, 10, 1))
    assert later.outcome == "eligible" and "$229" in later.reasons[0]  # FY2027: 1,223 - 229
    over = compile_(rule).evaluate(
        {**answers, "household.income_monthly": 122301}, as_of="2026-03-02"
    )
    assert over.outcome == "ineligible"
