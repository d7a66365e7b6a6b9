"""Generated sentence code (``eligibility/engine/sentence_code.py``) writes exactly the text of
the closures it replaced (kept as ``Explainer(..., generated=False)``), in English and Spanish,
for random rules over random partial answers: table comparisons, a value compared with a literal,
and computed values of every arithmetic function compared with literals, other answers and
dated table limits."""

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from eligibility.engine import values
from eligibility.engine.computed_text import format_scaled
from eligibility.engine.explain import Explainer
from eligibility.engine.sentence_code import money_scaled
from eligibility.engine.sentences import write
from tests.eligibility.support import QUESTIONS, compile_
from tests.eligibility.test_arithmetic_properties import ANSWERS as COMPUTED_ANSWERS
from tests.eligibility.test_arithmetic_properties import MONEY as MONEY_TREES
from tests.eligibility.test_arithmetic_properties import NUMBERS as NUMBER_TREES
from tests.eligibility.test_properties import ANSWERS, DATES, RULES, SETTINGS

# Dates where every period these rules can ask for is in effect (the SNAP deduction's first
# federal fiscal year starts on 1 October 2025).
DATED = st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 12, 31))
ORDERED = st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"])
LOOKUP = st.sampled_from([{}, {"in_effect_on": {"last": "04-01"}}, {"year": 2025}])
LIMIT = st.builds(
    lambda lookup, size, percent: {
        "table": "hhs_poverty_guidelines",
        "household_size": size,
        "percent": percent,
        "period": "monthly",
        **lookup,
    },
    LOOKUP,
    st.sampled_from([{"answer": "household.size"}, {"count": "household.members"}]),
    st.sampled_from([100, "137.5", 200]),
)
DEDUCTION = {
    "table": "usda_snap_standard_deduction",
    "in_effect_on": {"last": "10-01"},
    "household_size": {"answer": "household.size"},
}
MONEY_SIDES = st.one_of(
    st.integers(0, 5000).map(lambda d: {"dollars": d}),
    st.just({"answer": "utility.bill"}),
    LIMIT,
    MONEY_TREES.map(lambda tree: tree[0]),
)
LABEL = st.sampled_from([None, {"en": "Your net income", "es": "Su ingreso neto"}])


def computed_rule(tree, side, op, label, named, swapped):
    """``op`` between a computed money tree (labelled or not, named or inline) and ``side``."""
    value = {"sub": [tree[0], DEDUCTION]} if named else {"add": [tree[0], {"dollars": 0}]}
    if label:
        value = {**value, "label": label}
    operand = {"named": "net"} if named else value
    operands = [side, operand] if swapped else [operand, side]
    rule = {op: operands}
    return {"values": {"net": value}, **rule} if named else rule


COMPUTED_RULES = st.one_of(
    st.builds(
        computed_rule, MONEY_TREES, MONEY_SIDES, ORDERED, LABEL, st.booleans(), st.booleans()
    ),
    st.builds(
        lambda tree, n, op: {op: [{"add": [tree[0], {"value": 0}]}, {"value": n}]},
        NUMBER_TREES,
        st.integers(-5, 20),
        ORDERED,
    ),
)


def assert_same_sentences(rule, answers, as_of):
    """Every reason, and every leaf's sentence for either outcome, equal to the reference."""
    reference = Explainer(rule._explainer.items, QUESTIONS, generated=False)
    truth, deciders, slots = rule._function(answers, as_of=as_of, truth_only=True)
    for language in ("en", "es"):
        result = rule.evaluate(answers, as_of=as_of, language=language)
        if truth is not None:
            assert result.reasons == reference.sentences_for(truth, deciders, slots, language)
        for held in (False, True):
            generated = rule._explainer.formatters(language, held)
            closures = reference.formatters(language, held)
            for mine, theirs in zip(generated, closures, strict=True):
                if mine is not None:
                    assert outcome_of(mine, slots) == outcome_of(theirs, slots)


def outcome_of(sentence, slots):
    """The sentence, or the kind of error writing it raises (a leaf that did not decide may
    see values its sentence never shows, the same for both)."""
    try:
        return write(sentence, slots)
    except (TypeError, ValueError, ZeroDivisionError) as error:
        return type(error)


@SETTINGS
@given(rule=RULES, answers=ANSWERS, as_of=DATES)
def test_generated_sentences_equal_the_closures_on_random_rules(rule, answers, as_of):
    assert_same_sentences(compile_(rule), answers, as_of)


@SETTINGS
@given(rule=COMPUTED_RULES, answers=COMPUTED_ANSWERS, dates=st.lists(DATED, min_size=1, max_size=3))
def test_generated_sentences_equal_the_closures_for_computed_values(rule, answers, dates):
    compiled = compile_(rule)
    for as_of in dates:  # one compiled rule screening on several dates
        assert_same_sentences(compiled, answers, as_of)


DATED_RULES = st.lists(
    st.builds(
        lambda op, limit: {op: [{"answer": "household.income_monthly"}, limit]}, ORDERED, LIMIT
    ),
    min_size=1,
    max_size=3,
).map(lambda leaves: {"all": leaves})


