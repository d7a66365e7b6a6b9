"""Program documents: round trip, validation with paths, all-or-nothing import."""

import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from organizations.models import Agency
from programs.documents.errors import DocumentInvalid
from programs.documents.export import export_document, program_document
from programs.documents.validate import validate_document
from programs.models import Program, ProgramVersion, Question, Screen, ScreenQuestion
from programs.services import program_document_import
from tests.factories import (
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Program, ProgramVersion, Question, Screen, ScreenQuestion)
    }


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    # `manage.py` closes every DB connection when a command ends; the test needs its own.
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)


def run_cli(*argv):
    """Run a command exactly as `manage.py` does (stderr via capsys); returns the exit code."""
    try:
        ManagementUtility(["manage.py", *argv]).execute()
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_demo_document_is_valid_and_its_examples_pass(demo_document):
    report = validate_document(demo_document, require_examples=True)
    assert report.errors == []
    assert report.warnings == []
    assert len(demo_document["programs"]) >= 6
    assert len({p["agency"]["slug"] for p in demo_document["programs"]}) >= 4


def test_round_trip_export_import_export_is_identical(demo_document, write_json, tmp_path):
    program_document_import(data=demo_document, publish=True)
    first = tmp_path / "first.json"
    call_command("export_programs", "--out", str(first))
    call_command("import_programs", str(first))
    second = tmp_path / "second.json"
    call_command("export_programs", "--version", "draft", "--out", str(second))
    assert first.read_text() == second.read_text()
    # ...and the export is the demo document itself (programs ordered by slug).
    exported = json.loads(first.read_text())
    assert exported["programs"] == sorted(demo_document["programs"], key=lambda p: p["slug"])


def test_two_programs_sharing_household_size_share_one_question(demo_document):
    program_document_import(data=demo_document, publish=True)
    assert Question.objects.filter(key="household.size").count() == 1
    users = {
        sq.screen.version.program.slug
        for sq in ScreenQuestion.objects.filter(question__key="household.size").select_related(
            "screen__version__program"
        )
    }
    assert {"basic-food", "utility-discount", "orca-lift"} <= users
    question_ids = {
        sq.question_id for sq in ScreenQuestion.objects.filter(question__key="household.size")
    }
    assert len(question_ids) == 1


def broken(document):
    document["programs"][0]["screens"][2]["questions"][1]["key"] = "household.sise"
    document["programs"][0]["eligibility"]["rules"] = {
        "all": [
            {"lte": [{"answer": "income.monthly_gross"}, {"dollars": 100}]},
            {"gte": [{"answer": "income.monthly_gros"}, {"dollars": 1}]},
        ]
    }
    document["programs"][1]["display_mode"] = "secret"
    document["programs"][2]["screens"][1]["key"] = document["programs"][2]["screens"][0]["key"]
    return document


EXPECTED_ERRORS = [
    ("$.programs[0].screens[2].questions[1]", "unknown question key 'household.sise'"),
    (
        "$.programs[0].eligibility.rules.all[1].gte[0].answer",
        "unknown question 'income.monthly_gros'",
    ),
    ("$.programs[1].display_mode", "'secret' is not one of"),
    ("$.programs[2].screens[1].key", "duplicate screen key"),
]


def test_broken_document_reports_every_error_with_its_path_and_writes_nothing(demo_document):
    before = counts()
    with pytest.raises(DocumentInvalid) as caught:
        program_document_import(data=broken(demo_document), publish=True)
    found = [(error.path, error.message) for error in caught.value.errors]
    for path, fragment in EXPECTED_ERRORS:
        assert any(p == path and fragment in m for p, m in found), (path, found)
    assert counts() == before


