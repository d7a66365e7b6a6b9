"""Dated periods in the engine: which period a lookup reads, on both sides of every switch."""

import copy
import json
from datetime import date

import pytest

from eligibility.engine import NoPeriodInEffect, TableSet, load_tables, tables_from_document
from eligibility.engine.table_documents import FORMAT, table_document_errors
from eligibility.engine.tables import DEFAULT_DIRECTORY, last_anniversary
from tests.eligibility.support import compile_

INCOME = {"answer": "household.income_monthly"}

SEED = json.loads((DEFAULT_DIRECTORY / "reference_tables.json").read_text())
ONE = {"household.size": 1}


def limit_rule(**lookup):
    table = {"table": "hhs_poverty_guidelines", "household_size": {"answer": "household.size"},
             "percent": 200, "period": "monthly", "rounding": "up_dollar", **lookup}  # fmt: skip
    return {"lte": [INCOME, table]}


def limit_on(rule, on) -> str:
    return compile_(rule).evaluate(ONE, as_of=on).threshold["formatted"]


@pytest.mark.parametrize(
    ("on", "limit"),
    [
        # HHS: the 2025 guidelines from 15 January 2025, the 2026 ones from 13 January 2026.
        (date(2026, 1, 12), "$2,609"),
        (date(2026, 1, 13), "$2,660"),
        (date(2025, 1, 15), "$2,609"),
    ],
)
def test_screening_date_reads_the_period_in_effect_that_day(on, limit):
    assert limit_on(limit_rule(), on) == limit


@pytest.mark.parametrize(
    ("on", "limit"),
    [
        # Basic Food: the guideline in effect on the last 1 April.
        (date(2026, 3, 31), "$2,609"),
        (date(2026, 4, 1), "$2,660"),
        (date(2027, 3, 31), "$2,660"),
    ],
)
def test_switch_on_the_last_1_april(on, limit):
    assert limit_on(limit_rule(in_effect_on={"last": "04-01"}), on) == limit


@pytest.mark.parametrize(
    ("on", "limit"),
    [(date(2026, 9, 30), "$2,609"), (date(2026, 10, 1), "$2,660")],
)
def test_federal_fiscal_year_starting_1_october(on, limit):
    assert limit_on(limit_rule(in_effect_on={"last": "10-01"}), on) == limit


def test_year_pins_keep_working_whatever_the_date():
    assert limit_on(limit_rule(year=2025), date(2026, 6, 1)) == "$2,609"
    assert limit_on(limit_rule(year=2026), date(2025, 6, 1)) == "$2,660"


def test_a_date_before_every_period_raises_a_named_error():
    rule = compile_(limit_rule(in_effect_on={"last": "04-01"}))
    with pytest.raises(NoPeriodInEffect) as error:
        rule.evaluate(ONE, as_of=date(2025, 3, 31))  # the last 1 April is in 2024
    assert error.value.table_id == "hhs_poverty_guidelines"
    assert error.value.on == date(2024, 4, 1)


def test_reasons_and_periods_in_effect_name_the_period_and_source():
    rule = compile_(limit_rule(in_effect_on={"last": "04-01"}))
    result = rule.evaluate({**ONE, "household.income_monthly": 265000}, as_of="2026-04-01")
    assert result.outcome == "eligible"
    assert result.reasons[0].endswith(
        "$2,660 for a household of 1 (HHS poverty guidelines, 48 contiguous states and the "
        "District of Columbia, in effect from January 13, 2026)."
    )
    es = rule.evaluate({**ONE, "household.income_monthly": 265000}, as_of="2026-04-01",
                       language="es")  # fmt: skip
    assert "(Pautas de pobreza del HHS" in es.reasons[0]
    assert "vigente desde el 13 de enero de 2026)" in es.reasons[0]
    (used,) = rule.periods_in_effect("2026-03-31")
    assert used["effective_from"] == "2025-01-15" and used["effective_to"] == "2026-01-12"
    assert "2025-01377" in used["source"]["citation"]


def test_same_rule_gives_each_period_its_own_sentence_in_one_process():
    rule = compile_(limit_rule())
    answers = {**ONE, "household.income_monthly": 900000}
    first = rule.evaluate(answers, as_of="2025-06-01").reasons[0]
    second = rule.evaluate(answers, as_of="2026-06-01").reasons[0]
    assert "$2,609" in first and "January 15, 2025" in first
    assert "$2,660" in second and "January 13, 2026" in second
    assert rule.evaluate(answers, as_of="2025-06-01").reasons[0] == first


@pytest.mark.parametrize(
    ("on", "month", "day", "expected"),
    [
        (date(2026, 4, 1), 4, 1, date(2026, 4, 1)),
        (date(2026, 3, 31), 4, 1, date(2025, 4, 1)),
        (date(2026, 1, 1), 1, 1, date(2026, 1, 1)),
        (date(2025, 3, 1), 2, 29, date(2025, 3, 1)),  # no 29 February: the day after the 28th
        (date(2024, 2, 29), 2, 29, date(2024, 2, 29)),
    ],
)
def test_last_anniversary(on, month, day, expected):
    assert last_anniversary(on, month, day) == expected


