"""Smaller findings of issue 15: one time estimate, the helpers page linked, navigator
forms addressed to the navigator, agency notices in the city's time zone."""

import datetime
import re

from django.utils import timezone

from tests.applicants.test_navigator import two_orgs  # noqa: F401
from tests.factories import UserFactory


def test_home_and_start_give_the_same_time_estimate(client, demo_programs):
    home = client.get("/").content.decode()
    start = client.get("/apply/").content.decode()
    [home_minutes] = re.findall(r"about (\d+) minutes", home)
    [start_minutes] = re.findall(r"about (\d+) minutes", start)
    assert home_minutes == start_minutes


def test_signed_in_residents_find_the_helpers_page(client, db):
    client.force_login(UserFactory(username="resident"))
    page = client.get("/my/applications/").content.decode()
    assert 'href="/my/helpers/"' in page
    client.logout()
    assert 'href="/my/helpers/"' not in client.get("/my/applications/").content.decode()


def test_add_client_form_speaks_to_the_navigator(client, two_orgs):  # noqa: F811
    client.force_login(two_orgs["nav_x"])
    form = client.get("/navigator/clients/add/").content.decode()
    assert "Client&#x27;s full name" in form or "Client's full name" in form
    assert "Your full name" not in form


def test_agency_email_notice_shows_the_citys_time(db, settings):
    from agencies.routing.channels.email import build_message
    from tests.agencies.review_support import make_application
    from tests.factories import ProgramFactory, ProgramVersionFactory

    settings.TIME_ZONE = "America/Los_Angeles"
    program = ProgramFactory()
    application = make_application(program, ProgramVersionFactory(program=program))
    application.submitted_at = datetime.datetime(2026, 1, 15, 20, 30, tzinfo=datetime.UTC)

    from types import SimpleNamespace

    delivery = SimpleNamespace(
        pk=1,
        application=application,
        application_id=application.pk,
        idempotency_key="k",
        event="application.submitted",
        channel=SimpleNamespace(intake_email="intake@example.org"),
    )
    with timezone.override("America/Los_Angeles"):
        body = build_message(delivery).body
    # 20:30 UTC is 12:30 in Seattle in January.
    assert "January 15, 2026, 12:30 p.m. PST" in body, body
