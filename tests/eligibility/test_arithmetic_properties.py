"""Property tests: computed operands equal exact Fraction arithmetic on the same inputs.

Random arithmetic trees (add, sub, mul, div, min, max, percent, round, over answers, household
sums and counts, table limits and decimal literals) are compiled into a rule that compares the
tree with the value a plain Fraction evaluation gives; the rule must hold exactly (no float
drift, no hidden rounding), and be unknown, missing exactly the unanswered inputs, otherwise.
"""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.engine.arithmetic import min_max
from eligibility.engine.values import round_cents
from tests.eligibility.support import AS_OF, TABLES, compile_

INCOME, BILL, SIZE = "household.income_monthly", "utility.bill", "household.size"


def answer(key):
    return ({"answer": key}, lambda a: None if a.get(key) is None else Fraction(a[key]), {key})


MONEY_LEAVES = st.one_of(
    st.just(answer(INCOME)),
    st.just(answer(BILL)),
    st.decimals(min_value=-5000, max_value=5000, places=2).map(
        lambda d: ({"dollars": str(d)}, lambda a, d=d: Fraction(str(d)) * 100, set())
    ),
    st.just(
        (
            {"sum": "household.members", "field": "income_monthly"},
            lambda a: (
                None
                if a.get("household.members") is None
                else Fraction(sum(m["income_monthly"] for m in a["household.members"]))
            ),
            {"household.members"},
        )
    ),
    st.sampled_from([100, "137.5", 200]).map(
        lambda percent: (
            {
                "table": "hhs_poverty_guidelines",
                "year": 2025,
                "household_size": {"answer": SIZE},
                "percent": percent,
                "period": "monthly",
            },
            lambda a, p=percent: (
                None
                if a.get(SIZE) is None
                else Fraction(
                    TABLES.get("hhs_poverty_guidelines", 2025).cents(
                        a[SIZE], percent=Fraction(str(p)), period="monthly", rounding="cent"
                    )
                )
            ),
            {SIZE},
        )
    ),
)
NUMBER_LEAVES = st.one_of(
    st.just(answer(SIZE)),
    st.just(
        (
            {"count": "household.members"},
            lambda a: (
                None
                if a.get("household.members") is None
                else Fraction(len(a["household.members"]))
            ),
            {"household.members"},
        )
    ),
    st.sampled_from([0.1, 0.2, 0.3, 3, 12, "0.07", -2.5]).map(
        lambda v: ({"value": v}, lambda a, v=v: Fraction(str(v)), set())
    ),
)
DIVISORS = st.sampled_from([3, 7, 12, 0.3, "1.5"]).map(
    lambda v: ({"value": v}, lambda a, v=v: Fraction(str(v)), set())
)
PERCENTS = st.sampled_from([20, 50, "33.3", 130, 0])


def combine(name, parts, function):
    keys = set().union(*(keys for _, _, keys in parts))

    def reference(a):
        values = [ref(a) for _, ref, _ in parts]
        return None if any(v is None for v in values) else function(values)

    return {name: [json for json, _, _ in parts]}, reference, keys


def extend(same, numbers):
    """One more level over trees of one kind (``same``), with number trees for mul/div."""
    pair = st.tuples(same, same)
    return st.one_of(
        pair.map(lambda p: combine("add", p, sum)),
        st.tuples(same, same, same).map(lambda p: combine("add", p, sum)),
        pair.map(lambda p: combine("sub", p, lambda v: v[0] - v[1])),
        pair.map(lambda p: combine("min", p, min)),
        pair.map(lambda p: combine("max", p, max)),
        st.tuples(same, numbers).map(lambda p: combine("mul", p, lambda v: v[0] * v[1])),
        st.tuples(same, DIVISORS).map(lambda p: combine("div", p, lambda v: v[0] / v[1])),
        st.tuples(PERCENTS, same).map(
            lambda p: (
                {"percent": p[0], "of": p[1][0]},
                lambda a, p=p: (
                    None if p[1][1](a) is None else p[1][1](a) * Fraction(str(p[0])) / 100
                ),
                p[1][2],
            )
        ),
    )


