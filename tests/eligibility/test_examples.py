from eligibility.engine import check_examples
from tests.eligibility.support import H25, INCOME_RULE, compile_

EXAMPLES = [
    {
        "name": "at the limit",
        "answers": {"household.size": 4, "household.income_monthly": 535900},
        "as_of": "2025-06-01",
        "expected": "eligible",
    },
    {
        "name": "one cent over",
        "answers": {"household.size": 4, "household.income_monthly": 535901},
        "as_of": "2025-06-01",
        "expected": "ineligible",
    },
    {"name": "no income yet", "answers": {"household.size": 4}, "expected": "unknown"},
]


def test_passing_examples_give_no_failures():
    assert check_examples(compile_(INCOME_RULE), EXAMPLES) == []


def test_failures_name_the_example_and_say_why():
    wrong = [{**EXAMPLES[1], "expected": "eligible"}, {**EXAMPLES[2], "expected": "ineligible"}]
    failures = check_examples(compile_(INCOME_RULE), wrong)
    assert [(f.name, f.expected, f.got) for f in failures] == [
        ("one cent over", "eligible", "ineligible"),
        ("no income yet", "ineligible", "unknown"),
    ]
    assert failures[0].reasons == [
        "Your household's monthly income, $5,359.01, is above the limit of $5,359 for a "
        "household of 4" + H25 + "."
    ]
    assert failures[1].missing == ["household.income_monthly"]
    assert "one cent over: expected eligible, got ineligible" in str(failures[0])


def test_examples_in_spanish_and_unnamed():
    failures = check_examples(
        compile_(INCOME_RULE), [{**EXAMPLES[1], "name": "", "expected": "eligible"}], language="es"
    )
    assert failures[0].name == "example 1"
    assert failures[0].reasons[0].startswith("El ingreso mensual de su hogar, $5,359.01")
