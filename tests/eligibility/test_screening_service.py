import json
from datetime import date

import pytest

from eligibility.services import (
    UnknownPrograms,
    published_versions,
    screen,
    screen_visible,
    screening_record,
    total_monthly_estimate_cents,
)
from programs.models import Program, ProgramVersion, Screen
from tests.factories import ProgramVersionFactory, QuestionFactory, ScreenFactory

AS_OF = date(2026, 3, 2)
# A parent of 36 with two children (4 and 9), $2,900 a month.
FAMILY = {
    "applicant.birth_date": "1990-01-15",
    "household.size": 3,
    "income.monthly_gross": 290000,
    "household.members": [
        {"name": "Ana Díaz", "birth_date": "1990-01-15",
         "relationship": "self", "income_monthly": 290000},
        {"name": "Leo Díaz", "birth_date": "2021-06-01",
         "relationship": "child", "income_monthly": 0},
        {"name": "Mia Díaz", "birth_date": "2016-09-30",
         "relationship": "child", "income_monthly": 0},
    ],
}  # fmt: skip


def by_slug(results):
    return {result.program.slug: result for result in results}


def test_basic_food_limit_is_200_percent_of_the_2025_guideline_rounded_up(demo_programs):
    # 26,650 x 2 / 12 = 4,441.67 → $4,442 a month for a household of 3.
    at_limit = by_slug(screen(answers={**FAMILY, "income.monthly_gross": 444200}, as_of=AS_OF))
    above = by_slug(screen(answers={**FAMILY, "income.monthly_gross": 444201}, as_of=AS_OF))
    assert at_limit["basic-food"].outcome == "eligible"
    assert above["basic-food"].outcome == "ineligible"
    assert "$4,442" in " ".join(above["basic-food"].reasons)
    assert above["basic-food"].threshold["value"] == 444200


def test_every_public_program_gets_a_result_with_reasons(demo_programs):
    results = screen(answers=FAMILY, as_of=AS_OF)
    public = Program.objects.filter(display_mode="public", versions__status="published")
    assert sorted(r.program.slug for r in results) == sorted(p.slug for p in public)
    for result in results:
        assert result.outcome in {"eligible", "ineligible", "unknown"}
        assert result.reasons or result.missing, result.program.slug


def test_missing_income_makes_income_tested_programs_unknown_with_the_key(demo_programs):
    answers = {k: v for k, v in FAMILY.items() if k != "income.monthly_gross"}
    food = by_slug(screen(answers=answers, as_of=AS_OF))["basic-food"]
    assert food.outcome == "unknown"
    assert "income.monthly_gross" in food.missing


def test_reasons_follow_the_requested_language(demo_programs):
    answers = {**FAMILY, "income.monthly_gross": 900000}
    english = by_slug(screen(answers=answers, as_of=AS_OF, language="en"))["basic-food"]
    spanish = by_slug(screen(answers=answers, as_of=AS_OF, language="es"))["basic-food"]
    assert english.reasons != spanish.reasons
    assert "$9,000" in english.reasons[0] and "$9,000" in spanish.reasons[0]


def test_gating_decides_whether_an_ineligible_resident_may_apply(demo_programs):
    rich = by_slug(screen(answers={**FAMILY, "income.monthly_gross": 5_000_000}, as_of=AS_OF))
    assert rich["basic-food"].gating and not rich["basic-food"].may_apply
    assert not rich["energy-assistance"].gating and rich["energy-assistance"].may_apply


def test_named_programs_only_and_unknown_names_are_refused(demo_programs):
    results = screen(answers=FAMILY, program_slugs=["orca-lift"], as_of=AS_OF)
    assert [r.program.slug for r in results] == ["orca-lift"]
    with pytest.raises(UnknownPrograms) as error:
        screen(answers=FAMILY, program_slugs=["orca-lift", "no-such-program"], as_of=AS_OF)
    assert error.value.slugs == ["no-such-program"]


def test_screening_costs_two_queries_however_many_programs(
    demo_programs, django_assert_num_queries
):
    # One query for the published versions, one for the reference tables' revision (a table
    # imported by another process must be seen at once); compiled rules come from the cache.
    screen(answers=FAMILY, as_of=AS_OF)  # compiles and caches every published version
    with django_assert_num_queries(2):
        screen(answers=FAMILY, as_of=AS_OF)
    template = ProgramVersion.objects.get(program__slug="basic-food", status="published")
    for index in range(25):
        program = Program.objects.create(
            slug=f"extra-{index}", name=f"Extra {index}", agency=template.program.agency,
            summary="More help.",
        )  # fmt: skip
        ProgramVersion.objects.create(
            program=program, number=1, status="published", published_at=template.published_at,
            eligibility_rules=template.eligibility_rules,
        )  # fmt: skip
    screen(answers=FAMILY, as_of=AS_OF)
    with django_assert_num_queries(2):
        results = screen(answers=FAMILY, as_of=AS_OF)
    assert len(results) >= 31


def test_estimates_are_summed_monthly_for_likely_eligible_programs(demo_programs):
    answers = {**FAMILY, "utilities.electric_bill_monthly": 10000,
               "utilities.water_bill_monthly": 8000}  # fmt: skip
    results = screen(answers=answers, as_of=AS_OF)
    estimated = [r for r in results if r.outcome == "eligible" and r.estimated_value_cents]
    assert estimated, "the demo utility discount carries an estimate"
    assert total_monthly_estimate_cents(results) == sum(r.monthly_value_cents for r in estimated)


def test_screen_visibility_hides_only_when_known_false(db):
    QuestionFactory(key="household.has_children", type="yes_no")
    version = ProgramVersionFactory(status="draft")
    screen_ = ScreenFactory(version=version, visible_if={"eq": [
        {"answer": "household.has_children"}, {"value": True}]})  # fmt: skip
    assert screen_visible(screen_, {"household.has_children": True}) is True
    assert screen_visible(screen_, {"household.has_children": False}) is False
    assert screen_visible(screen_, {}) is True
    assert screen_visible(Screen(version=version, visible_if={}), {}) is True


def test_screening_record_keeps_outcomes_only(demo_programs):
    results = screen(answers=FAMILY, as_of=AS_OF)
    record = screening_record(applicant=None, results=results)
    assert set(record.outcomes) == {r.program.slug for r in results}
    assert record.likely_eligible_count == sum(r.outcome == "eligible" for r in results)
    assert "Díaz" not in json.dumps(record.outcomes)


def test_hidden_programs_are_screened_only_when_named(demo_programs):
    Program.objects.filter(slug="orca-lift").update(display_mode="hidden")
    assert "orca-lift" not in [v.program.slug for v in published_versions()]
    assert [v.program.slug for v in published_versions(program_slugs=["orca-lift"])] == [
        "orca-lift"
    ]
