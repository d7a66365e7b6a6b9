"""A person living alone who answered every question gets a definite result everywhere.

"Nobody else lives with me" (household.members = []) and "none of these benefits"
(benefits.current = []) are answers; only an absent (or null) answer is unknown.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from eligibility.services import screen
from tests.eligibility.support import outcome

ALONE = {
    "applicant.birth_date": "1988-05-20",
    "household.size": 1,
    "household.members": [],
    "income.monthly_gross": 250000,
    "benefits.current": [],
    "housing.tenure": "rent",
    "utilities.electric_bill_monthly": 6000,
    "utilities.water_bill_monthly": 4000,
}
ALONE_ABOVE_LIMITS = {**ALONE, "income.monthly_gross": 900000}
DEFINITE = {"eligible", "ineligible"}


def test_engine_counts_nobody_in_an_empty_household():
    children = {
        "gte": [
            {
                "count": "household.members",
                "where": {"lt": [{"member_age": "birth_date"}, {"value": 13}]},
            },
            {"value": 1},
        ]
    }
    assert outcome(children, {"household.members": []}) == "ineligible"
    assert outcome(children, {}) == "unknown"
    assert outcome(children, {"household.members": None}) == "unknown"


@pytest.mark.parametrize("answers", [ALONE, ALONE_ABOVE_LIMITS])
def test_every_demo_program_is_definite_for_a_person_living_alone(demo_programs, answers):
    results = screen(answers=answers, as_of=date(2026, 3, 2))
    assert {r.program.slug for r in results} == set(demo_programs)
    outcomes = {r.program.slug: r.outcome for r in results}
    assert set(outcomes.values()) <= DEFINITE, outcomes
    assert outcomes["child-care-assistance"] == "ineligible"
    for result in results:
        assert not result.missing, (result.program.slug, result.missing)


def test_above_every_limit_and_no_benefits_is_a_no_for_recreation(demo_programs):
    [result] = screen(
        answers=ALONE_ABOVE_LIMITS,
        program_slugs=["recreation-scholarship"],
        as_of=date(2026, 3, 2),
    )
    assert result.outcome == "ineligible"


def _api(client, answers):
    response = client.post(
        "/api/v1/screen",
        json.dumps({"answers": answers, "as_of": "2026-03-02"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {r["slug"]: r for r in response.json()["results"]}


def test_api_empty_list_is_an_answer_and_absent_is_not(client, demo_programs):
    from django.core.cache import cache

    cache.clear()  # the API's rate limit
    answered = _api(client, ALONE_ABOVE_LIMITS)
    assert {r["outcome"] for r in answered.values()} <= DEFINITE
    assert answered["child-care-assistance"]["missing"] == []

    def without_lists(answers):
        return {
            k: v for k, v in answers.items() if k not in ("household.members", "benefits.current")
        }

    # Within the income limits, only the (absent) household decides Child Care.
    low = _api(client, without_lists(ALONE))["child-care-assistance"]
    assert low["outcome"] == "unknown"
    assert "household.members" in low["missing"]
    # Above the income limit, only the (absent) benefits decide Recreation.
    high = _api(client, without_lists(ALONE_ABOVE_LIMITS))["recreation-scholarship"]
    assert high["outcome"] == "unknown"
    assert "benefits.current" in high["missing"]


def test_cli_empty_list_is_an_answer(demo_programs, tmp_path):
    path = tmp_path / "alone.json"
    path.write_text(json.dumps(ALONE_ABOVE_LIMITS))
    out = StringIO()
    call_command("screen", "--answers", str(path), "--as-of", "2026-03-02", stdout=out)
    results = {r["slug"]: r["outcome"] for r in json.loads(out.getvalue())["results"]}
    assert set(results.values()) <= DEFINITE, results
    assert results["child-care-assistance"] == "ineligible"


def test_child_care_limit_follows_the_whole_dollar_table(demo_programs):
    [result] = screen(
        answers={**ALONE, "household.size": 3, "income.monthly_gross": 900000},
        program_slugs=["child-care-assistance"],
        as_of=date(2026, 3, 2),
    )
    assert result.outcome == "ineligible"
    text = " ".join(result.reasons)
    assert "$8,003" in text and "$8,003.43" not in text