@pytest.mark.parametrize(
    ("lookup", "path", "message"),
    [
        ({"in_effect_on": {"last": "13-01"}}, "$.lte[1].in_effect_on", "in_effect_on must be"),
        ({"in_effect_on": "today"}, "$.lte[1].in_effect_on", "in_effect_on must be"),
        ({"year": 2026, "in_effect_on": "screening_date"}, "$.lte[1]", "either year or"),
        ({"year": 2019}, "$.lte[1].year", "no hhs_poverty_guidelines period starts in 2019"),
    ],
)
def test_bad_lookups_are_validation_errors_with_paths(lookup, path, message):
    from eligibility.engine import validate_rule
    from tests.eligibility.support import QUESTIONS

    errors = validate_rule(limit_rule(**lookup), QUESTIONS, load_tables())
    assert [(e.path, message in e.message) for e in errors] == [(path, True)]


def test_seed_document_is_valid_and_has_2026_guidelines():
    assert table_document_errors(SEED) == []
    tables = TableSet(tables_from_document(SEED))
    assert tables.in_effect("hhs_poverty_guidelines", date(2026, 6, 1)).dollars(1) == 15960
    for table in tables:
        assert table.source["citation"] and table.source["url"].startswith("https://")
        assert table.effective_from is not None


def test_document_errors_are_all_reported_with_paths():
    bad = copy.deepcopy(SEED)
    bad["format"] = "nope"
    hhs = bad["tables"][0]
    hhs["unit"] = "weekly"
    hhs["periods"][0]["values"]["3"] = -1
    hhs["periods"][1]["effective_from"] = "2025-01-15"  # the same start as period 0
    del hhs["periods"][0]["source"]
    hhs["periods"].append({"effective_from": "2027-01-01", "value": 5, "values": {"1": 1},
                           "source": {"citation": "x"}})  # fmt: skip
    bad["tables"].append(copy.deepcopy(bad["tables"][1]))
    paths = [path for path, _ in table_document_errors(bad)]
    assert paths == [
        "$.format",
        "$.tables[0].unit",
        "$.tables[0].periods[0].values.3",
        "$.tables[0].periods[0].source.citation",
        "$.tables[0].periods[2]",
        "$.tables[0].periods[1].effective_from",
        f"$.tables[{len(bad['tables']) - 1}].key",  # the appended duplicate
    ]


def test_single_value_tables_need_no_household_size():
    document = {"format": FORMAT, "tables": [{
        "key": "snap_shelter_cap", "title": {"en": "SNAP excess shelter deduction cap"},
        "unit": "monthly_dollars",
        "source": {"publisher": "USDA FNS", "url": "https://www.fns.usda.gov/snap"},
        "periods": [{"effective_from": "2025-10-01", "value": 744,
                     "source": {"citation": "FY2026 COLA"}}],
    }]}  # fmt: skip
    assert table_document_errors(document) == []
    tables = TableSet(tables_from_document(document))
    from eligibility.engine import compile_rule
    from tests.eligibility.support import QUESTIONS

    rule = compile_rule({"lte": [INCOME, {"table": "snap_shelter_cap"}]}, QUESTIONS, tables)
    result = rule.evaluate({"household.income_monthly": 74400}, as_of="2026-01-01")
    assert result.outcome == "eligible"
    assert result.reasons[0].endswith(
        "the limit of $744 (SNAP excess shelter deduction cap, in effect from October 1, 2025)."
    )
    with pytest.raises(NoPeriodInEffect):
        rule.evaluate({"household.income_monthly": 1}, as_of="2025-09-30")


def test_an_explicit_end_date_is_the_last_day_in_effect():
    document = copy.deepcopy(SEED)
    smi = next(t for t in document["tables"] if t["key"] == "wa_state_median_income")
    smi["periods"][0]["effective_to"] = "2024-12-31"
    smi["periods"].append({**copy.deepcopy(smi["periods"][0]), "effective_from": "2025-02-01"})
    del smi["periods"][1]["effective_to"]
    smi["periods"][1]["values"]["1"] = 3800
    assert table_document_errors(document) == []
    tables = TableSet(tables_from_document(document))
    assert tables.in_effect("wa_state_median_income", date(2024, 12, 31)).dollars(1) == 3689
    assert tables.in_effect("wa_state_median_income", date(2025, 1, 1)) is None  # the gap
    assert tables.in_effect("wa_state_median_income", date(2025, 1, 31)) is None
    assert tables.in_effect("wa_state_median_income", date(2025, 2, 1)).dollars(1) == 3800
    # A period whose end reaches into the next one overlaps it.
    smi["periods"][0]["effective_to"] = "2025-02-01"
    assert [path for path, _ in table_document_errors(document)] == [
        f"$.tables[{document['tables'].index(smi)}].periods[1].effective_from"
    ]
