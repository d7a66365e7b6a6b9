import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

ANSWERS = {
    "household.size": 3,
    "income.monthly_gross": 290000,
    "applicant.birth_date": "1990-01-15",
}


def run(*args):
    out = StringIO()
    call_command("screen", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def answers_file(tmp_path):
    def write(content):
        path = tmp_path / "answers.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


def test_json_output_is_the_same_as_the_api(client, demo_programs, answers_file):
    path = answers_file(ANSWERS)
    cli = json.loads(run("--answers", path, "--as-of", "2026-03-02"))
    api = client.post(
        "/api/v1/screen",
        json.dumps({"answers": ANSWERS, "as_of": "2026-03-02"}),
        content_type="application/json",
    ).json()
    assert cli == api


def test_text_output_names_outcomes_and_reasons(demo_programs, answers_file):
    text = run("--answers", answers_file(ANSWERS), "--program", "basic-food", "--format", "text",
               "--as-of", "2026-03-02")  # fmt: skip
    lines = text.splitlines()
    assert lines[0] == "Screened as of 2026-03-02"
    assert lines[1].endswith("(basic-food): likely eligible")
    assert lines[2].startswith("  - ")
    assert lines[3].startswith("  figures used: HHS poverty guidelines")
    assert "period from 2025-01-15, in effect on 2025-04-01 (HHS, Annual Update" in lines[3]


ONE_PERSON_AT_2650 = {"household.size": 1, "income.monthly_gross": 265000}


@pytest.mark.parametrize(
    ("as_of", "limit", "period", "read_on", "outcome"),
    [
        # Basic Food reads the guideline in effect on the last 1 April (Washington's switch).
        ("2026-03-31", "$2,609", "2025-01-15", "2025-04-01", "ineligible"),
        ("2026-04-01", "$2,660", "2026-01-13", "2026-04-01", "eligible"),
        ("2027-03-31", "$2,660", "2026-01-13", "2026-04-01", "eligible"),
        ("2025-04-01", "$2,609", "2025-01-15", "2025-04-01", "ineligible"),
    ],
)
def test_basic_food_switches_guideline_on_1_april(demo_programs, answers_file, as_of, limit,
                                                 period, read_on, outcome):  # fmt: skip
    body = json.loads(
        run(
            "--answers",
            answers_file(ONE_PERSON_AT_2650),
            "--program",
            "basic-food",
            "--as-of",
            as_of,
        )
    )
    assert body["as_of"] == as_of
    (result,) = body["results"]
    assert result["outcome"] == outcome
    assert result["threshold"]["formatted"] == limit
    assert (
        f"the limit of {limit} for a household of 1 (HHS poverty guidelines"
        in (result["reasons"][0])
    )
    (used,) = result["tables_used"]
    assert used["table"] == "hhs_poverty_guidelines"
    assert used["effective_from"] == period
    assert used["read_on"] == read_on
    assert used["source"]["url"].startswith("https://www.govinfo.gov/")


def test_a_date_before_every_period_is_reported_not_a_crash(demo_programs, answers_file):
    body = json.loads(
        run(
            "--answers",
            answers_file(ONE_PERSON_AT_2650),
            "--program",
            "orca-lift",
            "--as-of",
            "2024-06-01",
        )
    )
    (result,) = body["results"]
    assert result["outcome"] == "unknown"
    assert result["reasons"] == [
        "We cannot check this program for 2024-06-01: no published figures are in effect on "
        "that date."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "not valid JSON"),
        ({"household.size": "three"}, '$["household.size"]'),
        ({"unknown.key": 1}, '$["unknown.key"]: unknown question key'),
    ],
)
def test_bad_input_exits_2_with_a_message(demo_programs, answers_file, content, message):
    with pytest.raises(CommandError) as error:
        run("--answers", answers_file(content))
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_unknown_program_and_missing_file_exit_2(demo_programs, answers_file, tmp_path):
    with pytest.raises(CommandError) as error:
        run("--answers", answers_file(ANSWERS), "--program", "nope")
    assert error.value.returncode == 2 and "unknown program 'nope'" in str(error.value)
    with pytest.raises(CommandError) as error:
        run("--answers", str(tmp_path / "absent.json"))
    assert error.value.returncode == 2 and "cannot read" in str(error.value)
