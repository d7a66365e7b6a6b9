"""Scheduled program versions: the switch happens at the scheduled moment by itself, and an
application already started stays on the version it was started on."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.models import Submission
from eligibility.services import screen
from programs.documents.errors import DocumentInvalid
from programs.models import ProgramVersion
from programs.selectors import program_for_detail
from programs.services import (
    program_version_create_draft,
    program_version_publish,
    program_version_update,
    program_versions_activate_due,
)
from programs.tasks import activate_scheduled_versions
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import choose_and_answer, submit

pytestmark = pytest.mark.django_db


def next_version(published: ProgramVersion, **changes) -> ProgramVersion:
    draft = program_version_create_draft(program=published.program, from_version=published)
    if changes:
        program_version_update(version=draft, **changes)
    return draft


def wait_until(moment):
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)


def test_a_scheduled_version_takes_effect_at_its_moment_with_nobody_awake(demo_programs):
    v1 = demo_programs["energy-assistance"]
    v2 = next_version(v1, eligibility_gating=True)
    moment = timezone.now() + timedelta(seconds=1.5)
    program_version_publish(version=v2, effective_at=moment)
    v2.refresh_from_db()
    assert v2.status == "scheduled" and v2.effective_at == moment

    def in_effect():
        (result,) = screen(answers={}, program_slugs=["energy-assistance"])
        return result.version.number, program_for_detail(
            slug="energy-assistance"
        ).published_version.number

    assert in_effect() == (v1.number, v1.number)
    assert program_versions_activate_due() == []  # not yet due: nothing changes
    wait_until(moment)
    # Screening and the catalog switch at once, before beat has run.
    assert in_effect() == (v2.number, v2.number)
    assert ProgramVersion.objects.get(pk=v1.pk).status == "published"
    assert activate_scheduled_versions() == [f"energy-assistance v{v2.number}"]
    assert activate_scheduled_versions() == []  # safe to run twice
    assert ProgramVersion.objects.get(pk=v1.pk).status == "archived"
    assert ProgramVersion.objects.get(pk=v2.pk).status == "published"
    assert in_effect() == (v2.number, v2.number)


def test_scheduling_checks_tables_as_of_the_day_it_takes_effect(demo_programs):
    v1 = demo_programs["basic-food"]
    # An example dated before any guideline period; a second schedule is refused too.
    early = {"name": "Too early", "as_of": "2025-02-01", "expected": "eligible",
             "answers": {"household.size": 1, "income.monthly_gross": 1}}  # fmt: skip
    v2 = next_version(v1, examples=[*v1.examples, early])
    with pytest.raises(DocumentInvalid) as error:
        program_version_publish(version=v2, effective_at=timezone.now() + timedelta(days=3))
    assert "is in effect on 2024-04-01" in str(error.value)
    v3 = next_version(v1)
    program_version_publish(version=v3, effective_at=timezone.now() + timedelta(days=3))
    v4 = next_version(v1)
    with pytest.raises(DocumentInvalid, match="already scheduled"):
        program_version_publish(version=v4, effective_at=timezone.now() + timedelta(days=4))


def test_a_started_application_is_submitted_on_the_version_it_started_on(client, demo_programs):
    complete_intake(client)
    v4 = demo_programs["energy-assistance"]
    choose_and_answer(client, ["energy-assistance"], set())
    # While the resident reviews, a new version is published (immediately).
    v5 = next_version(v4)
    program_version_publish(version=v5)
    response, _token = submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    (application,) = Submission.objects.get().applications.all()
    assert application.program_version_id == v4.pk
    assert ProgramVersion.objects.get(pk=v4.pk).status == "archived"
    # A resident who chooses now starts (and submits) on v5.
    client.cookies.clear()
    complete_intake(client)
    choose_and_answer(client, ["energy-assistance"], set())
    submit(client)
    newest = Submission.objects.order_by("-pk").first().applications.get()
    assert newest.program_version_id == v5.pk


def test_admin_schedules_a_draft_and_refuses_a_past_moment(client, demo_programs):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="builder", is_staff=True, is_superuser=True))
    v2 = next_version(demo_programs["orca-lift"])
    url = reverse("admin:programs_programversion_publish", args=[v2.pk])
    page = client.get(reverse("admin:programs_programversion_change", args=[v2.pk]))
    assert b'name="effective_at"' in page.content
    client.post(url, {"effective_at": "2020-01-01T09:00"})
    assert ProgramVersion.objects.get(pk=v2.pk).status == "draft"
    moment = timezone.localtime() + timedelta(days=2)
    client.post(url, {"effective_at": moment.strftime("%Y-%m-%dT%H:%M")})
    v2.refresh_from_db()
    assert v2.status == "scheduled"
    assert timezone.localtime(v2.effective_at).strftime("%Y-%m-%dT%H:%M") == moment.strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_import_programs_can_schedule_the_new_versions(demo_programs, tmp_path):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    from tests.applicants.conftest import DEMO

    out = StringIO()
    call_command("import_programs", str(DEMO), "--publish", "--effective-at", "2099-04-01T00:00",
                 stdout=out)  # fmt: skip
    assert "basic-food: version 2 (scheduled), takes effect at 2099-04-01T00:00:00" in (
        out.getvalue()
    )
    assert ProgramVersion.objects.filter(status="scheduled").count() == len(
        json.loads(DEMO.read_text())["programs"]
    )
    with pytest.raises(CommandError) as error:
        call_command("import_programs", str(DEMO), "--effective-at", "2099-02-30T00:00")
    assert error.value.returncode == 2


def test_a_scheduled_version_is_frozen_like_a_published_one(demo_programs):
    from programs.models import PublishedVersionIsImmutable, ScreenQuestion

    v2 = next_version(demo_programs["utility-discount"])
    program_version_publish(version=v2, effective_at=timezone.now() + timedelta(days=1))
    v2.refresh_from_db()
    with pytest.raises(PublishedVersionIsImmutable):
        program_version_update(version=v2, eligibility_gating=False)
    with pytest.raises(PublishedVersionIsImmutable):
        ScreenQuestion.objects.filter(screen__version=v2).first().delete()
    v2.eligibility_gating = not v2.eligibility_gating
    with pytest.raises(PublishedVersionIsImmutable):
        v2.save()
