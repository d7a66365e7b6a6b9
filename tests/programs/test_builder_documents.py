"""Program documents in the admin (programs/builder/documents.py): download as the export
command writes them, upload with the import command's validation (every error at once,
nothing written on error), and a readable comparison of two versions."""

import copy
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from programs.demo import demo_programs_load
from programs.documents.export import export_document
from programs.models import Program, ProgramVersion
from programs.services import program_version_create_draft, program_version_update
from tests.factories import UserFactory

SNAP_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "snap-net-income.json"

pytestmark = pytest.mark.django_db


def upload(client, document, **extra):
    body = json.dumps(document).encode()
    data = {"document": SimpleUploadedFile("programs.json", body, "application/json"), **extra}
    return client.post(reverse("admin:programs_program_upload"), data)


def test_a_version_downloads_as_the_export_command_writes_it(staff_client):
    demo_programs_load()
    version = ProgramVersion.objects.get(program__slug="orca-lift", status="published")
    response = staff_client.get(
        reverse("admin:programs_programversion_download", args=[version.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="orca-lift-v1.json"'
    assert json.loads(response.content) == json.loads(json.dumps(export_document([version])))
    every = staff_client.get(reverse("admin:programs_program_download"))
    assert len(json.loads(every.content)["programs"]) == Program.objects.count()


def test_an_upload_with_errors_lists_them_all_and_writes_nothing(staff_client, demo_document):
    document = copy.deepcopy(demo_document)
    document["programs"][0]["screens"][1]["visible_if"] = {
        "gte": [{"answer": "household.sise"}, {"value": 2}]
    }
    document["programs"][2]["eligibility"]["rules"]["all"][1]["lte"][1]["percent"] = -1
    response = upload(staff_client, document)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 2 problems." in page
    assert "$.programs[0].screens[1].visible_if.gte[0].answer" in page
    assert "$.programs[2].eligibility.rules.all[1].lte[1].percent" in page
    assert Program.objects.count() == 0 and ProgramVersion.objects.count() == 0
    broken = staff_client.post(
        reverse("admin:programs_program_upload"),
        {"document": SimpleUploadedFile("p.json", b"{not json", "application/json")},
    )
    assert "Nothing was imported: 1 problem." in broken.content.decode()


def test_a_valid_upload_gives_each_program_a_new_draft(staff_client, demo_document):
    demo_programs_load()
    document = {"format": demo_document["format"], "programs": demo_document["programs"][:1]}
    document["programs"][0]["name"] = "Basic Food (renamed)"
    response = upload(staff_client, document)
    assert response.status_code == 302
    program = Program.objects.get(slug="basic-food")
    assert program.name == "Basic Food (renamed)"
    assert list(program.versions.values_list("number", "status")) == [
        (2, "draft"),
        (1, "published"),
    ]


def test_staff_without_the_right_to_build_programs_cannot_upload(client):
    client.force_login(UserFactory(username="someone", is_staff=True))
    assert client.get(reverse("admin:programs_program_upload")).status_code == 403


def test_two_versions_compare_as_sentences_screens_and_examples(staff_client):
    demo_programs_load()
    published = ProgramVersion.objects.get(program__slug="orca-lift", status="published")
    draft = program_version_create_draft(program=published.program, from_version=published)
    rules = copy.deepcopy(draft.eligibility_rules)
    rules["all"][1]["lte"][1]["percent"] = 250
    program_version_update(version=draft, eligibility_rules=rules, examples=draft.examples[:1])
    screen = draft.screens.get(key="orca-card")
    screen.screen_questions.update(required=False)
    page = staff_client.get(
        reverse("admin:programs_programversion_compare", args=[draft.pk]),
        {"with": published.pk},
    ).content.decode()
    income = "Your household&#x27;s total monthly income before taxes is at or below"
    assert f'removed:</strong> <span class="diff-text">  {income} 200%' in page
    assert f'added:</strong> <span class="diff-text">  {income} 250%' in page
    assert "transit.has_orca_card (optional)" in page and "transit.has_orca_card (required)" in page
    assert page.count("removed:") == 4  # the rule line, the screen question, two examples


def diff_lines(page, change):
    return [
        line.split("</span>")[0]
        for line in page.split(f'{change}:</strong> <span class="diff-text">')[1:]
    ]


def test_named_values_and_the_estimate_compare_as_sentences(staff_client):
    call_command("import_programs", str(SNAP_DOCUMENT), "--publish")
    published = ProgramVersion.objects.get(program__slug="snap-net-income-check")
    draft = program_version_create_draft(program=published.program, from_version=published)
    rules = copy.deepcopy(draft.eligibility_rules)
    rules["values"]["earned_income_deduction"]["percent"] = 25
    estimate = {"amount": {"named": "net_income"}, "period": "monthly"}
    program_version_update(version=draft, eligibility_rules=rules, estimated_value=estimate)
    page = staff_client.get(
        reverse("admin:programs_programversion_compare", args=[draft.pk]),
        {"with": published.pk},
    ).content.decode()
    removed, added = diff_lines(page, "removed"), diff_lines(page, "added")
    assert len(removed) == 1 and "20%" in removed[0]
    assert any("25%" in line for line in added)
    assert any(line.startswith("estimate: ") for line in added)
    assert not any("{" in line for line in removed + added)  # sentences, not JSON
