"""Fixtures for the export tests: the review `world` (two agencies, staff of each role)
plus a program whose two versions ask different questions, household members included,
and API keys."""

import datetime

import pytest
from django.db.models import Max
from django.utils import timezone

from agencies.exports.api_auth import api_key_create
from programs.models import ProgramVersion
from tests.agencies import review_support
from tests.agencies.review_support import make_application  # noqa: F401
from tests.factories import (
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)

HOUSEHOLD_FIELDS = [
    {"key": "name", "type": "name", "label": "Name"},
    {"key": "birth_date", "type": "date", "label": "Date of birth"},
    {
        "key": "relationship",
        "type": "single_choice",
        "label": "Relationship",
        "options": [{"value": "child", "label": "Child"}, {"value": "spouse", "label": "Spouse"}],
    },
]


def publish(version):
    ProgramVersion.objects.filter(pk=version.pk).update(status=ProgramVersion.Status.PUBLISHED)
    version.refresh_from_db()
    return version


def second_version(program):
    """v2 of a `world` program: adds household members and a phone, on two screens."""
    # After the program's versions, whatever numbers the factory's sequence gave them (a
    # fixed number collided with the sequence once enough versions had been made).
    latest = program.versions.aggregate(latest=Max("number"))["latest"] or 0
    version = ProgramVersionFactory(program=program, number=latest + 1)
    about = ScreenFactory(version=version, key="about-you", title="About you", order=1)
    home = ScreenFactory(version=version, key="household", title="Your household", order=2)
    for order, question in enumerate(
        [
            QuestionFactory(key="applicant.name", type="name", label="Your name"),
            QuestionFactory(key="income.monthly_gross", type="currency", label="Monthly income"),
            QuestionFactory(key="applicant.ssn", type="identifier", label="SSN", sensitive=True),
        ]
    ):
        ScreenQuestionFactory(screen=about, question=question, order=order)
    members = QuestionFactory(
        key="household.members",
        type="household_members",
        label="People in your household",
        member_fields=HOUSEHOLD_FIELDS,
    )
    phone = QuestionFactory(key="contact.phone", type="phone", label="Phone")
    ScreenQuestionFactory(screen=home, question=members, order=0)
    ScreenQuestionFactory(screen=home, question=phone, order=1)
    # The old version is archived when the new one is published.
    ProgramVersion.objects.filter(program=program, status=ProgramVersion.Status.PUBLISHED).update(
        status=ProgramVersion.Status.ARCHIVED
    )
    return publish(version)


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T12:00"))


def submitted_on(application, day: str):
    type(application).objects.filter(pk=application.pk).update(submitted_at=at(day))
    application.refresh_from_db()
    return application


world = review_support.world


@pytest.fixture
def keys(world):
    """A usable key for each agency: (row, full secret)."""
    return {
        "a": api_key_create(agency=world.agency_a, name="Case system A", created_by=None),
        "b": api_key_create(agency=world.agency_b, name="Case system B", created_by=None),
    }


def bearer(full_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {full_key}"}
