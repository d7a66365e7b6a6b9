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
    assert text.splitlines()[0].endswith("(basic-food): likely eligible")
    assert text.splitlines()[1].startswith("  - ")


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