@SETTINGS
@given(rule=DATED_RULES, answers=COMPUTED_ANSWERS, dates=st.lists(DATED, min_size=2, max_size=4))
def test_generated_sentences_equal_the_closures_for_dated_limits(rule, answers, dates):
    compiled = compile_(rule)
    for as_of in dates:  # the limit's phrase depends on the period in effect that day
        assert_same_sentences(compiled, answers, as_of)


def test_a_computed_comparison_shows_the_limit_of_the_period_in_effect_that_day():
    # The limit's phrase was remembered by household size alone, so after a screening on 12
    # January 2026 the same rule showed the 2025 limit on 13 January and after.
    rule = compile_(
        {
            "lte": [
                {"sub": [{"answer": "household.income_monthly"}, {"dollars": 10}]},
                {
                    "table": "hhs_poverty_guidelines",
                    "household_size": {"answer": "household.size"},
                    "percent": 100,
                    "period": "monthly",
                    "rounding": "up_dollar",
                },
            ]
        }
    )
    answers = {"household.income_monthly": 100000, "household.size": 1}
    for language in ("en", "es"):
        before = rule.evaluate(answers, as_of="2026-01-12", language=language).reasons[0]
        after = rule.evaluate(answers, as_of="2026-01-13", language=language).reasons[0]
        assert "$1,305" in before and "$1,330" in after
        reference = Explainer(rule._explainer.items, QUESTIONS, generated=False)
        truth, deciders, slots = rule._function(answers, as_of=date(2026, 1, 13), truth_only=True)
        assert reference.sentences_for(truth, deciders, slots, language) == [after]


@given(
    st.lists(
        st.one_of(
            st.integers(-(10**7), 10**7),
            st.integers(-(10**7), 10**7).map(float),
            st.fractions(max_denominator=12).filter(lambda f: abs(f) < 10**7),
            st.integers(0, 10**5).map(Fraction),
        ),
        max_size=20,
    )
)
def test_an_amount_read_from_the_memo_is_the_amount_formatted(amounts):
    # Generated computed sentences read ``MONEY_TEXTS.get(raw) or money_scaled(raw)``
    # whatever the class of raw: 100.0 or Fraction(100) finds the text of 100 cents, which
    # is how ``format_scaled`` writes them too.
    values.clear_memos()
    for amount in amounts * 2:
        shown = values.MONEY_TEXTS.get(amount) or money_scaled(amount)
        assert shown == format_scaled(amount, 1, "money")


def test_labels_with_quotes_braces_and_backslashes_read_as_written():
    # A label holding "{value}" was split at the wrong place, and a computed comparison showed
    # its braces doubled; both ways of writing sentences now parse the template.
    label = {"en": 'Your "net" {value} it\'s \\N{DASH}\n%s', "es": "Su {other} «neto» \\"}
    rule = compile_(
        {
            "values": {"net": {"sub": [{"answer": "household.income_monthly"}, {"dollars": 5}]}},
            "all": [
                {"lte": [{"named": "net", "label": label}, {"answer": "utility.bill"}]},
                {"lte": [{"answer": "household.size", "label": label}, {"value": 2}]},
            ],
        }
    )
    answers = {"household.income_monthly": 10000, "utility.bill": 100, "household.size": 3}
    assert_same_sentences(rule, answers, date(2026, 2, 1))
    assert rule.evaluate(answers, as_of="2026-02-01").reasons == [
        "Your \"net\" {value} it's \\N{DASH}\n%s, $95 (your household's monthly income of $100 "
        "minus $5), is above the limit of your monthly utility bill ($1).",
        'Your "net" {value} it\'s \\N{DASH}\n%s, 3, is above the limit of 2.',
    ]
    spanish = rule.evaluate(answers, as_of="2026-02-01", language="es").reasons
    assert spanish[0].startswith("Su {other} «neto» \\, $95 (")
    assert spanish[1].startswith("Su {other} «neto» \\, 3, ")


@given(
    st.one_of(
        st.integers(0, 10**9),
        st.integers(0, 10**6).map(float),
        st.floats(0, 10**6, allow_nan=False),
        st.integers(0, 10**5).map(Fraction),
        st.booleans(),
    ),
    st.sampled_from([None, {"en": "Your {value} income", "es": "Su ingreso {other}"}]),
)
def test_an_amount_compared_with_a_literal_reads_as_the_closure_writes_it(amount, label):
    # The value-only sentence is generated code reading ``MONEY_TEXTS`` inline: an int finds
    # its text there, any other class (1.0, Fraction, True) is formatted, never looked up.
    values.clear_memos()
    subject = {"answer": "household.income_monthly"}
    if label is not None:
        subject["label"] = label
    rule = compile_({"lte": [subject, {"dollars": 1000}]})
    assert rule._explainer.formatters("en", False)[0].__name__.startswith("_s")  # generated
    for answers in ({"household.income_monthly": amount}, {"household.income_monthly": 100}):
        assert_same_sentences(rule, answers, date(2026, 2, 1))
        assert_same_sentences(rule, answers, date(2026, 2, 1))  # the second read is remembered
