"""Two submissions by the same resident at once (two tabs, two devices): the query that
locks the applicant's row also reads the profile (applicants/submission.py), and the
duplicate check after it must still see what the other submission committed meanwhile."""

import threading
import time

import pytest
from django.db import connection, transaction

from applicants.models import Application, Submission
from applicants.services import answers_save
from applicants.submission import ApplicationAlreadyOpen, submission_create
from eligibility.published import clear_published_cache
from eligibility.services import clear_compiled_cache
from programs.models import Program
from tests.applicants.test_after_submitting import PROFILE
from tests.factories import ApplicantFactory


@pytest.fixture
def committed_demo_programs(transactional_db):
    # Committed, so the two tabs' connections see them (tests/conftest.py reseeds the
    # reference tables after an earlier transactional test's flush).
    from programs.demo import demo_programs_load

    clear_compiled_cache()
    clear_published_cache()
    demo_programs_load()
    yield
    clear_compiled_cache()
    clear_published_cache()


def test_a_second_submission_waits_for_the_first_and_is_refused(committed_demo_programs):
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values=PROFILE)
    program = Program.objects.get(slug="basic-food")
    first_written, let_first_commit = threading.Event(), threading.Event()
    outcome: dict = {}

    def first_tab():
        try:
            with transaction.atomic():  # held open: the applicant's row stays locked
                submission_create(applicant=applicant, programs=[program], submit_token="tab-1")
                first_written.set()
                let_first_commit.wait(20)
        finally:
            connection.close()

    def second_tab():
        try:
            submission_create(applicant=applicant, programs=[program], submit_token="tab-2")
            outcome["second"] = "submitted"
        except ApplicationAlreadyOpen:
            outcome["second"] = "refused"
        finally:
            outcome["second_done_at"] = time.monotonic()
            connection.close()

    first = threading.Thread(target=first_tab)
    first.start()
    assert first_written.wait(20)
    second = threading.Thread(target=second_tab)
    second.start()
    time.sleep(0.5)
    assert "second_done_at" not in outcome, "the second submission did not wait for the lock"
    committed_at = time.monotonic()
    let_first_commit.set()
    first.join(20)
    second.join(20)
    assert outcome["second"] == "refused"
    assert outcome["second_done_at"] >= committed_at
    assert Submission.objects.get().submit_token == "tab-1"
    assert Application.objects.filter(program=program).count() == 1


def test_submitting_with_no_answer_still_locks_the_applicant(committed_demo_programs):
    """A resident with no answer at all has no answer row to lock through: the applicant's
    row is locked on its own, and the submission is refused for the missing answers."""
    from applicants.submission import SubmissionNotAllowed

    applicant = ApplicantFactory()
    program = Program.objects.get(slug="basic-food")
    with pytest.raises(SubmissionNotAllowed, match="still needs an answer"):
        submission_create(applicant=applicant, programs=[program], submit_token="empty")
    assert not Submission.objects.exists()
