import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from organizations.models import Agency
from programs.models import Program, ProgramVersion, Question, Screen, ScreenQuestion
from programs.services import program_version_create_draft, program_version_publish

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Program, ProgramVersion, Question, Screen, ScreenQuestion)
    }


def test_load_demo_is_idempotent_and_publishes_every_demo_and_catalog_program(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "Demo programs: 6 published now" in out and "6 already up to date" in out
    assert "Washington catalog: 20 published now" in out and "20 already up to date" in out
    assert first["Program"] == 26 and first["Agency"] >= 14
    assert ProgramVersion.objects.filter(status="published").count() == first["Program"]
    assert get_user_model().objects.get(username="admin").is_superuser


def test_load_demo_publishes_a_new_version_only_for_changed_programs():
    call_command("load_demo")
    program = Program.objects.get(slug="basic-food")
    version = program.versions.get(status="published")
    # Someone edits the live program in this environment: the next load restores the demo.
    draft = program_version_create_draft(program=program, from_version=version)
    screen = draft.screens.get(key="food")
    screen.title = "Edited"
    screen.save()
    program_version_publish(version=draft)
    call_command("load_demo")
    latest = program.versions.get(status="published")
    assert latest.number == 3
    assert latest.screens.get(key="food").title == "Urgent need"
    assert ProgramVersion.objects.filter(status="published").count() == 26
