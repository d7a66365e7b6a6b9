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


def new_resident_applies(client):
    """Another resident starts from scratch and applies to Energy Assistance."""
    client.cookies.clear()
    complete_intake(client)
    choose_and_answer(client, ["energy-assistance"], set())
    submit(client)
    return Submission.objects.order_by("-pk").first().applications.get()


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
    assert new_resident_applies(client).program_version_id == v5.pk


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


def test_a_scheduled_version_exports_with_its_moment_and_imports_byte_identical(
    demo_programs, tmp_path
):
    from django.core.management import call_command

    from programs.services import program_version_archive

    v2 = next_version(demo_programs["orca-lift"])
    moment = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    program_version_publish(version=v2, effective_at=moment)
    first = tmp_path / "first.json"
    call_command("export_programs", "orca-lift", "--version", "scheduled", "--out", str(first))
    text = first.read_text(encoding="utf-8")
    assert f'"effective_at": "{timezone.localtime(moment).isoformat()}"' in text
    # The published version exports as before, without a moment.
    published = tmp_path / "published.json"
    call_command("export_programs", "orca-lift", "--out", str(published))
    assert '"effective_at"' not in published.read_text(encoding="utf-8")

    # Withdraw the schedule, then import the document: it is scheduled again, same instant.
    program_version_archive(version=v2)
    call_command("import_programs", str(first), "--publish")
    again = ProgramVersion.objects.get(program__slug="orca-lift", status="scheduled")
    assert again.pk != v2.pk and again.effective_at == moment
    second = tmp_path / "second.json"
    call_command("export_programs", "orca-lift", "--version", "scheduled", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()


def test_a_document_moment_that_is_not_a_date_time_is_refused_with_its_path(
    demo_programs, tmp_path
):
    import json

    from django.core.management import CommandError, call_command

    from tests.applicants.conftest import DEMO

    document = json.loads(DEMO.read_text())
    document["programs"][1]["effective_at"] = "2099-02-30T00:00:00-08:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = ProgramVersion.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_programs", str(path), "--publish")
    assert error.value.returncode == 2
    assert "$.programs[1].effective_at: '2099-02-30T00:00:00-08:00' is not a date-time" in str(
        error.value
    )
    assert ProgramVersion.objects.count() == before


def test_a_scheduled_version_can_be_withdrawn_only_before_its_moment(demo_programs):
    from programs.models import PublishedVersionIsImmutable
    from programs.services import program_version_archive

    v1 = demo_programs["energy-assistance"]
    v2 = next_version(v1)
    program_version_publish(version=v2, effective_at=timezone.now() + timedelta(seconds=1))
    wait_until(ProgramVersion.objects.get(pk=v2.pk).effective_at)
    with pytest.raises(PublishedVersionIsImmutable, match="before it takes effect"):
        program_version_archive(version=v2)
    program_versions_activate_due()  # beat: v2 is now the published version
    v3 = next_version(v1)
    program_version_publish(version=v3, effective_at=timezone.now() + timedelta(days=1))
    program_version_archive(version=v3)
    (result,) = screen(answers={}, program_slugs=["energy-assistance"])
    assert ProgramVersion.objects.get(pk=v3.pk).status == "archived"
    assert result.version.number == v2.number  # the version in effect stays


def test_an_application_stays_on_its_version_when_a_scheduled_one_takes_effect(
    client, demo_programs
):
    v1 = demo_programs["energy-assistance"]
    complete_intake(client)
    choose_and_answer(client, ["energy-assistance"], set())
    # While the resident reviews, a scheduled version takes effect (beat has not run yet).
    v2 = next_version(v1)
    program_version_publish(version=v2, effective_at=timezone.now() + timedelta(seconds=1))
    wait_until(ProgramVersion.objects.get(pk=v2.pk).effective_at)
    (result,) = screen(answers={}, program_slugs=["energy-assistance"])
    assert result.version.number == v2.number
    response, _token = submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    (application,) = Submission.objects.get().applications.all()
    assert application.program_version_id == v1.pk
    # After beat has archived v1, a resident who starts now is on v2.
    program_versions_activate_due()
    assert new_resident_applies(client).program_version_id == v2.pk