def test_cli_broken_document_exits_2_with_paths_on_stderr_and_no_traceback(
    demo_document, write_json, capsys
):
    path = write_json(broken(demo_document))
    before = counts()
    code = run_cli("import_programs", str(path), "--publish")
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    assert "nothing was imported" in err
    for error_path, fragment in EXPECTED_ERRORS:
        assert f"{path}: {error_path}: " in err and fragment in err
    assert out == ""
    assert counts() == before


def test_cli_rejects_invalid_json_and_missing_files(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code = run_cli("import_programs", str(bad), str(tmp_path / "missing.json"))
    err = capsys.readouterr().err
    assert code == 2
    assert "not valid JSON" in err and "cannot read" in err
    assert "Traceback" not in err


def test_second_file_failing_leaves_first_file_unimported(demo_document, write_json):
    good = write_json(
        {"format": "civiportal.program/1", "programs": demo_document["programs"][:1]}, "a.json"
    )
    bad = write_json({"format": "civiportal.program/1", "programs": [{"slug": "x"}]}, "b.json")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_programs", str(good), str(bad))
    assert caught.value.returncode == 2
    assert "b.json: $.programs[0]: 'name' is a required property" in str(caught.value)
    assert counts() == before


def test_failing_example_is_a_warning_for_drafts_and_an_error_when_publishing(demo_document):
    program = demo_document["programs"][0]
    program["examples"][0]["expected"] = "ineligible"
    with pytest.raises(DocumentInvalid) as caught:
        program_document_import(
            data={"format": "civiportal.program/1", "programs": [program]}, publish=True
        )
    (error,) = caught.value.errors
    assert error.path == "$.programs[0].examples[0]"
    assert "Family of 3 earning $4,000 a month: expected ineligible, got eligible" in error.message
    assert not Program.objects.exists()

    versions, warnings = program_document_import(
        data={"format": "civiportal.program/1", "programs": [program]}
    )
    assert versions[0].status == ProgramVersion.Status.DRAFT
    assert [w.path for w in warnings] == ["$.programs[0].examples[0]"]


def test_definition_errors_are_reported_per_type(demo_document):
    questions = demo_document["programs"][0]["questions"]
    questions.append({"key": "test.choice", "type": "single_choice", "label": "Pick"})
    questions.append(
        {
            "key": "test.amount",
            "type": "currency",
            "label": "Amount",
            "validation": {"min": 5, "max": 1, "pattern": "("},
        }
    )
    errors = validate_document(demo_document).errors
    messages = {(e.path, e.message) for e in errors}
    n = len(questions)
    assert (
        f"$.programs[0].questions[{n - 2}].options",
        "a single_choice question needs options",
    ) in messages
    assert any(p == f"$.programs[0].questions[{n - 1}].validation.pattern" for p, _ in messages)
    assert (
        f"$.programs[0].questions[{n - 1}].validation.min",
        "min is greater than max",
    ) in messages


def test_type_change_of_a_question_under_published_versions_is_refused(demo_document):
    program_document_import(data=demo_document, publish=True)
    program = demo_document["programs"][0]
    for question in program["questions"]:
        if question["key"] == "household.size":
            question.update(type="short_text", validation={})
    with pytest.raises(DocumentInvalid) as caught:
        program_document_import(data={"format": "civiportal.program/1", "programs": [program]})
    assert any(
        "is number in the question bank but short_text here" in e.message
        for e in caught.value.errors
    )
    assert Question.objects.get(key="household.size").type == "number"


def test_type_change_of_an_unpublished_question_is_a_warning(demo_document):
    QuestionFactory(key="food.expedited_need", type="short_text")
    program = demo_document["programs"][0]
    _, warnings = program_document_import(
        data={"format": "civiportal.program/1", "programs": [program]}
    )
    assert any("food.expedited_need" in w.message for w in warnings)
    assert Question.objects.get(key="food.expedited_need").type == "yes_no"


def test_question_only_in_bank_can_be_referenced(demo_document):
    QuestionFactory(key="bank.only", type="short_text", label="From the bank")
    program = demo_document["programs"][0]
    program["screens"][0]["questions"].append({"key": "bank.only", "required": False})
    versions, _ = program_document_import(
        data={"format": "civiportal.program/1", "programs": [program]}
    )
    exported = program_document(versions[0])
    labels = {q["key"]: q["label"] for q in exported["questions"]}
    assert labels["bank.only"] == "From the bank"
    assert exported["screens"][0]["questions"][-1] == {"key": "bank.only", "required": False}


def test_import_never_changes_the_published_version(demo_document):
    (published,), _ = program_document_import(
        data={"format": "civiportal.program/1", "programs": demo_document["programs"][:1]},
        publish=True,
    )
    frozen = program_document(published)
    program = demo_document["programs"][0]
    program["screens"][0]["title"] = "Changed title"
    (draft,), _ = program_document_import(
        data={"format": "civiportal.program/1", "programs": [program]}
    )
    published.refresh_from_db()
    assert published.status == ProgramVersion.Status.PUBLISHED
    assert program_document(published) == frozen
    assert draft.number == published.number + 1
    assert draft.screens.get(order=0).title == "Changed title"


def test_export_includes_questions_named_only_by_rules():
    version = ProgramVersionFactory()
    screen = ScreenFactory(version=version)
    ScreenQuestionFactory(screen=screen, question=QuestionFactory(key="a.asked"))
    QuestionFactory(key="a.ruled", type="number")
    version.eligibility_rules = {"gte": [{"answer": "a.ruled"}, {"value": 1}]}
    version.save()
    document = export_document([version])
    assert [q["key"] for q in document["programs"][0]["questions"]] == ["a.asked", "a.ruled"]
    assert validate_document(document).errors == []


def test_export_unknown_slug_exits_2(capsys):
    code = run_cli("export_programs", "no-such-program")
    assert code == 2
    assert "no matching version for: no-such-program" in capsys.readouterr().err


def test_the_example_in_the_format_docs_is_valid_and_publishes():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "program-format.md").read_text()
    example = (
        text.split("## A complete example", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]
    )
    data = json.loads(example)
    (version,), warnings = program_document_import(data=data, publish=True)
    assert version.status == ProgramVersion.Status.PUBLISHED
    assert warnings == []
    assert export_document([version]) == data


