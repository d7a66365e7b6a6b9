import pytest

from tests.factories import ApplicationFactory, ProgramFactory, QuestionFactory


@pytest.mark.django_db
def test_two_programs_can_share_one_bank_question():
    size = QuestionFactory(key="household.size", type="number")
    assert QuestionFactory(key="household.size") == size


@pytest.mark.django_db
def test_an_application_belongs_to_its_versions_program():
    application = ApplicationFactory()
    assert application.program == application.program_version.program
    assert application.submission.applicant.email.endswith("@example.org")
    assert ProgramFactory().agency.programs.count() == 1
