from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.models import Answer, Applicant
from applicants.selectors import applicant_answers
from applicants.services import (
    answers_save,
    applicant_attach_user,
    guest_applicants_purge,
)
from tests.factories import ApplicantFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_answers_save_upserts_in_two_queries_whatever_the_number(django_assert_num_queries):
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values={"a.one": 1, "a.two": "x"})
    many = {f"q.{n}": n for n in range(40)}
    with django_assert_num_queries(2):
        changed = answers_save(applicant=applicant, values={**many, "a.one": 2})
    assert set(changed) == {*many, "a.one"}
    assert applicant_answers(applicant=applicant) == {**many, "a.one": 2, "a.two": "x"}
    assert Answer.objects.filter(applicant=applicant).count() == 42


def test_answers_save_keeps_the_date_of_an_unchanged_answer():
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values={"income.monthly_gross": 150000})
    before = Answer.objects.get(applicant=applicant).updated_at
    assert answers_save(applicant=applicant, values={"income.monthly_gross": 150000}) == []
    assert Answer.objects.get(applicant=applicant).updated_at == before
    answers_save(applicant=applicant, values={"income.monthly_gross": 160000})
    assert Answer.objects.get(applicant=applicant).updated_at > before


def test_answers_save_records_who_typed_it():
    applicant = ApplicantFactory()
    navigator = UserFactory()
    answers_save(applicant=applicant, values={"household.size": 2}, entered_by=navigator)
    assert Answer.objects.get(applicant=applicant).entered_by == navigator


def test_blank_optional_answer_is_stored_as_answered():
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values={"contact.phone": None})
    assert applicant_answers(applicant=applicant) == {"contact.phone": None}


def test_attaching_a_guest_to_a_new_account_keeps_everything():
    guest = ApplicantFactory(email="")
    answers_save(applicant=guest, values={"household.size": 3})
    user = UserFactory(email="new@example.org")
    applicant = applicant_attach_user(applicant=guest, user=user)
    assert applicant.pk == guest.pk and applicant.user == user
    assert applicant.email == "new@example.org"
    assert applicant_answers(applicant=applicant) == {"household.size": 3}


def test_attach_never_merges_a_guest_into_an_account_that_has_a_profile():
    user = UserFactory()
    account = ApplicantFactory(user=user)
    answers_save(applicant=account, values={"household.size": 2})
    guest = ApplicantFactory(email="")
    answers_save(applicant=guest, values={"household.size": 4, "income.monthly_gross": 100})
    submission = SubmissionFactory(applicant=guest)
    assert applicant_attach_user(applicant=guest, user=user).pk == account.pk
    assert applicant_answers(applicant=account) == {"household.size": 2}
    submission.refresh_from_db()
    assert submission.applicant_id == guest.pk


def test_attach_never_gives_a_new_account_a_guests_submissions():
    guest = ApplicantFactory(email="")
    SubmissionFactory(applicant=guest)
    user = UserFactory()
    applicant = applicant_attach_user(applicant=guest, user=user)
    assert applicant.pk != guest.pk and applicant.user == user
    guest.refresh_from_db()
    assert guest.user_id is None


def test_attach_never_takes_over_another_accounts_applicant():
    other = ApplicantFactory(user=UserFactory())
    user = UserFactory()
    applicant = applicant_attach_user(applicant=other, user=user)
    assert applicant.pk != other.pk and applicant.user == user
    other.refresh_from_db()
    assert other.user_id != user.pk


def test_guest_purge_deletes_only_expired_guests_without_submissions(settings):
    settings.SESSION_COOKIE_AGE = 3600
    old = timezone.now() - timedelta(hours=2)
    expired = ApplicantFactory(email="")
    submitted = ApplicantFactory(email="")
    SubmissionFactory(applicant=submitted)
    account = ApplicantFactory(user=UserFactory())
    fresh = ApplicantFactory(email="")
    Applicant.objects.filter(pk__in=[expired.pk, submitted.pk, account.pk]).update(updated_at=old)
    guest_applicants_purge()
    remaining = set(Applicant.objects.values_list("pk", flat=True))
    assert expired.pk not in remaining
    assert {submitted.pk, account.pk, fresh.pk} <= remaining


def test_purge_command_reports_what_it_deleted(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.SESSION_COOKIE_AGE = 60
    guest = ApplicantFactory(email="")
    Applicant.objects.filter(pk=guest.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("purge_guest_applicants", stdout=out)
    assert "Deleted 1 rows" in out.getvalue()
    assert not Applicant.objects.filter(pk=guest.pk).exists()


def test_expired_guests_are_purged_by_the_daily_beat_task(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from applicants.models import Applicant
    from applicants.tasks import purge_guest_applicants

    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-guests"]["task"] == (
        "applicants.tasks.purge_guest_applicants"
    )
    stale = Applicant.objects.create()
    fresh = Applicant.objects.create()
    Applicant.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    )
    assert purge_guest_applicants.delay().get() >= 1
    assert not Applicant.objects.filter(pk=stale.pk).exists()
    assert Applicant.objects.filter(pk=fresh.pk).exists()
