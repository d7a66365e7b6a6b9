"""Fixtures for the caseworker review tests: two agencies, each with a program whose
version has a screen of ordinary, sensitive and file questions, staff of each role, and an
application in each agency. Import the fixtures you use into the test module."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from agencies.review.models import AgencyMembership
from agencies.review.roles import CASEWORKER, CITY_ADMIN, SUPERVISOR, roles_setup
from programs.models import ProgramVersion
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    ProgramFactory,
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
    SubmissionFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery-staple"


def published_version(program):
    """A version with one screen of questions, published the way the services do."""
    version = ProgramVersionFactory(program=program, status=ProgramVersion.Status.DRAFT)
    screen = ScreenFactory(version=version, key="about-you", title="About you", order=1)
    questions = [
        QuestionFactory(key="applicant.name", type="name", label="Your name"),
        QuestionFactory(key="income.monthly_gross", type="currency", label="Monthly income"),
        QuestionFactory(key="applicant.ssn", type="identifier", label="SSN", sensitive=True),
        QuestionFactory(key="documents.proof_of_income", type="file", label="Proof of income"),
    ]
    for order, question in enumerate(questions):
        ScreenQuestionFactory(screen=screen, question=question, order=order)
    ProgramVersion.objects.filter(pk=version.pk).update(status=ProgramVersion.Status.PUBLISHED)
    version.refresh_from_db()
    return version


def staff(username, *, group=None, agency=None, role=AgencyMembership.Role.CASEWORKER):
    user = UserFactory(username=username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if agency:
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def make_application(program, version, *, language="en", email="ana@example.org", **kwargs):
    submission = SubmissionFactory(language=language, applicant__email=email)
    answers = {
        "applicant.name": {"first": "Ana", "last": "Díaz"},
        "income.monthly_gross": 290000,
        "applicant.ssn": "123456789",
    }
    answers.update(kwargs.pop("answers", {}))
    return ApplicationFactory(
        submission=submission,
        program=program,
        program_version=version,
        answers=answers,
        eligibility={
            "outcome": "eligible",
            "reasons": [{"text": "Monthly income $2,900 is below the $3,000 limit."}],
            # As submission_create stores it: the answers each reason prints.
            "reason_keys": [["income.monthly_gross"]],
        },
        **kwargs,
    )


class World:
    """Everything a review test needs, in two agencies."""


@pytest.fixture
def world(db):
    roles_setup()
    w = World()
    w.agency_a = AgencyFactory(name="Housing Agency", slug="housing")
    w.agency_b = AgencyFactory(name="Food Agency", slug="food")
    w.program_a = ProgramFactory(slug="rent-help", name="Rent Help", agency=w.agency_a)
    w.program_b = ProgramFactory(slug="food-help", name="Food Help", agency=w.agency_b)
    w.version_a = published_version(w.program_a)
    w.version_b = published_version(w.program_b)
    w.caseworker_a = staff("case-a", group=CASEWORKER, agency=w.agency_a)
    w.caseworker_a2 = staff("case-a2", group=CASEWORKER, agency=w.agency_a)
    w.supervisor_a = staff(
        "super-a", group=SUPERVISOR, agency=w.agency_a, role=AgencyMembership.Role.SUPERVISOR
    )
    w.caseworker_b = staff("case-b", group=CASEWORKER, agency=w.agency_b)
    w.city_admin = staff("city", group=CITY_ADMIN)
    w.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    w.app_a = make_application(w.program_a, w.version_a)
    w.app_b = make_application(w.program_b, w.version_b, email="bo@example.org")
    return w


@pytest.fixture
def stored_file(settings, tmp_path):
    """A resident's upload in default storage, and its answer metadata."""
    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("uploads/0123abcd/paystub.pdf", ContentFile(b"%PDF-1.4 test"))
    return {
        "name": "paystub.pdf",
        "size": 13,
        "content_type": "application/pdf",
        "path": path,
        "sha256": "0" * 64,
    }
