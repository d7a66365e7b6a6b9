"""Household aggregates shared by the programs of one screening (engine/shared.py): each is
computed once per screening, and no result or sentence changes."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eligibility.engine import QuestionInfo, compile_rule, values
from eligibility.engine.shared import shared_key
from tests.eligibility.support import AS_OF, TABLES, compile_
from tests.eligibility.test_properties import ANSWERS, DATES, RULES, SETTINGS

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
    )


def test_programs_asking_the_same_of_the_household_share_one_computation():
    rules = [
        compile_(adult_income_at_most(1500)),
        compile_(adult_income_at_most(2500)),
        compile_({"all": [adult_income_at_most(3000), children_at_least(1)]}),
        compile_(children_at_least(2)),
    ]
    shared: dict = {}
    results = [rule.evaluate(HOUSEHOLD, as_of=AS_OF, shared=shared) for rule in rules]
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
    # Two definitions (the adults' income, the children), each computed once.
    assert len(shared) == 2
    assert sorted(shared.values()) == [1, 200000]
    for rule, result in zip(rules, results, strict=True):
        assert written(rule.evaluate(HOUSEHOLD, as_of=AS_OF)) == written(result)


def test_a_value_already_in_the_screening_is_read_not_computed_again():
    rule = compile_(adult_income_at_most(1500))
    shared: dict = {}
    rule.evaluate(HOUSEHOLD, as_of=AS_OF, shared=shared)
    (key,) = shared
    shared[key] = 100  # as if another program had computed $1 already
    result = rule.evaluate(HOUSEHOLD, as_of=AS_OF, shared=shared)
    assert result.outcome == "eligible"
    assert "$1," in result.reasons[0]


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
    shared: dict = {}
    for variant, limit in variants:
        compile_({"gte": [variant, limit]}).evaluate(HOUSEHOLD, as_of=AS_OF, shared=shared)
    assert len(shared) == len(variants)


def test_the_same_key_only_for_questions_of_the_same_type():
    def aggregate(field_type):
        members = QuestionInfo(
            "people",
            "household_members",
            {"en": "People"},
            member_fields={"relationship": "single_choice", "amount": field_type},
        )
        limit = {"dollars": 1} if field_type == "currency" else {"value": 1}
        return compile_rule(
            {"gte": [{"sum": "people", "field": "amount"}, limit]}, {"people": members}, TABLES
        )

    number, currency = aggregate("number"), aggregate("currency")
    keys = [
        next(value for name, value in rule_namespace(rule).items() if name.startswith("_K"))
        for rule in (number, currency)
    ]
    assert keys[0] != keys[1]
    # Labels and where a condition sits never change a value: equal definitions, equal keys.
    again = aggregate("number")
    assert keys[0] == next(
        value for name, value in rule_namespace(again).items() if name.startswith("_K")
    )


def rule_namespace(rule):
    return rule.evaluate.__globals__


def test_a_key_tells_one_from_1_0_and_true():
    assert len({shared_key(1), shared_key(1.0), shared_key(True)}) == 3


@SETTINGS
@given(rules=st.lists(RULES, min_size=2, max_size=5), answers=ANSWERS, as_of=DATES)
def test_a_screening_with_shared_values_says_what_each_program_alone_says(rules, answers, as_of):
    compiled = [compile_(rule) for rule in rules]
    shared: dict = {}
    for language in ("en", "es"):
        for rule in compiled:
            alone = rule.evaluate(answers, as_of=as_of, language=language)
            together = rule.evaluate(answers, as_of=as_of, language=language, shared=shared)
            assert written(together) == written(alone)


def test_a_screening_date_given_as_text_reads_as_that_date():
    rule = compile_(children_at_least(1))
    assert written(rule.evaluate(HOUSEHOLD, as_of="2025-06-01")) == written(
        rule.evaluate(HOUSEHOLD, as_of=date(2025, 6, 1))
    )
    assert rule.truth(HOUSEHOLD, as_of="2025-06-01") is True


# -- a computed value's explanation, remembered by what it explains and the values it shows ----

NET = {
    "sub": [{"answer": "household.income_monthly"}, {"answer": "utility.bill"}],
    "label": {"en": "Your net income", "es": "Su ingreso neto"},
}


def net_rule(dollars, net=NET):
    return {"values": {"net": net}, "lte": [{"named": "net"}, {"dollars": dollars}]}


NET_ANSWERS = {"household.income_monthly": 200000, "utility.bill": 15000}


def test_a_named_value_defined_alike_is_explained_once_per_resident():
    values.clear_memos()
    first = compile_(net_rule(1000)).evaluate(NET_ANSWERS, as_of=AS_OF)
    second = compile_(net_rule(1500)).evaluate(NET_ANSWERS, as_of=AS_OF)
    assert first.reasons == [
        "Your net income, $1,850 (your household's monthly income of $2,000 minus your monthly "
        "utility bill of $150), is above the limit of $1,000."
    ]
    assert second.reasons[0].replace("$1,500", "$1,000") == first.reasons[0]
    assert len(values.COMPUTED_TEXTS) == 1
    values.clear_memos()
    assert not values.COMPUTED_TEXTS


def test_explanations_that_read_differently_are_kept_apart():
    values.clear_memos()
    relabelled = {**NET, "label": {"en": "What is left", "es": "Lo que queda"}}
    added = {**NET, "add": NET["sub"]}
    del added["sub"]
    plain = compile_(net_rule(1000)).evaluate(NET_ANSWERS, as_of=AS_OF)
    other_label = compile_(net_rule(1000, relabelled)).evaluate(NET_ANSWERS, as_of=AS_OF)
    other_sum = compile_(net_rule(1000, added)).evaluate(NET_ANSWERS, as_of=AS_OF)
    spanish = compile_(net_rule(1000)).evaluate(NET_ANSWERS, as_of=AS_OF, language="es")
    assert other_label.reasons[0].startswith("What is left, $1,850 (your household's")
    assert other_sum.reasons[0].startswith("Your net income, $2,150 (your household's")
    assert "plus your monthly utility bill" in other_sum.reasons[0]
    assert spanish.reasons[0].startswith("Su ingreso neto, $1,850 (el ingreso mensual")
    assert plain.reasons[0].startswith("Your net income, $1,850 (")
    # Four definitions or languages, four texts (a label counts even where it is not shown).
    assert len(values.COMPUTED_TEXTS) == 4


def test_a_value_that_is_not_an_int_is_written_every_time():
    # Some amounts read differently as floats ("$12.0"): only int values are remembered.
    values.clear_memos()
    floats = {"household.income_monthly": 200000.0, "utility.bill": 15000.0}
    rule = compile_(net_rule(1000))
    from_floats = rule.evaluate(floats, as_of=AS_OF).reasons
    assert not values.COMPUTED_TEXTS
    assert from_floats == rule.evaluate(NET_ANSWERS, as_of=AS_OF).reasons
    assert len(values.COMPUTED_TEXTS) == 1


def test_explanation_ids_stay_bounded_and_are_never_reused(monkeypatch):
    from eligibility.engine import sentence_code

    monkeypatch.setattr(sentence_code, "DESCRIPTIONS_KEPT", 3)
    values.clear_memos()
    first = compile_(net_rule(1000))
    first_reasons = first.evaluate(NET_ANSWERS, as_of=AS_OF).reasons
    seen = set()
    for extra in range(6):  # six other explanations fill and empty the registry twice
        relabelled = {**NET, "label": {"en": f"Net {extra}"}}
        compile_(net_rule(1000, relabelled)).evaluate(NET_ANSWERS, as_of=AS_OF).reasons  # noqa: B018
        seen.update(key[0] for key in values.COMPUTED_TEXTS)
    assert len(sentence_code._DESCRIPTIONS) <= 3
    assert len(seen) == len(values.COMPUTED_TEXTS) >= 6  # one id per explanation, none shared
    # The first rule's id still means its own explanation.
    assert first.evaluate(NET_ANSWERS, as_of=AS_OF).reasons == first_reasons


@given(
    size=st.integers(1, 40),
    picks=st.lists(st.integers(0, 39), max_size=12),
    holes=st.sets(st.integers(0, 39)),
)
def test_a_rules_reasons_function_writes_each_deciders_own_sentence(size, picks, holes):
    """The binary search of ``reasons_code`` finds every index's sentence, whatever the
    number of conditions and the groups (None) between them."""
    from eligibility.engine.reasons_code import reasons_function

    sentences = [
        None if index in holes else (lambda slots, index=index: f"condition {index} of {slots}")
        for index in range(size)
    ]
    deciders = tuple(index for index in picks if index < size and index not in holes)
    written = reasons_function(sentences)(deciders, ("s",))
    assert written == [f"condition {index} of ('s',)" for index in deciders]
