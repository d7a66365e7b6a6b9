"""Fixtures for notification tests: a committed submission made by the real service."""

import pytest

from applicants.services import answers_save
from applicants.submission import submission_create
from tests.applicants.conftest import demo_programs  # noqa: F401  (fixture)
from tests.factories import ApplicantFactory

RESIDENT_ANSWERS = {
    "applicant.name": {"first": "Ana", "last": "Díaz"},
    "applicant.birth_date": "1990-04-12",
    "contact.email": "ana@example.org",
    "home.address": {"street": "1 Pine", "city": "Seattle", "state": "WA", "zip": "98101"},
    "household.size": 2,
    "household.members": [],
    "income.monthly_gross": 100000,
    "food.expedited_need": False,
}


@pytest.fixture
def submit(demo_programs, django_capture_on_commit_callbacks):  # noqa: F811
    """Submit to Basic Food as a guest resident, through `submission_create`, and run
    what it left for after commit, as a real commit would."""

    def run(*, email: str = "ana@example.org", language: str = "en", token: str = "t-1"):  # noqa: S107
        applicant = ApplicantFactory(email=email)
        answers_save(applicant=applicant, values={**RESIDENT_ANSWERS, "contact.email": email})
        program = demo_programs["basic-food"].program
        with django_capture_on_commit_callbacks(execute=True):
            return submission_create(
                applicant=applicant, programs=[program], submit_token=token, language=language
            )

    return run