def test_renewal_round_trips_and_bad_reminders_are_reported_with_their_paths(demo_document):
    document = json.loads(json.dumps(demo_document))
    program = document["programs"][0]
    program["renewal"] = {"certification_months": 12, "reminder_days_before": [60, 30, 7]}
    (version, *_rest), _warnings = program_document_import(data=document, publish=True)
    version = ProgramVersion.objects.get(program__slug=program["slug"], status="published")
    assert (version.certification_months, version.renewal_reminder_days) == (12, [60, 30, 7])
    assert program_document(version)["renewal"] == program["renewal"]
    # A program whose approvals do not lapse exports no renewal member at all.
    other = ProgramVersion.objects.get(program__slug=document["programs"][1]["slug"])
    assert "renewal" not in program_document(other)

    program["renewal"] = {"certification_months": 1, "reminder_days_before": [7, 28, 7]}
    document["programs"][1]["renewal"] = {"reminder_days_before": [0]}
    found = {(e.path, e.message) for e in validate_document(document).errors}
    assert ("$.programs[0].renewal.reminder_days_before", "[7, 28, 7] has non-unique elements") in (
        found
    ), found
    program["renewal"]["reminder_days_before"] = [7, 28]
    found = {(e.path, e.message) for e in validate_document(document).errors}
    paths = {path for path, _message in found}
    assert "$.programs[0].renewal.reminder_days_before[1]" in paths, found
    assert "$.programs[0].renewal.reminder_days_before[0]" not in paths
    assert "$.programs[1].renewal" in paths  # certification_months is required
    assert "$.programs[1].renewal.reminder_days_before[0]" in paths  # at least one day
