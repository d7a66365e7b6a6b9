"""The SNAP-style net-income program in docs/examples/, written only in the rule language,
imports and publishes with its examples (USDA FNS FY 2026 figures) passing."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from eligibility.services import clear_compiled_cache, screen
from programs.models import ProgramVersion
from tests.programs.test_documents import keep_test_connection  # noqa: F401

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "snap-net-income.json"
AS_OF = date(2026, 3, 2)
SLUG = "snap-net-income-check"

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(capsys):
    clear_compiled_cache()
    call_command("import_programs", str(DOCUMENT), "--publish")
    assert f"{SLUG}: version 1 (published)" in capsys.readouterr().out
    yield ProgramVersion.objects.get(program__slug=SLUG)
    clear_compiled_cache()


def answers(size, *, earned=0, other=0, care=0, housing=0):
    return {
        "household.size": size,
        "income.earned_monthly": earned,
        "income.unearned_monthly": other,
        "expenses.dependent_care_monthly": care,
        "housing.shelter_costs_monthly": housing,
    }


def check(values, language="en"):
    (result,) = screen(answers=values, program_slugs=[SLUG], as_of=AS_OF, language=language)
    return result


def test_imports_and_publishes_with_every_example_passing(published):
    assert published.status == ProgramVersion.Status.PUBLISHED
    data = json.loads(DOCUMENT.read_text())
    assert len(data["programs"][0]["examples"]) == 10  # checked by publishing itself


def test_the_net_income_reason_shows_the_computation(published):
    # Parent of two earning $1,500, $800 housing: 1,500 - 300 - 209 = 991 after deductions;
    # housing above half of that (495.50) is 304.50; net 686.50.
    result = check(answers(3, earned=150000, housing=80000))
    assert result.outcome == "eligible"
    assert result.reasons[1] == (
        "Your household's net monthly income, $686.50 (your income after deductions of $991 "
        "minus the excess shelter deduction of $304.50), is at or below the limit of $2,221 "
        "for a household of 3."
    )
    spanish = check(answers(3, earned=150000, housing=80000), "es").reasons[1]
    assert spanish.startswith("El ingreso neto mensual de su hogar, $686.50 (su ingreso después")


def test_the_shelter_cap_and_the_standard_deduction_by_household_size(published):
    # One person at $1,696: 1,487 after deductions; housing of $3,000 would deduct 2,256.50,
    # capped at $744, so net income is 743.
    capped = check(answers(1, other=169600, housing=300000))
    assert (
        "$743 (your income after deductions of $1,487 minus the excess shelter deduction of $744)"
    ) in capped.reasons[1]
    # Standard deduction: $209 for 1-3 people, $223 for 4, $261 for 5, $299 for 6 or more;
    # with only other income, net = income - deduction, so the net limit moves by it.
    # Net limits as FNS publishes them for FY 2026 (48 states and DC).
    limits = {1: 1305, 2: 1763, 3: 2221, 4: 2680, 5: 3138, 6: 3596, 8: 4513}
    deduction = {1: 209, 2: 209, 3: 209, 4: 223, 5: 261, 6: 299, 8: 299}
    for size, limit in limits.items():
        at = answers(size, other=(limit + deduction[size]) * 100)
        assert check(at).outcome == "eligible", size
        over = answers(size, other=(limit + deduction[size]) * 100 + 1)
        result = check(over)
        assert result.outcome == "ineligible", size
        assert len(result.reasons) == 1 and "net monthly income" in result.reasons[0]


def test_the_federal_fiscal_year_switches_every_figure_on_1_october(published):
    """Guideline, standard deduction and shelter cap are read for the federal fiscal year:
    FY2026 up to 30 September 2026, FY2027 from 1 October (USDA FNA FY2027 memo)."""

    def on(day, values):
        (result,) = screen(answers=values, program_slugs=[SLUG], as_of=day)
        return result

    september, october = date(2026, 9, 30), date(2026, 10, 1)
    # One person, other income only: net = income - standard deduction, against 100% of the
    # guideline read on the last 1 October ($1,305 from the 2025 guidelines, $1,330 from 2026's).
    at_fy2027 = answers(1, other=(1330 + 217) * 100)
    assert on(september, at_fy2027).outcome == "ineligible"  # 1,547 - 209 = 1,338 > 1,305
    assert on(october, at_fy2027).outcome == "eligible"  # 1,547 - 217 = 1,330
    assert on(october, answers(1, other=(1330 + 217) * 100 + 1)).outcome == "ineligible"
    # Six people: $299 then $308. Household of 6 net limits: $3,596 (FY2026), $3,697 (FY2027).
    assert on(september, answers(6, other=(3596 + 299) * 100)).outcome == "eligible"
    assert on(october, answers(6, other=(3697 + 308) * 100)).outcome == "eligible"
    assert on(october, answers(6, other=(3697 + 308) * 100 + 1)).outcome == "ineligible"
    # The shelter cap: $744 then $769, and the periods read are named with their source.
    housing = answers(1, other=169600, housing=300000)
    assert "excess shelter deduction of $744)" in on(september, housing).reasons[1]
    result = on(october, housing)
    assert "excess shelter deduction of $769)" in result.reasons[1]
    used = {(u["table"], u["effective_from"]) for u in result.tables_used}
    assert {
        ("hhs_poverty_guidelines", "2026-01-13"),
        ("usda_snap_standard_deduction", "2026-10-01"),
        ("usda_snap_excess_shelter_cap", "2026-10-01"),
    } <= used


def test_the_example_is_its_own_export_byte_for_byte(published, tmp_path):
    # docs/program-format.md promises export -> import -> export is identical; the example
    # is written as the export writes it, so it is also the first export itself.
    first = tmp_path / "first.json"
    call_command("export_programs", SLUG, "--out", str(first))
    assert first.read_bytes() == DOCUMENT.read_bytes()
    call_command("import_programs", str(first))
    second = tmp_path / "second.json"
    call_command("export_programs", SLUG, "--version", "draft", "--out", str(second))
    assert second.read_bytes() == DOCUMENT.read_bytes()
