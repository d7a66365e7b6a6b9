"""The Washington starter catalog: every program imports, publishes (its examples pass),
screens a generated population without error and gives definite results for complete
answers."""

import json
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from applicants.selectors import published_versions
from eligibility.models import ScreeningFailure
from eligibility.services import clear_compiled_cache, screen
from programs.demo import CATALOG_DIR, demo_programs_load
from programs.models import ProgramVersion

pytestmark = pytest.mark.django_db

FILES = sorted(CATALOG_DIR.glob("*.json"))
SLUGS = [json.loads(path.read_text())["programs"][0]["slug"] for path in FILES]
AS_OF = date(2026, 6, 1)
BENEFITS = ["snap", "tanf", "ssi", "apple_health", "wic"]


@pytest.fixture
def catalog():
    clear_compiled_cache()
    loaded, _current = demo_programs_load(path=CATALOG_DIR)
    yield loaded
    clear_compiled_cache()


def household(rng: random.Random) -> dict:
    """One generated household with an answer to every question the catalog asks."""
    size = rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8, 11])
    adult_age = rng.randint(18, 92)
    birth = AS_OF - timedelta(days=adult_age * 365 + rng.randint(0, 364))
    people = [{"name": "A", "birth_date": birth.isoformat(), "relationship": "self"}]
    for _ in range(size - 1):
        age = rng.choice([rng.randint(0, 17), rng.randint(0, 17), rng.randint(18, 80)])
        born = AS_OF - timedelta(days=age * 365 + rng.randint(0, 364))
        relationship = "child" if age < 18 else rng.choice(["spouse", "parent", "other"])
        people.append({"name": "B", "birth_date": born.isoformat(), "relationship": relationship})
    return {
        "applicant.birth_date": birth.isoformat(),
        "household.size": size,
        "household.members": people,
        "income.monthly_gross": rng.choice([0, rng.randint(0, 400_000), rng.randint(0, 1_500_000)]),
        "benefits.current": rng.sample(BENEFITS, rng.choice([0, 0, 0, 1, 2])),
        "household.pregnant": rng.random() < 0.1,
        "applicant.disability": rng.random() < 0.15,
        "housing.tenure": rng.choice(["rent", "own", "other"]),
    }


def test_the_catalog_has_twenty_programs_each_with_sourced_dated_examples():
    assert len(FILES) == 20 and len(set(SLUGS)) == 20
    for path in FILES:
        [program] = json.loads(path.read_text())["programs"]
        outcomes = Counter(example["expected"] for example in program["examples"])
        assert len(program["examples"]) >= 4, path.name
        assert outcomes["eligible"] and outcomes["ineligible"] and outcomes["unknown"], path.name
        assert all(example.get("as_of") for example in program["examples"]), path.name
        assert "Last checked 2026-12-01" in program["source"], path.name
        spanish = program["translations"]["es"]
        assert spanish["name"] and spanish["summary"] and spanish["description"], path.name
        assert program["agency"]["website"] and program["description"], path.name


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_catalog_document_imports_and_publishes_on_its_own(path, capsys):
    call_command("import_programs", str(path), "--publish")
    slug = json.loads(path.read_text())["programs"][0]["slug"]
    assert f"{slug}: version 1 (published)" in capsys.readouterr().out
    version = ProgramVersion.objects.get(program__slug=slug, status="published")
    assert version.examples and version.screens.exists()


def test_the_folder_imports_together(capsys):
    call_command("import_programs", str(CATALOG_DIR), "--publish")
    out = capsys.readouterr().out
    assert out.count("(published)") == 20
    assert ProgramVersion.objects.filter(status="published").count() == 20


def test_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_programs", str(tmp_path))
    assert error.value.returncode == 2
    assert "no program documents (*.json) in this folder" in str(error.value)


def test_a_generated_population_of_1000_households_screens_without_error(catalog):
    assert sorted(catalog) == sorted(SLUGS)
    rng = random.Random(20)
    outcomes = {slug: Counter() for slug in SLUGS}
    versions = published_versions(program_slugs=SLUGS)  # one query, not one per household
    for _ in range(1000):
        for result in screen(answers=household(rng), versions=versions, as_of=AS_OF):
            outcomes[result.program.slug][result.outcome] += 1
    assert not ScreeningFailure.objects.exists()
    for slug, counts in outcomes.items():
        # Complete answers decide every program, and no rule is the same for everyone.
        assert set(counts) == {"eligible", "ineligible"}, (slug, counts)
        assert sum(counts.values()) == 1000


def test_the_screening_api_decides_every_catalog_program_for_complete_answers(client, catalog):
    from django.core.cache import cache

    cache.clear()  # the API's rate limit counts in the cache
    answers = household(random.Random(7)) | {
        "household.size": 4,
        "household.members": [
            {"name": "Ana", "birth_date": "1993-02-01", "relationship": "self"},
            {"name": "Luis", "birth_date": "1991-07-01", "relationship": "spouse"},
            {"name": "Eva", "birth_date": "2018-09-01", "relationship": "child"},
            {"name": "Leo", "birth_date": "2023-11-01", "relationship": "child"},
        ],
        "applicant.birth_date": "1993-02-01",
        "income.monthly_gross": 300000,
        "benefits.current": [],
        "household.pregnant": True,
    }
    response = client.post(
        "/api/v1/screen",
        json.dumps({"answers": answers, "programs": SLUGS, "as_of": AS_OF.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    results = {result["slug"]: result for result in response.json()["results"]}
    assert set(results) == set(SLUGS)
    assert {r["outcome"] for r in results.values()} <= {"eligible", "ineligible"}
    assert results["apple-health-pregnancy"]["outcome"] == "eligible"
    assert results["sun-bucks"]["estimated_value"]["amount_cents"] == 12000
    assert results["child-tax-credit"]["estimated_value"]["amount_cents"] == 440000
    assert results["federal-eitc"]["estimated_value"]["amount_cents"] == 715200
