"""Property tests: random valid rules over random partial answers."""

from datetime import date

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eligibility.engine import validate_rule
from tests.eligibility.support import QUESTIONS, TABLES, compile_

DATES = st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31))
CENTS = st.integers(min_value=0, max_value=1_000_000)
RELATIONSHIPS = ["self", "spouse", "child", "other"]

MEMBER_VALUES = {
    "name": st.sampled_from(["Ana", "Bo"]),
    "birth_date": DATES.map(date.isoformat),
    "relationship": st.sampled_from(RELATIONSHIPS),
    "income_monthly": CENTS,
    "hours_weekly": st.integers(min_value=0, max_value=60),
}
COMPLETE_MEMBER = st.fixed_dictionaries(MEMBER_VALUES)
PARTIAL_MEMBER = st.fixed_dictionaries({}, optional=MEMBER_VALUES)

VALUES = {
    "household.income_monthly": CENTS,
    "household.size": st.integers(min_value=1, max_value=12),
    "applicant.birth_date": st.one_of(DATES, DATES.map(date.isoformat)),
    "applicant.state": st.sampled_from(["WA", "OR", "ID"]),
    "applicant.veteran": st.booleans(),
    "applicant.benefits": st.lists(
        st.sampled_from(["SNAP", "TANF", "SSI"]), min_size=1, unique=True
    ),
    "applicant.name": st.sampled_from(["Ana", "Bo"]),
    "applicant.address": st.just({"line1": "1 Main St"}),
    "applicant.id_document": st.just("file-1"),
    "utility.bill": CENTS,
    "applicant.hours": st.integers(min_value=0, max_value=80),
    "household.members": st.lists(COMPLETE_MEMBER, min_size=1, max_size=5),
}
PARTIAL_VALUES = {
    **VALUES,
    "household.members": st.lists(st.one_of(COMPLETE_MEMBER, PARTIAL_MEMBER), max_size=5),
}
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(value, st.sampled_from([None, ""])) for key, value in PARTIAL_VALUES.items()
    },
)

SMALL = st.integers(min_value=0, max_value=10)
MONEY = st.integers(min_value=0, max_value=10_000).map(lambda d: {"dollars": d})
ORDERED = st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"])
TABLE = st.builds(
    lambda table, size, percent, period, rounding: {
        "table": table[0],
        "year": table[1],
        "household_size": size,
        "percent": percent,
        "period": period,
        "rounding": rounding,
    },
    st.sampled_from(
        [
            ("hhs_poverty_guidelines", 2025),
            ("hhs_poverty_guidelines", 2026),
            ("wa_state_median_income", 2024),
        ]
    ),
    st.sampled_from([{"answer": "household.size"}, {"count": "household.members"}]),
    st.sampled_from([100, 130, "137.5", 200]),
    st.sampled_from(["monthly", "annual"]),
    st.sampled_from(["up_dollar", "down_dollar", "nearest_dollar", "cent"]),
)
MEMBER_CONDITION = st.one_of(
    st.builds(
        lambda op, n: {op: [{"member_age": "birth_date"}, {"value": n}]},
        ORDERED,
        st.integers(0, 90),
    ),
    st.builds(
        lambda values: {"in": [{"member": "relationship"}, values]},
        st.lists(st.sampled_from(RELATIONSHIPS), min_size=1, unique=True),
    ),
    st.builds(lambda op, d: {op: [{"member": "income_monthly"}, d]}, ORDERED, MONEY),
)
LEAVES = st.one_of(
    st.builds(lambda op, n: {op: [{"answer": "household.size"}, {"value": n}]}, ORDERED, SMALL),
    st.builds(lambda op, n: {op: [{"value": n}, {"answer": "applicant.hours"}]}, ORDERED, SMALL),
    st.builds(
        lambda op, m: {op: [{"answer": "household.income_monthly"}, m]},
        ORDERED,
        st.one_of(MONEY, TABLE, st.just({"answer": "utility.bill"})),
    ),
    st.builds(
        lambda op, n: {op: [{"age": "applicant.birth_date"}, {"value": n}]},
        ORDERED,
        st.integers(0, 100),
    ),
    st.builds(
        lambda low: {
            "between": [{"age": "applicant.birth_date"}, {"value": low}, {"value": low + 20}]
        },
        st.integers(0, 80),
    ),
    st.builds(
        lambda op, v: {op: [{"answer": "applicant.state"}, v]},
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from(["WA", "OR", "ID"]), min_size=1, unique=True),
    ),
    st.builds(
        lambda op, v: {op: [{"answer": "applicant.benefits"}, v]},
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from(["SNAP", "TANF", "SSI"]), min_size=1, unique=True),
    ),
    st.builds(lambda b: {"eq": [{"answer": "applicant.veteran"}, {"value": b}]}, st.booleans()),
    st.builds(
        lambda key: {"is_answered": key},
        st.sampled_from(["applicant.name", "applicant.address", "applicant.id_document"]),
    ),
    st.builds(
        lambda op, where, n: {op: [{"count": "household.members", "where": where}, {"value": n}]},
        ORDERED,
        MEMBER_CONDITION,
        SMALL,
    ),
    st.builds(
        lambda op, where, m: {
            op: [{"sum": "household.members", "field": "income_monthly", "where": where}, m]
        },
        ORDERED,
        MEMBER_CONDITION,
        st.one_of(MONEY, TABLE),
    ),
)
RULES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=4)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=4)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=12,
)

