"""What a screening writes once and reads again: computed values' explanations, remembered by
what they explain and the values they show, and each rule's reasons function."""

from hypothesis import given
from hypothesis import strategies as st

from eligibility.engine import values
from tests.eligibility.support import AS_OF, compile_

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
