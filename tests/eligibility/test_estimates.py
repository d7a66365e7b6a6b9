import pytest

from eligibility.engine import EstimatedValue, RuleValidationError, compile_estimate
from tests.eligibility.support import QUESTIONS, TABLES, income_limit

BILL = {"answer": "utility.bill"}


def estimate(expression, answers, as_of="2025-06-01"):
    return compile_estimate(expression, QUESTIONS, TABLES).evaluate(answers, as_of=as_of)


def test_fixed_amount():
    assert estimate({"amount": {"dollars": 50}, "period": "monthly"}, {}) == EstimatedValue(
        5000, "monthly"
    )
    assert estimate({"amount": {"cents": 125}, "period": "yearly"}, {}) == EstimatedValue(
        125, "yearly"
    )


def test_percentage_of_a_bill_is_exact_and_rounded_once():
    expression = {"amount": {"percent": 60, "of": BILL}, "period": "monthly"}
    assert estimate(expression, {"utility.bill": 12345}).amount_cents == 7407  # 74.07
    up = {**expression, "rounding": "up_dollar"}
    assert estimate(up, {"utility.bill": 12345}).amount_cents == 7500


def test_min_max_add_sub_mul():
    capped = {"amount": {"min": [{"percent": 60, "of": BILL}, {"dollars": 50}]}}
    assert estimate(capped, {"utility.bill": 5000}).amount_cents == 3000
    assert estimate(capped, {"utility.bill": 50000}).amount_cents == 5000
    floor = {"amount": {"max": [{"sub": [BILL, {"dollars": 20}]}, {"dollars": 5}]}}
    assert estimate(floor, {"utility.bill": 2100}).amount_cents == 500
    added = {"amount": {"add": [BILL, {"dollars": 1}, {"cents": 1}]}}
    assert estimate(added, {"utility.bill": 100}).amount_cents == 201
    per_person = {"amount": {"mul": [{"dollars": "12.50"}, {"answer": "household.size"}]}}
    assert estimate(per_person, {"household.size": 3}).amount_cents == 3750


def test_negative_results_become_zero():
    expression = {"amount": {"sub": [BILL, {"dollars": 100}]}}
    assert estimate(expression, {"utility.bill": 100}).amount_cents == 0


def test_table_values_and_household_sums():
    gap = {
        "amount": {"sub": [income_limit(percent=200), {"answer": "household.income_monthly"}]},
        "period": "monthly",
    }
    answers = {"household.size": 4, "household.income_monthly": 500000}
    assert estimate(gap, answers).amount_cents == 35900
    total = {"amount": {"sum": "household.members", "field": "income_monthly"}}
    members = [{"income_monthly": 100}, {"income_monthly": 250}]
    assert estimate(total, {"household.members": members}).amount_cents == 350


def test_missing_inputs_give_none():
    assert estimate({"amount": {"percent": 60, "of": BILL}}, {}) is None
    assert estimate({"amount": {"min": [BILL, {"dollars": 5}]}}, {"utility.bill": ""}) is None


@pytest.mark.parametrize(
    ("expression", "path"),
    [
        ({"amount": {"answer": "household.size"}}, "$.amount"),
        ({"amount": {"percent": 60, "of": {"answer": "nope"}}}, "$.amount.of.answer"),
        ({"amount": {"min": [BILL]}}, "$.amount.min"),
        ({"amount": {"add": [BILL, {"answer": "household.size"}]}}, "$.amount.add"),
        ({"amount": {"mul": [BILL, BILL]}}, "$.amount.mul"),
        ({"amount": {"dollars": 5}, "period": "weekly"}, "$.period"),
        ({"amount": {"dollars": 5}, "rounding": "up"}, "$.rounding"),
        ({"amount": {"answer": "applicant.name"}}, "$.amount"),
        ({"amount": {"percent": "x", "of": BILL}}, "$.amount.percent"),
    ],
)
def test_estimate_validation_errors(expression, path):
    with pytest.raises(RuleValidationError) as caught:
        compile_estimate(expression, QUESTIONS, TABLES)
    assert path in [error.path for error in caught.value.errors]


def test_estimate_needs_amount():
    with pytest.raises(RuleValidationError):
        compile_estimate({"dollars": 5}, QUESTIONS, TABLES)


def test_explanation_and_source_travel_with_the_amount():
    expression = {
        "amount": {"dollars": 50},
        "explanation": {"en": "A flat $50.", "es": "Un monto fijo de $50."},
        "source": {"citation": "City page", "url": "https://example.org/"},
    }
    value = estimate(expression, {})
    assert value.amount_cents == 5000
    assert value.explained("es") == "Un monto fijo de $50."
    assert value.explained("fr") == "A flat $50."  # falls back to English
    assert value.source == {"citation": "City page", "url": "https://example.org/"}


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"explanation": "plain text"}, "$.explanation"),
        ({"explanation": {"es": "solo español"}}, "$.explanation"),
        ({"source": {"url": "https://example.org/"}}, "$.source"),
        ({"source": {"citation": ""}}, "$.source"),
    ],
)
def test_explanation_and_source_are_checked(extra, path):
    with pytest.raises(RuleValidationError) as caught:
        compile_estimate({"amount": {"dollars": 5}, **extra}, QUESTIONS, TABLES)
    assert path in [error.path for error in caught.value.errors]
