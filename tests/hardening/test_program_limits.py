"""Program documents cannot hurt the portal: size limits and safe question patterns,
checked at import (errors with paths, exit 2, nothing written)."""

import json

import pytest
from django.core.exceptions import ValidationError

from programs.documents.validate import validate_document
from programs.models import Program
from programs.question_types import clean_value
from tests.factories import QuestionFactory
from tests.programs.test_documents import counts, keep_test_connection, run_cli  # noqa: F401

pytestmark = pytest.mark.django_db
FORMAT = "civiportal.program/1"


def test_twenty_thousand_empty_entries_are_refused_at_once(tmp_path, capsys):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"format": FORMAT, "programs": [{}] * 20_000}))
    before = counts()
    code = run_cli("import_programs", str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}: $.programs: at most 100 programs in one document (found 20000)" in err
    assert "Traceback" not in err
    assert counts() == before
    # Exactly one error: nothing else was looked at (it used to take 217 s).
    assert "1 error," in err


def test_json_nested_too_deep_for_the_reader_is_an_error_with_exit_2(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"format": "x", "programs": ' + "[" * 5000 + "]" * 5000 + "}")
    code = run_cli("import_programs", str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}: $: the JSON is nested deeper than the limit of 500 levels" in err
    assert "Traceback" not in err


def test_per_program_lists_have_limits_with_paths(demo_document):
    program = demo_document["programs"][0]
    program["examples"] = program["examples"] * 501
    program["screens"][0]["questions"] = program["screens"][0]["questions"] * 201
    errors = [str(e) for e in validate_document(demo_document).errors]
    assert errors == [
        f"$.programs[0].examples: at most 500 examples (found {len(program['examples'])})",
        "$.programs[0].screens[0].questions: at most 200 questions on a screen (found "
        f"{len(program['screens'][0]['questions'])})",
    ]


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(a|aa)*", r"(\w*\s?)*", r"((\d+))*"])
def test_catastrophic_patterns_are_refused_at_import_with_their_path(
    demo_document, write_json, capsys, pattern
):
    program = next(p for p in demo_document["programs"] if p["slug"] == "utility-discount")
    index = demo_document["programs"].index(program)
    q_index, question = next(
        (i, q) for i, q in enumerate(program["questions"]) if q["key"] == "housing.utility_account"
    )
    question["validation"]["pattern"] = pattern
    code = run_cli("import_programs", str(write_json(demo_document)))
    err = capsys.readouterr().err
    assert code == 2
    assert f"$.programs[{index}].questions[{q_index}].validation.pattern: " in err
    assert "repeats a group that itself repeats" in err
    assert not Program.objects.exists()


def test_ordinary_patterns_still_import(demo_document):
    program = demo_document["programs"][0]
    program["questions"][0]["validation"] = {}
    for pattern in [r"[0-9]{6,12}", r"(\d{3})?\d{4}", r"[A-Z]{2}-\d{6}", r"(?:\d{3}-){2}\d{4}"]:
        question = {"key": "x.id", "type": "identifier", "label": "ID"}
        question["validation"] = {"pattern": pattern}
        errors = validate_document(
            {"format": FORMAT, "programs": [{**program, "questions": [question]}]}
        ).errors
        assert not [e for e in errors if e.path.endswith(".validation.pattern")], pattern


def test_a_catastrophic_pattern_already_in_the_bank_runs_out_of_time_not_the_worker(caplog):
    # Saved before this check existed: the time limit still holds when it runs. Without
    # it, 60 characters would take longer than the age of the universe.
    question = QuestionFactory(
        key="legacy.code",
        type="identifier",
        validation={"pattern": r"(a|aa)+", "max_length": 100},
    )
    with pytest.raises(ValidationError) as error:
        clean_value(question, "a" * 60 + "!")
    assert error.value.code == "pattern"
    assert "ran out of time on a 61-character value" in caplog.text
    assert clean_value(question, "aaaa") == "aaaa"