SETTINGS = settings(
    database=None,  # no example database written into the repository
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(rule=RULES, answers=ANSWERS, as_of=DATES, language=st.sampled_from(["en", "es"]))
def test_random_rules_never_raise(rule, answers, as_of, language):
    assert validate_rule(rule, QUESTIONS, TABLES) == []
    result = compile_(rule).evaluate(answers, as_of=as_of, language=language)
    assert result.outcome in ("eligible", "ineligible", "unknown")
    assert all(isinstance(reason, str) and reason for reason in result.reasons)
    if result.outcome == "unknown":
        assert result.missing and result.missing == sorted(set(result.missing))
    else:
        assert result.missing == []
        assert result.reasons


@SETTINGS
@given(rule=RULES, answers=ANSWERS, as_of=DATES, data=st.data())
def test_supplying_missing_answers_decides_the_outcome(rule, answers, as_of, data):
    compiled = compile_(rule)
    result = compiled.evaluate(answers, as_of=as_of)
    event(result.outcome)
    if result.outcome != "unknown":
        return
    completed = dict(answers)
    for key in result.missing:
        completed[key] = data.draw(VALUES[key], label=key)
    assert compiled.evaluate(completed, as_of=as_of).outcome != "unknown"


@SETTINGS
@given(rule=RULES, answers=ANSWERS, as_of=DATES)
def test_compiled_code_agrees_with_a_reference_interpreter(rule, answers, as_of):
    assert compile_(rule).truth(answers, as_of=as_of) == reference(rule, answers, as_of)


# -- a deliberately simple interpreter of the documented semantics, to check the compiler -------


def _blank(value):
    # [] is an answer ("none of these", "nobody else"); only None and "" are not.
    return value is None or value == ""


def _age(value, as_of):
    born = value if isinstance(value, date) else date.fromisoformat(value)
    return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))


def reference(node, answers, as_of, member=None):
    ((op, args),) = ((k, v) for k, v in node.items() if k != "reason")
    if op == "all":
        results = [reference(c, answers, as_of, member) for c in args]
        return False if False in results else (None if None in results else True)
    if op == "any":
        results = [reference(c, answers, as_of, member) for c in args]
        return True if True in results else (None if None in results else False)
    if op == "not":
        inner = reference(args, answers, as_of, member)
        return None if inner is None else not inner
    if op == "is_answered":
        return not _blank(answers.get(args))
    if op in ("in", "not_in"):
        value = operand(args[0], answers, as_of, member)
        if value is None:
            return None
        found = any(v in args[1] for v in value) if isinstance(value, list) else value in args[1]
        return found if op == "in" else not found
    values = [operand(a, answers, as_of, member) for a in args]
    if any(v is None for v in values):
        return None
    if op == "between":
        return values[1] <= values[0] <= values[2]
    left, right = values
    if isinstance(left, date | str) and isinstance(right, date | str) and op not in ("eq", "ne"):
        left, right = (v if isinstance(v, date) else date.fromisoformat(v) for v in (left, right))
    return {
        "eq": left == right,
        "ne": left != right,
        "lt": left < right,
        "lte": left <= right,
        "gt": left > right,
        "gte": left >= right,
    }[op]


def operand(node, answers, as_of, member):
    from fractions import Fraction

    from eligibility.engine.values import household_size, round_cents

    if "value" in node:
        return node["value"]
    if "dollars" in node:
        return int(Fraction(str(node["dollars"])) * 100)
    if "answer" in node:
        value = answers.get(node["answer"])
        return None if _blank(value) else value
    if "age" in node:
        value = answers.get(node["age"])
        return None if _blank(value) else _age(value, as_of)
    if "member" in node:
        value = member.get(node["member"])
        return None if _blank(value) else value
    if "member_age" in node:
        value = member.get(node["member_age"])
        return None if _blank(value) else _age(value, as_of)
    if "count" in node or "sum" in node:
        members = answers.get(node.get("count") or node.get("sum"))
        if _blank(members):
            return None
        total = 0
        for person in members:
            if "where" in node:
                keep = reference(node["where"], answers, as_of, person)
                if keep is None:
                    return None
                if not keep:
                    continue
            if "count" in node:
                total += 1
            else:
                value = person.get(node["field"])
                if _blank(value):
                    return None
                total += value
        return total
    size = operand(node["household_size"], answers, as_of, member)
    if size is None:
        return None
    table = TABLES.get(node["table"], node["year"])
    amount = Fraction(table.dollars(household_size(size)) * 100) * Fraction(str(node["percent"]))
    amount /= 100
    if node["period"] != table.period:
        amount = amount / 12 if node["period"] == "monthly" else amount * 12
    return round_cents(amount, node["rounding"])
