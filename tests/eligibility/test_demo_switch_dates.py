"""Every switch date the demo programs use, on both sides, through the screening service:
1 April (Basic Food's guideline), 1 October (the SNAP federal fiscal year: Basic Food's
estimate, Energy Assistance's guideline), mid-January (the HHS guidelines read on the
screening date: ORCA LIFT) and 1 January (the Utility Discount Program's median income)."""

from datetime import date

import pytest

from eligibility.services import screen
from eligibility.table_selectors import tables_document
from eligibility.table_services import table_document_import

pytestmark = pytest.mark.django_db

ONE = {"household.size": 1}


def screened(slug, on, answers):
    (result,) = screen(answers=answers, program_slugs=[slug], as_of=on)
    return result


def limit(slug, on, answers=ONE):
    result = screened(slug, on, answers)
    return result.threshold["formatted"], [u["effective_from"] for u in result.tables_used]


@pytest.mark.parametrize(
    ("slug", "before", "after", "limits"),
    [
        # 200% of the guideline in effect on the last 1 April, whole dollars up.
        ("basic-food", date(2026, 3, 31), date(2026, 4, 1), ("$2,609", "$2,660")),
        # 150% of the guideline in effect on the last 1 October (2025's, then 2026's).
        ("energy-assistance", date(2026, 9, 30), date(2026, 10, 1), ("$1,956.25", "$1,995")),
        # 200% of the guideline in effect on the screening date: 2026's from 13 January.
        ("orca-lift", date(2026, 1, 12), date(2026, 1, 13), ("$2,608.33", "$2,660")),
    ],
)
def test_guideline_limits_switch_on_their_day_not_before(
    demo_programs, slug, before, after, limits
):
    # ORCA LIFT also asks for an age: answered, the income condition alone decides.
    answers = {**ONE, "income.monthly_gross": 270000, "applicant.birth_date": "1990-05-01"}
    assert limit(slug, before, answers)[0] == limits[0]
    assert limit(slug, after, answers)[0] == limits[1]
    # and the result names the period it read
    assert limit(slug, before, answers)[1] != limit(slug, after, answers)[1]


def test_basic_food_decision_at_2650_for_one_person_switches_on_1_april(demo_programs):
    answers = {**ONE, "income.monthly_gross": 265000}
    assert screened("basic-food", date(2026, 3, 31), answers).outcome == "ineligible"
    assert screened("basic-food", date(2026, 4, 1), answers).outcome == "eligible"


@pytest.mark.parametrize(
    ("income", "september", "october"),
    [
        # No income: the maximum allotment, $298 (FY2026) then $306 (FY2027).
        (0, 29800, 30600),
        # $1,000: 298 - 30% of (1,000 - 209) = 60.70 -> $60; 306 - 30% of (1,000 - 217) = 71.10.
        (100000, 6000, 7100),
    ],
)
def test_basic_food_estimate_switches_to_the_new_fiscal_year_on_1_october(
    demo_programs, income, september, october
):
    answers = {**ONE, "income.monthly_gross": income}
    assert screened("basic-food", date(2026, 9, 30), answers).estimated_value_cents == september
    assert screened("basic-food", date(2026, 10, 1), answers).estimated_value_cents == october


def test_the_utility_discount_limit_switches_on_1_january(demo_programs):
    # Only the 2024 median-income figures are published in the seed: a made-up 2027 period
    # (for this test) shows the switch on 1 January without touching the real figures.
    document = tables_document(keys=["wa_state_median_income"])
    document["tables"][0]["periods"].append({
        "effective_from": "2027-01-01",
        "values": {str(size): 4000 + size * 1000 for size in range(1, 7)},
        "additional_person": 250,
        "source": {"citation": "Test figures for a future year"},
    })  # fmt: skip
    table_document_import(data=document, via="command")
    assert limit("utility-discount", date(2026, 12, 31)) == ("$3,689", ["2024-01-01"])
    assert limit("utility-discount", date(2027, 1, 1)) == ("$5,000", ["2027-01-01"])