NUMBERS = st.recursive(NUMBER_LEAVES, lambda inner: extend(inner, NUMBER_LEAVES), max_leaves=6)


def money_level(inner):
    rounded = st.tuples(inner, st.sampled_from(["cent", "up_dollar", "down_dollar"])).map(
        lambda p: (
            {"round": p[0][0], "rounding": p[1]},
            lambda a, p=p: None if p[0][1](a) is None else Fraction(round_cents(p[0][1](a), p[1])),
            p[0][2],
        )
    )
    return st.one_of(extend(inner, NUMBERS), rounded)


MONEY = st.recursive(MONEY_LEAVES, money_level, max_leaves=6)

MEMBER = st.fixed_dictionaries({"income_monthly": st.integers(0, 500_000)})
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        INCOME: st.integers(0, 1_000_000),
        BILL: st.integers(0, 100_000),
        SIZE: st.integers(1, 12),
        "household.members": st.lists(MEMBER, min_size=1, max_size=5),
    },
)


def exact_operand(value: Fraction, kind: str) -> dict:
    """An operand equal to ``value`` exactly: whole cents (or units) divided by the denominator."""
    numerator = value.numerator
    if kind == "money":
        sign = "-" if numerator < 0 else ""
        whole = f"{sign}{abs(numerator) // 100}.{abs(numerator) % 100:02d}"
        return {"div": [{"dollars": whole}, {"value": value.denominator}]}
    return {"div": [{"value": numerator}, {"value": value.denominator}]}


def check(tree, kind, answers):
    json, reference, keys = tree
    # Adding zero makes even a bare leaf a computed operand ("0.07" alone would be text).
    json = {"add": [json, {"dollars": 0} if kind == "money" else {"value": 0}]}
    expected = reference(answers)
    probe = exact_operand(expected if expected is not None else Fraction(0), kind)
    rule = compile_({"eq": [json, probe]})
    result = rule.evaluate(answers, as_of=AS_OF)
    if expected is None:
        assert result.outcome == "unknown"
        assert set(result.missing) == {key for key in keys if answers.get(key) is None}
        return
    assert result.outcome == "eligible", (json, expected, result.reasons)
    # A cent more is a different value: the comparison is exact, not approximate.
    nudged = compile_({"eq": [json, exact_operand(expected + Fraction(1, 10**9), kind)]})
    assert nudged.evaluate(answers, as_of=AS_OF).outcome == "ineligible"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=MONEY, answers=ANSWERS)
def test_computed_money_equals_exact_fraction_arithmetic(tree, answers):
    check(tree, "money", answers)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=NUMBERS, answers=ANSWERS)
def test_computed_numbers_equal_exact_fraction_arithmetic(tree, answers):
    check(tree, "number", answers)


def test_decimal_literals_add_up_exactly():
    # 0.1 + 0.2 is 0.30000000000000004 in floats; rules compute it exactly.
    rule = compile_({"eq": [{"add": [{"value": 0.1}, {"value": 0.2}]}, {"value": 0.3}]})
    assert rule.evaluate({}, as_of=AS_OF).outcome == "eligible"


VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(),
)


@given(a=VALUES, b=VALUES, function=st.sampled_from(["min", "max"]))
def test_min_and_max_written_out_return_what_the_builtins_return(a, b, function):
    # The generated comparison must pick the very object the builtin picks, NaN included.
    expression = min_max(function, ["a", "b"])
    assert "(" in expression and function not in expression
    picked = eval(expression, {}, {"a": a, "b": b})  # noqa: S307 - our own generated code
    assert picked is {"min": min, "max": max}[function](a, b)


def test_min_and_max_of_anything_but_names_and_numbers_stay_calls():
    assert min_max("min", ["x1 * 4", "x2"]) == "min(x1 * 4, x2)"
    assert min_max("max", ["x1", "x2", "0"]) == "max(x1, x2, 0)"
