"""One function screening every rule (engine/screening.py): each result is what the rule says
alone, household aggregates are computed once per screening, and a rule that fails fails
alone."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engine import Evaluation, QuestionInfo, compile_rule, compile_screening
from eligibility.engine.shared import shared_key
from tests.eligibility.support import AS_OF, TABLES, compile_
from tests.eligibility.test_properties import ANSWERS, DATES, RULES, SETTINGS
from tests.eligibility.test_sentence_code import COMPUTED_ANSWERS, COMPUTED_RULES, DATED

ADULTS = {"in": [{"member": "relationship"}, ["self", "spouse"]]}
CHILDREN = {"lt": [{"member_age": "birth_date"}, {"value": 18}]}
MEMBERS = "household.members"


def adult_income_at_most(dollars):
    total = {"sum": MEMBERS, "field": "income_monthly", "where": ADULTS}
    return {"lte": [total, {"dollars": dollars}]}


def children_at_least(count):
    return {"gte": [{"count": MEMBERS, "where": CHILDREN}, {"value": count}]}


HOUSEHOLD = {
    MEMBERS: [
        {"relationship": "self", "birth_date": "1980-02-03", "income_monthly": 150000},
        {"relationship": "spouse", "birth_date": "1982-05-06", "income_monthly": 50000},
        {"relationship": "child", "birth_date": "2015-07-08", "income_monthly": 0},
    ]
}


def written(evaluation):
    return (
        evaluation.outcome,
        evaluation.reasons,
        evaluation.missing,
        evaluation.threshold,
        evaluation.deciders,
        evaluation.reason_keys,
    )


def assert_same_as_alone(rules, answers, as_of, language="en", explain_keys=False):
    """Every rule's result in one screening equals its own ``evaluate``'s, or, where that
    raises, is the same kind of exception."""
    together = compile_screening(rules).screen(answers, as_of, language, explain_keys)
    assert len(together) == len(rules)
    for rule, result in zip(rules, together, strict=True):
        try:
            alone = rule.evaluate(answers, as_of, language, explain_keys)
        except Exception as error:
            assert type(result) is type(error)
            continue
        assert isinstance(result, Evaluation)
        assert written(result) == written(alone)


def shared_locals(screening) -> set[str]:
    """The screening function's household aggregates, one local each."""
    return {
        word for word in screening.source.split() if word.startswith("sh") and word[2:].isdigit()
    }


def test_programs_asking_the_same_of_the_household_share_one_computation():
    rules = [
        compile_(adult_income_at_most(1500)),
        compile_(adult_income_at_most(2500)),
        compile_({"all": [adult_income_at_most(3000), children_at_least(1)]}),
        compile_(children_at_least(2)),
    ]
    screening = compile_screening(rules)
    results = screening.screen(HOUSEHOLD, AS_OF)
    assert [result.outcome for result in results] == [
        "ineligible",
        "eligible",
        "eligible",
        "ineligible",
    ]
    assert results[0].reasons == [
        "The combined income monthly of your household who meet the rule's conditions, $2,000, "
        "is above the limit of $1,500."
    ]
    # Two definitions (the adults' income, the children), each one local computed once.
    assert shared_locals(screening) == {"sh0", "sh1"}
    assert_same_as_alone(rules, HOUSEHOLD, AS_OF)


def test_aggregates_that_differ_anywhere_are_kept_apart():
    others = {"in": [{"member": "relationship"}, ["self", "other"]]}
    zero_dollars, zero = {"dollars": 0}, {"value": 0}
    variants = [
        ({"sum": MEMBERS, "field": "income_monthly", "where": ADULTS}, zero_dollars),
        ({"sum": MEMBERS, "field": "income_monthly", "where": others}, zero_dollars),
        ({"sum": MEMBERS, "field": "hours_weekly", "where": ADULTS}, zero),
        ({"sum": MEMBERS, "field": "income_monthly"}, zero_dollars),
        ({"count": MEMBERS, "where": ADULTS}, zero),
        ({"count": MEMBERS, "where": {"lt": [{"member_age": "birth_date"}, {"value": 19}]}}, zero),
    ]
    rules = [compile_({"gte": [variant, limit]}) for variant, limit in variants]
    assert len(shared_locals(compile_screening(rules))) == len(variants)
    assert_same_as_alone(rules, HOUSEHOLD, AS_OF)


