"""Hostile rules in program documents are refused with their JSON path and exit 2."""

import json

import pytest

from programs.documents.errors import DocumentInvalid
from programs.models import Program, ProgramVersion
from programs.services import (
    program_document_import,
    program_version_publish,
    program_version_update,
)
from tests.programs.test_documents import counts, keep_test_connection, run_cli  # noqa: F401

pytestmark = pytest.mark.django_db


def nested(operator, depth, inner='{"is_answered": "income.monthly_gross"}'):
    """Rule JSON text nested ``depth`` deep, written as text: json.dumps itself would recurse."""
    wrap = '{"any": [' if operator == "any" else '{"not": '
    close = "]}" if operator == "any" else "}"
    return wrap * depth + inner + close * depth


def document_with_rule(demo_document, rule_text, tmp_path):
    document = {"format": demo_document["format"], "programs": demo_document["programs"][:1]}
    document["programs"][0]["eligibility"]["rules"] = "__RULE__"
    document["programs"][0]["examples"] = []
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document).replace('"__RULE__"', rule_text), encoding="utf-8")
    return path


def test_not_nested_2000_deep_exits_2_with_a_message(demo_document, tmp_path, capsys):
    path = document_with_rule(demo_document, nested("not", 2000), tmp_path)
    before = counts()
    code = run_cli("import_programs", str(path), "--publish")
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"{path}: $: the JSON is nested deeper than the limit of 500 levels" in err
    assert counts() == before


def test_not_nested_deeper_than_the_limit_is_refused_with_its_path(demo_document, tmp_path, capsys):
    path = document_with_rule(demo_document, nested("not", 100), tmp_path)
    code = run_cli("import_programs", str(path), "--publish")
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    deepest = "$.programs[0].eligibility.rules" + ".not" * 64
    assert f"{deepest}: nested more than 64 levels deep" in err
    # Deeper still, the document's own limits stop the walk before anything recurses:
    # the validator's walk at 200 levels, the reader's at 500.
    path.write_text(path.read_text().replace(nested("not", 100), nested("not", 300)))
    assert run_cli("import_programs", str(path)) == 2
    assert "nested more than 200 levels deep" in capsys.readouterr().err
    path.write_text(path.read_text().replace(nested("not", 300), nested("not", 900)))
    assert run_cli("import_programs", str(path)) == 2
    assert "nested deeper than the limit of 500 levels" in capsys.readouterr().err


def test_a_nul_character_in_a_rule_string_exits_2_with_its_path(demo_document, tmp_path, capsys):
    rule = '{"eq": [{"answer": "household.size"}, {"value": 1}], "reason": {"en": "a\\u0000b"}}'
    path = document_with_rule(demo_document, rule, tmp_path)
    before = counts()
    code = run_cli("import_programs", str(path))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert (
        f"{path}: $.programs[0].eligibility.rules.reason.en: text must not contain a NUL character"
    ) in err
    assert counts() == before


def test_an_all_of_5000_conditions_is_refused(demo_document, tmp_path, capsys):
    leaf = '{"is_answered": "income.monthly_gross"}'
    path = document_with_rule(
        demo_document, '{"all": [' + ", ".join([leaf] * 5000) + "]}", tmp_path
    )
    code = run_cli("import_programs", str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert "$.programs[0].eligibility.rules.all: more than 1,000 items in one list" in err


def test_publishing_a_400_deep_rule_is_refused_with_its_path(demo_document):
    program = demo_document["programs"][0]
    program["examples"] = []
    (draft,), _ = program_document_import(
        data={"format": demo_document["format"], "programs": [program]}, publish=False
    )
    rule = json.loads(nested("any", 400))  # 800 JSON levels: parseable, far past the limit
    program_version_update(version=draft, eligibility_rules=rule)
    with pytest.raises(DocumentInvalid) as refused:
        program_version_publish(version=draft)
    paths = [error.path for error in refused.value.errors]
    # The document's walk stops at 200 JSON levels (the rule's own limit is 64 levels).
    assert paths == ["$.programs[0].eligibility.rules" + ".any[0]" * 98]
    assert refused.value.errors[0].message == "nested more than 200 levels deep"
    draft.refresh_from_db()
    assert draft.status == ProgramVersion.Status.DRAFT
    assert not Program.objects.get(pk=draft.program_id).versions.filter(status="published")
