from fractions import Fraction

import pytest

from eligibility.engine import TableError, load_tables
from eligibility.engine.tables import Table, TableLimit, table_from_dict
from tests.eligibility.support import TABLES

POVERTY_2025 = TABLES.get("hhs_poverty_guidelines", 2025)
POVERTY_2026 = TABLES.get("hhs_poverty_guidelines", 2026)
SMI = TABLES.get("wa_state_median_income", 2024)


def test_shipped_tables_are_loaded():
    assert {(t.id, t.year) for t in TABLES} == {
        ("hhs_poverty_guidelines", 2025),
        ("hhs_poverty_guidelines", 2026),
        ("wa_state_median_income", 2024),
        # Federal fiscal year 2026 starts on 1 October 2025: a year pin names the year a
        # period starts in.
        ("usda_snap_maximum_allotment", 2025),
        ("usda_snap_standard_deduction", 2025),
        ("usda_snap_excess_shelter_cap", 2025),
        # Federal fiscal year 2027, from 1 October 2026.
        ("usda_snap_maximum_allotment", 2026),
        ("usda_snap_standard_deduction", 2026),
        ("usda_snap_excess_shelter_cap", 2026),
        # Read by the Washington catalog.
        ("seattle_fresh_bucks_income_limit", 2025),
        ("wa_tanf_max_earned_income", 2024),
    }
    for table in TABLES:
        assert table.source["url"].startswith("https://")
        assert table.source["citation"]


@pytest.mark.parametrize(
    ("size", "dollars"),
    [
        (1, 15650),
        (2, 21150),
        (3, 26650),
        (4, 32150),
        (5, 37650),
        (6, 43150),
        (7, 48650),
        (8, 54150),
    ],
)
def test_published_2025_guidelines(size, dollars):
    assert POVERTY_2025.dollars(size) == dollars
    assert POVERTY_2025.dollars(size) == 15650 + (size - 1) * 5500


def test_published_2026_guidelines():
    assert POVERTY_2026.dollars(1) == 15960
    assert POVERTY_2026.dollars(8) == 55720
    assert POVERTY_2026.additional_person == 5680


@pytest.mark.parametrize(("size", "dollars"), [(9, 59650), (10, 65150), (12, 76150)])
def test_extension_past_largest_household_uses_additional_person(size, dollars):
    assert POVERTY_2025.dollars(size) == dollars


def test_smi_table_is_70_percent_monthly_and_extends():
    assert SMI.period == "monthly"
    assert SMI.dollars(1) == 3689
    assert SMI.dollars(6) == 9366
    assert SMI.dollars(7) == 9366 + 213
    # The published yearly column is exactly 12 times the monthly one.
    assert SMI.cents(4, period="annual", rounding="cent") == 85140_00
    assert SMI.cents(7, period="annual", rounding="cent") == (112392 + 2556) * 100
    assert "70%" in SMI.title


def test_200_percent_monthly_for_four_is_exact_and_rounded_up():
    exact = POVERTY_2025.exact_cents(4, percent=Fraction(200), period="monthly")
    assert exact == Fraction(32150 * 2 * 100, 12)  # 5,358.33... dollars
    assert POVERTY_2025.cents(4, percent=Fraction(200), period="monthly", rounding="up_dollar") == (
        535900
    )


@pytest.mark.parametrize(
    ("rounding", "cents"),
    [("up_dollar", 535900), ("down_dollar", 535800), ("nearest_dollar", 535800), ("cent", 535833)],
)
def test_rounding_modes(rounding, cents):
    assert (
        POVERTY_2025.cents(4, percent=Fraction(200), period="monthly", rounding=rounding) == cents
    )


def test_nearest_dollar_and_cent_round_halves_up():
    table = Table("t", "T", 2025, "annual_dollars", {1: 6}, 0)  # 6 * 100 / 12 = 50 cents
    assert table.cents(1, percent=Fraction(1), period="monthly", rounding="cent") == 1  # 0.5c
    assert table.cents(1, percent=Fraction(100), period="monthly", rounding="nearest_dollar") == 100


def test_household_size_below_one_or_fractional():
    assert POVERTY_2025.dollars(0) == 15650
    assert POVERTY_2025.dollars(2.5) == POVERTY_2025.dollars(3)


def test_table_limit_precomputes_and_extends():
    limit = TableLimit(POVERTY_2025, percent=Fraction(130), period="monthly", rounding="up_dollar")
    assert limit(3) == 288800  # 26,650 * 1.3 / 12 = 2,887.08 -> 2,888
    assert limit(25) == POVERTY_2025.cents(
        25, percent=Fraction(130), period="monthly", rounding="up_dollar"
    )


def test_load_tables_from_directory_and_bad_files(tmp_path):
    (tmp_path / "a.json").write_text(
        '{"id": "x", "title": "X", "year": 2025, "unit": "annual_dollars",'
        ' "values": {"1": 10, "2": 20}, "additional_person": 5}'
    )
    tables = load_tables(tmp_path)
    assert tables.get("x", 2025).dollars(4) == 30
    with pytest.raises(TableError):
        table_from_dict({"id": "x", "title": "X", "year": 1, "unit": "weekly", "values": {}})
    with pytest.raises(TableError):
        table_from_dict(
            {
                "id": "x",
                "title": "X",
                "year": 1,
                "unit": "annual_dollars",
                "values": {"1": 1, "3": 3},
                "additional_person": 1,
            }
        )


def test_snap_tables_follow_the_published_figures():
    allotment = TABLES.get("usda_snap_maximum_allotment", 2025)
    deduction = TABLES.get("usda_snap_standard_deduction", 2025)
    assert [allotment.dollars(n) for n in (1, 4, 8, 9)] == [298, 994, 1789, 2007]
    assert [deduction.dollars(n) for n in (1, 3, 4, 5, 6, 9)] == [209, 209, 223, 261, 299, 299]
