"""Truth tables for all / any / not with eligible (T), ineligible (F) and unknown (U) branches."""

import itertools

import pytest

from tests.eligibility.support import compile_

# Three leaves whose value we control through answers: T when answered >= 1, F when 0, U unset.
KEYS = ["household.size", "applicant.hours", "utility.bill"]
VALUES = {"T": 1, "F": 0, "U": None}


def leaf(key):
    if key == "utility.bill":
        return {"gte": [{"answer": key}, {"dollars": "0.01"}]}
    return {"gte": [{"answer": key}, {"value": 1}]}


def answers_for(states):
    return {k: VALUES[s] for k, s in zip(KEYS, states, strict=False) if VALUES[s] is not None}


def expected_all(states):
    if "F" in states:
        return "ineligible"
    return "unknown" if "U" in states else "eligible"


def expected_any(states):
    if "T" in states:
        return "eligible"
    return "unknown" if "U" in states else "ineligible"


CASES = [c for n in (1, 2, 3) for c in itertools.product("TFU", repeat=n)]


@pytest.mark.parametrize("states", CASES, ids="".join)
def test_all_truth_table(states):
    rule = {"all": [leaf(k) for k in KEYS[: len(states)]]}
    result = compile_(rule).evaluate(answers_for(states), as_of="2025-01-01")
    assert result.outcome == expected_all(states)
    if result.outcome == "unknown":
        assert result.missing == sorted(k for k, s in zip(KEYS, states, strict=False) if s == "U")
    if result.outcome == "ineligible":
        assert len(result.reasons) == states.count("F")  # every failing branch, only those


@pytest.mark.parametrize("states", CASES, ids="".join)
def test_any_truth_table(states):
    rule = {"any": [leaf(k) for k in KEYS[: len(states)]]}
    result = compile_(rule).evaluate(answers_for(states), as_of="2025-01-01")
    assert result.outcome == expected_any(states)
    if result.outcome == "eligible":
        assert len(result.reasons) == 1  # the passing branch
    if result.outcome == "unknown":
        assert result.missing == sorted(k for k, s in zip(KEYS, states, strict=False) if s == "U")


@pytest.mark.parametrize(
    ("state", "expected"), [("T", "ineligible"), ("F", "eligible"), ("U", "unknown")]
)
def test_not_truth_table(state, expected):
    rule = {"not": leaf(KEYS[0])}
    assert compile_(rule).evaluate(answers_for(state), as_of="2025-01-01").outcome == expected


def test_double_not_and_nesting():
    rule = {"not": {"not": {"all": [leaf(KEYS[0]), {"any": [leaf(KEYS[1]), leaf(KEYS[2])]}]}}}
    compiled = compile_(rule)
    assert compiled.evaluate(answers_for("TFT"), as_of="2025-01-01").outcome == "eligible"
    assert compiled.evaluate(answers_for("TFF"), as_of="2025-01-01").outcome == "ineligible"
    assert compiled.evaluate(answers_for("TUF"), as_of="2025-01-01").outcome == "unknown"
    assert compiled.evaluate(answers_for("FUU"), as_of="2025-01-01").outcome == "ineligible"


def test_truth_without_explanation():
    compiled = compile_({"all": [leaf(KEYS[0]), leaf(KEYS[1])]})
    assert compiled.truth(answers_for("TT"), as_of="2025-01-01") is True
    assert compiled.truth(answers_for("TU"), as_of="2025-01-01") is None
