"""The engine's speed-ups give exactly the results of the plain definitions.

Dates and ages are remembered by answer value (values.py), money is formatted from lookup
tables and remembered by cents (messages.py), small values' sentences are remembered per
condition (explain.py) and ``any`` compiles to nested if/else unless it is very wide
(codegen.py). Each is checked here against the straightforward computation.
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.engine import codegen, explain, messages, values
from tests.eligibility.support import AS_OF, H25, compile_

ADULT = {"gte": [{"age": "applicant.birth_date"}, {"value": 18}]}
CHILDREN = {
    "gte": [
        {
            "count": "household.members",
            "where": {"lt": [{"member_age": "birth_date"}, {"value": 6}]},
        },
        {"value": 1},
    ]
}


@pytest.fixture(autouse=True)
def _empty_memos():
    values.clear_memos()
    yield
    values.clear_memos()


def test_the_same_birth_date_is_aged_for_each_evaluation_date():
    rule = compile_(ADULT)
    answers = {"applicant.birth_date": "2007-06-01"}
    # The day before and the day of the 18th birthday, in both orders, with the memo warm.
    for as_of, outcome in [
        (date(2025, 5, 31), "ineligible"),
        (date(2025, 6, 1), "eligible"),
        (date(2025, 5, 31), "ineligible"),
    ]:
        assert rule.evaluate(answers, as_of=as_of).outcome == outcome
    assert values.AGES[date(2025, 5, 31)]["2007-06-01"] == 17
    assert values.AGES[date(2025, 6, 1)]["2007-06-01"] == 18


def test_member_ages_come_from_the_memo_with_the_same_result():
    rule = compile_(CHILDREN)
    answers = {
        "household.members": [
            {"name": "Ana", "birth_date": "1990-04-02"},
            {"name": "Bo", "birth_date": "2019-06-02"},  # 5 until 2 June 2025
        ]
    }
    assert rule.evaluate(answers, as_of=date(2025, 6, 1)).outcome == "eligible"
    assert rule.evaluate(answers, as_of=date(2025, 6, 2)).outcome == "ineligible"
    assert rule.evaluate(answers, as_of=date(2025, 6, 1)).outcome == "eligible"


def test_a_date_and_its_iso_string_give_the_same_evaluation():
    rule = compile_(
        {"all": [ADULT, {"gte": [{"answer": "applicant.birth_date"}, {"value": "1950-01-01"}]}]}
    )
    as_text = rule.evaluate({"applicant.birth_date": "1960-02-29"}, as_of=AS_OF)
    as_date = rule.evaluate({"applicant.birth_date": date(1960, 2, 29)}, as_of=AS_OF)
    assert as_text == as_date
    assert as_text.outcome == "eligible"


@pytest.mark.parametrize("bad", ["2000-13-01", "not a date"])
def test_a_bad_date_still_raises_every_time_and_is_not_remembered(bad):
    rule = compile_(ADULT)
    for _ in range(2):
        with pytest.raises(ValueError):
            rule.evaluate({"applicant.birth_date": bad}, as_of=AS_OF)
    assert bad not in values.DATES
    assert all(bad not in ages for ages in values.AGES.values())


def test_the_memos_stay_bounded():
    start = date(1950, 1, 1).toordinal()
    for offset in range(values.DATE_MEMO_SIZE + 50):
        day = date.fromordinal(start + offset)
        assert values.memo_date(day.isoformat()) == day
        assert values.memo_age(day.isoformat(), AS_OF, values.ages_on(AS_OF)) == values.age_on(
            day, AS_OF
        )
    assert 0 < len(values.DATES) <= values.DATE_MEMO_SIZE
    assert 0 < len(values.AGES[AS_OF]) <= values.DATE_MEMO_SIZE
    for offset in range(values.AGE_MEMO_DATES + 3):
        values.ages_on(date.fromordinal(AS_OF.toordinal() + offset))
    assert len(values.AGES) <= values.AGE_MEMO_DATES


def reference_money(cents: int) -> str:
    """The format-spec definition the lookup tables replace."""
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{remainder:02d}" if remainder else f"{sign}${dollars:,}"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_money_formatting_matches_the_format_spec_definition(cents):
    assert messages.format_money(cents) == reference_money(cents)


@pytest.mark.parametrize(
    "cents", [0, 1, 99, 100, 99_999, 100_000, 100_001, 99_999_999, 100_000_000, 100_000_050]
)
def test_money_formatting_at_the_table_edges(cents):
    assert messages.format_money(cents) == reference_money(cents)


@given(
    st.lists(
        st.one_of(st.integers(-(10**9), 10**9), st.sampled_from([100.0, 1.5, True])), max_size=30
    )
)
def test_remembered_money_is_the_formatted_money(amounts):
    values.clear_memos()
    for amount in amounts * 2:  # the second time from the memo
        assert messages.remembered_money(amount) == messages.format_money(amount)
    # Only integer cents are remembered: 100.0 equals 100 as a key but reads "$1.0".
    assert all(key.__class__ is int for key in values.MONEY_TEXTS)


def test_remembered_money_stays_bounded_and_is_cleared_with_the_other_memos():
    for cents in range(values.DATE_MEMO_SIZE + 50):
        messages.remembered_money(cents)
    assert 0 < len(values.MONEY_TEXTS) <= values.DATE_MEMO_SIZE
    values.clear_memos()
    assert not values.MONEY_TEXTS


def test_an_amount_reads_the_same_whether_remembered_or_not():
    rule = compile_({"gte": [{"answer": "utility.bill"}, {"dollars": 2}]})
    seen = [
        rule.evaluate({"utility.bill": bill}, as_of=AS_OF).reasons[0] for bill in (100, 100.0, 100)
    ]
    assert seen == [
        "Your monthly utility bill, $1, is below the minimum of $2.",
        "Your monthly utility bill, $1.0, is below the minimum of $2.",
        "Your monthly utility bill, $1, is below the minimum of $2.",
    ]


def test_remembered_number_sentences_follow_the_value():
    rule = compile_({"lte": [{"answer": "household.size"}, {"value": 4}]})
    seen = [rule.evaluate({"household.size": size}, as_of=AS_OF).reasons for size in (5, 6.5, 5)]
    assert seen == [
        ["Your household size, 5, is above the limit of 4."],
        ["Your household size, 6.5, is above the limit of 4."],
        ["Your household size, 5, is above the limit of 4."],
    ]


def test_table_limit_phrases_follow_the_household_size():
    limit = {
        "table": "hhs_poverty_guidelines",
        "year": 2025,
        "household_size": {"answer": "household.size"},
        "percent": 100,
        "period": "monthly",
        "rounding": "up_dollar",
    }
    rule = compile_({"lte": [{"answer": "household.income_monthly"}, limit]})
    reasons = [
        rule.evaluate(
            {"household.income_monthly": 900_000, "household.size": size}, as_of=AS_OF
        ).reasons[0]
        for size in (1, 3, 1)
    ]
    # 2025 guideline: $15,650 + $5,500 per further person, /12, rounded up to the dollar.
    start = "Your household's monthly income, $9,000, is above the limit of "
    assert reasons == [
        start + "$1,305 for a household of 1" + H25 + ".",
        start + "$2,221 for a household of 3" + H25 + ".",
        start + "$1,305 for a household of 1" + H25 + ".",
    ]


def wide_any(width: int) -> dict:
    return {"any": [{"eq": [{"answer": "household.size"}, {"value": n}]} for n in range(width)]}


@pytest.mark.parametrize("width", [3, codegen.MAX_NESTING + 5])
def test_nested_and_flat_any_give_the_same_results(width):
    rule = compile_(wide_any(width))
    assert ("else:" in rule.source) == (width < codegen.MAX_NESTING)
    last = rule.evaluate({"household.size": width - 1}, as_of=AS_OF)
    assert last.outcome == "eligible"
    assert last.reasons == [f"Your household size is {width - 1}."]
    assert rule.evaluate({"household.size": width}, as_of=AS_OF).outcome == "ineligible"
    unknown = rule.evaluate({}, as_of=AS_OF)
    assert (unknown.outcome, unknown.missing) == ("unknown", ["household.size"])


def test_remembered_choice_sentences_follow_the_selection():
    rule = compile_({"in": [{"answer": "applicant.benefits"}, ["SNAP"]]})
    seen = [
        rule.evaluate({"applicant.benefits": picked}, as_of=AS_OF).reasons[0]
        for picked in (["TANF"], ["TANF", "SSI"], ["SSI", "TANF"], ["TANF"], ("SSI",))
    ]
    assert seen == [
        "Benefits you receive, TANF, includes none of: SNAP.",
        "Benefits you receive, TANF and SSI, includes none of: SNAP.",
        "Benefits you receive, SSI and TANF, includes none of: SNAP.",
        "Benefits you receive, TANF, includes none of: SNAP.",
        "Benefits you receive, SSI, includes none of: SNAP.",
    ]


def test_sentences_stay_right_past_the_memo_size():
    rule = compile_({"lte": [{"answer": "household.size"}, {"value": 4}]})
    for size in [*range(5, 5 + 2 * explain.SENTENCE_MEMO_SIZE), 5, 300]:
        reasons = rule.evaluate({"household.size": size}, as_of=AS_OF).reasons
        assert reasons == [f"Your household size, {size:,}, is above the limit of 4."]
    # The sentence is a remembered value read without a call (``sentences.write``), and its
    # memo stopped growing at its size.
    (sentence,) = rule._explainer.sentences("en")[False]
    texts, slot = sentence
    assert slot == 0
    assert len(texts) == explain.SENTENCE_MEMO_SIZE
    assert texts[5] == "Your household size, 5, is above the limit of 4."
