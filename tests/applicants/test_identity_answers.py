"""`identity.current_applicant_and_answers`: the resident and their profile in one query
when they have answered anything, and exactly what `current_applicant` finds otherwise."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from applicants import identity
from tests.factories import AnswerFactory, ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(*, user=None, applicant_id=None):
    request = RequestFactory().get("/apply/results/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if applicant_id is not None:
        request.session[identity.SESSION_KEY] = applicant_id
    return request


def test_a_guest_with_answers_is_read_in_one_query(django_assert_num_queries):
    applicant = ApplicantFactory()
    AnswerFactory(applicant=applicant, question_key="household__size", value=3)
    AnswerFactory(applicant=applicant, question_key="income__monthly_gross", value=150000)
    request = _request(applicant_id=applicant.pk)
    with django_assert_num_queries(1):
        found, answers = identity.current_applicant_and_answers(request)
    assert found == applicant
    assert answers == {"household__size": 3, "income__monthly_gross": 150000}
    with django_assert_num_queries(0):  # the applicant is kept for the rest of the request
        assert identity.current_applicant(request) == applicant


def test_a_signed_in_residents_answers_come_with_their_applicant(django_assert_num_queries):
    user = UserFactory()
    applicant = ApplicantFactory(user=user)
    AnswerFactory(applicant=applicant, question_key="household__size", value=2)
    AnswerFactory(applicant=ApplicantFactory(), question_key="household__size", value=9)
    with django_assert_num_queries(1):
        found, answers = identity.current_applicant_and_answers(_request(user=user))
    assert (found, answers) == (applicant, {"household__size": 2})


def test_a_guest_without_answers_is_still_found():
    applicant = ApplicantFactory()
    found, answers = identity.current_applicant_and_answers(_request(applicant_id=applicant.pk))
    assert (found, answers) == (applicant, {})


def test_a_visitor_has_no_applicant_and_no_answers(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert identity.current_applicant_and_answers(_request()) == (None, {})


def test_a_guest_id_of_an_applicant_now_owned_by_an_account_reaches_nothing():
    applicant = ApplicantFactory(user=UserFactory())
    AnswerFactory(applicant=applicant, question_key="household__size", value=3)
    request = _request(applicant_id=applicant.pk)
    assert identity.current_applicant_and_answers(request) == (None, {})
    assert identity.SESSION_KEY not in request.session  # forgotten, as current_applicant does


def test_a_navigator_acting_for_a_client_gets_the_clients_answers():
    client = ApplicantFactory()
    AnswerFactory(applicant=client, question_key="household__size", value=4)
    own = ApplicantFactory()
    AnswerFactory(applicant=own, question_key="household__size", value=1)
    request = _request(user=UserFactory(), applicant_id=own.pk)
    request.acting = SimpleNamespace(applicant=client)
    rows_applicant, rows = identity.current_applicant_and_answer_rows(request)
    assert rows_applicant == client
    assert {key: row.value for key, row in rows.items()} == {"household__size": 4}
