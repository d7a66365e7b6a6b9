from datetime import date

import pytest

from eligibility.engine import messages


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (269400, "$2,694"),
        (269450, "$2,694.50"),
        (5, "$0.05"),
        (0, "$0"),
        (-500, "-$5"),
        (123456789, "$1,234,567.89"),
    ],
)
def test_format_money(cents, text):
    assert messages.format_money(cents) == text
    assert messages.format_money(cents, "es") == text  # U.S. Spanish uses the same format


def test_format_dates_numbers_lists():
    assert messages.format_date(date(2025, 3, 1)) == "March 1, 2025"
    assert messages.format_date(date(2025, 3, 1), "es") == "1 de marzo de 2025"
    assert messages.format_number(1234) == "1,234"
    assert messages.format_number(2.5) == "2.5"
    assert messages.format_list(["A"]) == "A"
    assert messages.format_list(["A", "B"]) == "A or B"
    assert messages.format_list(["A", "B", "C"]) == "A, B, or C"
    assert messages.format_list(["A", "B", "C"], "es") == "A, B o C"
    assert messages.format_list(["A", "B"], "es", conjunction="and") == "A y B"
    assert messages.format_value(True, "bool", "es") == "sí"


def test_every_template_exists_in_both_languages():
    tables = (
        messages.COMPARISONS,
        messages.DATE_COMPARISONS,
        messages.CHOICES_COMPARISONS,
        messages.ANSWERED,
        messages.SUBJECTS,
        messages.NEED_ANSWER,
        messages.OTHER_ANSWER,
    )
    for table in tables:
        assert set(table) == set(messages.LANGUAGES)
        if isinstance(table["en"], dict):
            assert set(table["en"]) == set(table["es"])


def test_household_phrase():
    assert messages.household_phrase("$5", 1, "en") == "$5 for a household of 1"
    assert messages.household_phrase("$5", 1, "es") == "$5 para un hogar de 1 persona"
    assert messages.household_phrase("$5", 2, "es") == "$5 para un hogar de 2 personas"


def test_label_subjects():
    assert messages.subject_from_label("Your state", "en", mid_sentence=True) == "your state"
    assert messages.subject_from_label("SNAP case number", "en", mid_sentence=True) == (
        "SNAP case number"
    )
    assert messages.subject_from_label("Are you a veteran?", "en") == (
        "Your answer to “Are you a veteran?”"
    )


def test_reasons_read_option_labels_and_an_empty_selection_as_none():
    from eligibility.engine import QuestionInfo, compile_rule
    from tests.eligibility.support import TABLES

    benefits = QuestionInfo(
        "benefits.current",
        "multiple_choice",
        {"en": "Benefits you receive", "es": "Los beneficios que recibe"},
        options=["snap", "ssi"],
        option_labels={
            "en": {"snap": "Basic Food (SNAP)", "ssi": "SSI"},
            "es": {"snap": "Basic Food (SNAP, cupones)"},
        },
    )
    rule = compile_rule(
        {"in": [{"answer": "benefits.current"}, ["snap", "ssi"]]},
        {"benefits.current": benefits},
        TABLES,
    )
    [reason] = rule.evaluate({"benefits.current": ["snap"]}, as_of="2025-06-01").reasons
    assert reason == (
        "Benefits you receive, Basic Food (SNAP), includes at least one of: "
        "Basic Food (SNAP) or SSI."
    )
    [none] = rule.evaluate({"benefits.current": []}, as_of="2025-06-01").reasons
    assert none.startswith("Benefits you receive, none, includes none of:")
    [es] = rule.evaluate({"benefits.current": []}, as_of="2025-06-01", language="es").reasons
    assert "ninguna" in es and "Basic Food (SNAP, cupones) o SSI" in es
    assert "snap" not in reason.replace("SNAP", "")