def test_the_same_aggregate_only_for_questions_of_the_same_type():
    def aggregate(field_type, label="People"):
        members = QuestionInfo(
            "people",
            "household_members",
            {"en": label},
            member_fields={"relationship": "single_choice", "amount": field_type},
        )
        limit = {"dollars": 1} if field_type == "currency" else {"value": 1}
        return compile_rule(
            {"gte": [{"sum": "people", "field": "amount"}, limit]}, {"people": members}, TABLES
        )

    number, currency = aggregate("number"), aggregate("currency")
    assert len(shared_locals(compile_screening([number, currency]))) == 2
    # Labels never change a value: equal definitions share one local.
    relabelled = aggregate("number", label="Everyone at home")
    assert len(shared_locals(compile_screening([number, relabelled]))) == 1


def test_a_key_tells_one_from_1_0_and_true():
    assert len({shared_key(1), shared_key(1.0), shared_key(True)}) == 3


def test_an_aggregate_in_a_branch_that_never_ran_is_computed_by_the_next_rule():
    # The first rule decides at its first branch and never counts the children; the second
    # needs the count and must compute it, not read "not computed yet".
    first = compile_(
        {"any": [{"gte": [{"answer": "household.size"}, {"value": 1}]}, children_at_least(1)]}
    )
    second = compile_(children_at_least(1))
    answers = {**HOUSEHOLD, "household.size": 3}
    results = compile_screening([first, second]).screen(answers, AS_OF)
    assert [result.outcome for result in results] == ["eligible", "eligible"]
    assert_same_as_alone([first, second], answers, AS_OF)


RAISES_FOR_THREE = {
    "lte": [
        {"div": [{"answer": "household.income_monthly"},
                 {"sub": [{"answer": "household.size"}, {"value": 3}]}]},
        {"dollars": 1000},
    ]
}  # fmt: skip


def test_a_rule_that_raises_fails_alone():
    rules = [
        compile_(adult_income_at_most(2500)),
        compile_(RAISES_FOR_THREE),
        compile_(children_at_least(1)),
    ]
    answers = {**HOUSEHOLD, "household.size": 3, "household.income_monthly": 200000}
    results = compile_screening(rules).screen(answers, AS_OF)
    assert isinstance(results[1], ZeroDivisionError)
    assert [results[0].outcome, results[2].outcome] == ["eligible", "eligible"]
    assert_same_as_alone(rules, answers, AS_OF)
    # Another household gets the rule's own result.
    fine = compile_screening(rules).screen({**answers, "household.size": 4}, AS_OF)
    assert fine[1].outcome == "ineligible"


def test_an_answer_every_rule_reads_that_cannot_be_read_fails_only_the_rules_reading_it():
    # A birth date that is no date is read once for the whole screening; the rules that do not
    # read it still get their results.
    age_rule = compile_({"gte": [{"age": "applicant.birth_date"}, {"value": 18}]})
    size_rule = compile_({"lte": [{"answer": "household.size"}, {"value": 4}]})
    answers = {"applicant.birth_date": "not a date", "household.size": 3}
    results = compile_screening([age_rule, size_rule]).screen(answers, AS_OF)
    assert isinstance(results[0], ValueError)
    assert results[1].outcome == "eligible"
    assert_same_as_alone([age_rule, size_rule], answers, AS_OF)


def test_the_screening_date_and_language_may_be_given_as_the_rules_take_them():
    rules = [compile_(children_at_least(1)), compile_(adult_income_at_most(1500))]
    by_text = compile_screening(rules).screen(HOUSEHOLD, "2025-06-01", "es")
    by_date = compile_screening(rules).screen(HOUSEHOLD, date(2025, 6, 1), "es")
    assert [written(result) for result in by_text] == [written(result) for result in by_date]
    assert by_date[0].reasons[0].startswith("El número de personas en su hogar")
    # A language the engine has no sentences in reads as English, as evaluate does.
    in_french = compile_screening(rules).screen(HOUSEHOLD, AS_OF, "fr")
    assert in_french[0].reasons[0].startswith("The number of people in your household")
    assert_same_as_alone(rules, HOUSEHOLD, "2025-06-01", "fr")


@SETTINGS
@given(rules=st.lists(RULES, min_size=2, max_size=5), answers=ANSWERS, as_of=DATES)
def test_a_screening_says_what_each_program_says_alone(rules, answers, as_of):
    compiled = [compile_(rule) for rule in rules]
    for language in ("en", "es"):
        assert_same_as_alone(compiled, answers, as_of, language, explain_keys=language == "es")


@settings(SETTINGS, max_examples=100)
@given(
    rules=st.lists(COMPUTED_RULES, min_size=2, max_size=4),
    answers=COMPUTED_ANSWERS,
    as_of=DATED,
)
def test_a_screening_of_computed_and_named_values_says_what_each_says_alone(rules, answers, as_of):
    compiled = [compile_(rule) for rule in rules]
    for language in ("en", "es"):
        assert_same_as_alone(compiled, answers, as_of, language)
