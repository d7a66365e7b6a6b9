"""The one masking policy applied to stored eligibility reasons."""

from types import SimpleNamespace

from applicants.answer_display import MaskingPolicy, eligibility_display

INCOME = SimpleNamespace(key="income.monthly_gross", sensitive=True, text=lambda *a: "Income")
SENSITIVE = {"income.monthly_gross": INCOME}
ANSWERS = {"income.monthly_gross": 320000, "household.size": 2}
STORED = {
    "outcome": "eligible",
    "reasons": ["Income $3,200 is below the limit.", "Household of 2."],
    "reason_keys": [["income.monthly_gross"], ["household.size"]],
}


def test_a_reason_printing_a_masked_answer_is_replaced():
    shown = eligibility_display(
        STORED, answers=ANSWERS, policy=MaskingPolicy(), sensitive=SENSITIVE
    )
    assert shown["hidden"] == 1
    assert "$3,200" not in " ".join(shown["reasons"])
    assert shown["reasons"][1] == "Household of 2."
    assert "Income" in shown["reasons"][0]


def test_revealed_or_permitted_viewers_see_every_reason():
    for policy in (
        MaskingPolicy(can_view_sensitive=True),
        MaskingPolicy(revealed=frozenset({"income.monthly_gross"})),
    ):
        shown = eligibility_display(STORED, answers=ANSWERS, policy=policy, sensitive=SENSITIVE)
        assert shown["reasons"] == STORED["reasons"]
        assert shown["hidden"] == 0


def test_reasons_stored_without_keys_are_all_hidden_while_an_answer_is_masked():
    legacy = {"outcome": "eligible", "reasons": STORED["reasons"]}
    shown = eligibility_display(
        legacy, answers=ANSWERS, policy=MaskingPolicy(), sensitive=SENSITIVE
    )
    assert shown["hidden"] == 2
    # With no sensitive answer given there is nothing to hide.
    shown = eligibility_display(
        legacy, answers={"household.size": 2}, policy=MaskingPolicy(), sensitive=SENSITIVE
    )
    assert shown["reasons"] == STORED["reasons"]
