import json

import pytest

from applicants.models import Answer, Applicant
from eligibility.models import ScreeningRecord

URL = "/api/v1/screen"
ANSWERS = {
    "household.size": 3,
    "income.monthly_gross": 290000,
    "applicant.birth_date": "1990-01-15",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()


def post(client, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **extra)


def paths(response):
    return [error["path"] for error in response.json()["errors"]]


def test_screens_every_public_program_and_stores_nothing(client, demo_programs):
    before = (Applicant.objects.count(), Answer.objects.count(), ScreeningRecord.objects.count())
    response = post(client, {"answers": ANSWERS, "as_of": "2026-03-02"})
    assert response.status_code == 200
    results = {result["slug"]: result for result in response.json()["results"]}
    assert set(results) == {"basic-food", "utility-discount", "orca-lift",
                            "child-care-assistance", "energy-assistance",
                            "recreation-scholarship"}  # fmt: skip
    assert results["basic-food"]["outcome"] == "eligible"
    assert results["basic-food"]["reasons"]
    assert set(results["basic-food"]) >= {"name", "missing", "threshold", "estimated_value"}
    assert before == (
        Applicant.objects.count(),
        Answer.objects.count(),
        ScreeningRecord.objects.count(),
    )
    assert "sessionid" not in response.cookies


def test_named_programs_and_spanish(client, demo_programs):
    response = post(
        client,
        {"answers": {**ANSWERS, "income.monthly_gross": 900000}, "programs": ["basic-food"],
         "language": "es", "as_of": "2026-03-02"},
    )  # fmt: skip
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["outcome"] == "ineligible"
    assert "$9,000" in result["reasons"][0]
    english = post(client, {"answers": {**ANSWERS, "income.monthly_gross": 900000},
                            "programs": ["basic-food"], "as_of": "2026-03-02"})  # fmt: skip
    assert english.json()["results"][0]["reasons"] != result["reasons"]


def test_missing_answers_are_listed_for_unknown_outcomes(client, demo_programs):
    response = post(client, {"answers": {"household.size": 2}, "programs": ["basic-food"]})
    [result] = response.json()["results"]
    assert result["outcome"] == "unknown"
    assert "income.monthly_gross" in result["missing"]


@pytest.mark.parametrize(
    ("payload", "expected_paths"),
    [
        ("{not json", ["$"]),
        ("[1, 2]", ["$"]),
        ({}, ["$.answers"]),
        ({"answers": {"household.sise": 3}}, ['$.answers["household.sise"]']),
        ({"answers": {"household.size": "three"}}, ['$.answers["household.size"]']),
        ({"answers": {"income.monthly_gross": -5}}, ['$.answers["income.monthly_gross"]']),
        (
            {"answers": {"applicant.birth_date": "2025-02-30"}},
            ['$.answers["applicant.birth_date"]'],
        ),
        ({"answers": ANSWERS, "programs": ["no-such-program"]}, ["$.programs[0]"]),
        ({"answers": ANSWERS, "programs": "basic-food"}, ["$.programs"]),
        ({"answers": ANSWERS, "as_of": "tomorrow"}, ["$.as_of"]),
        ({"answers": ANSWERS, "language": "fr"}, ["$.language"]),
        ({"answers": ANSWERS, "extra": 1}, ["$.extra"]),
        (
            {"answers": {"household.size": "x", "nope": 1}},
            ['$.answers["household.size"]', '$.answers["nope"]'],
        ),
    ],
)
def test_bad_input_gets_a_400_with_the_path_of_each_problem(
    client, demo_programs, payload, expected_paths
):
    response = post(client, payload)
    assert response.status_code == 400
    assert sorted(paths(response)) == sorted(expected_paths)
    assert all(error["message"] for error in response.json()["errors"])


def test_bad_household_member_is_reported_at_its_sub_path(client, demo_programs):
    members = [{"name": "Ana Díaz", "birth_date": "1990-01-15",
                "relationship": "self"},
               {"name": "Leo Díaz", "birth_date": "2021-02-30",
                "relationship": "child"}]  # fmt: skip
    response = post(client, {"answers": {"household.members": members}})
    assert response.status_code == 400
    [path] = paths(response)
    assert path.startswith('$.answers["household.members"].2')
    assert "birth_date" in path


def test_only_post_is_allowed(client, db):
    assert client.get(URL).status_code == 405


def test_rate_limited_per_client(client, demo_programs, settings):
    settings.SCREENING_API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [post(client, {"answers": ANSWERS}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    other_client = post(client, {"answers": ANSWERS}, REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200


def test_openapi_description_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/screen" in spec["paths"]


def test_explain_false_gives_the_same_outcomes_without_sentences(client, demo_programs):
    partial = {"household.size": 3, "applicant.birth_date": "1990-01-15"}  # no income: unknown
    for answers in (ANSWERS, {**ANSWERS, "income.monthly_gross": 900000}, partial):
        explained = post(client, {"answers": answers, "as_of": "2026-03-02"}).json()
        bare = post(client, {"answers": answers, "as_of": "2026-03-02", "explain": False}).json()
        assert len(bare["results"]) == len(explained["results"])
        for full, short in zip(explained["results"], bare["results"], strict=True):
            assert full["reasons"] and short["reasons"] == []
            assert short["threshold"] is None
            same = ("slug", "outcome", "missing", "estimated_value", "may_apply", "tables_used")
            assert {k: short[k] for k in same} == {k: full[k] for k in same}
    response = post(client, {"answers": ANSWERS, "explain": "no"})
    assert response.status_code == 400 and paths(response) == ["$.explain"]
