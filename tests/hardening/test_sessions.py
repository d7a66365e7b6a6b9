"""Sessions belong to one person: a shared browser leaks nothing from one resident to
the next, and a guest's applications join an account only with proof."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from applicants.models import Applicant, Submission
from applicants.selectors import applicant_answers
from applicants.services import answers_save
from tests.applicants.conftest import complete_intake, step_data
from tests.applicants.test_journey import choose_and_answer, submit
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"


def guest_submits(client) -> Submission:
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], answered_before=set())
    response, _token = submit(client)
    assert response.status_code == 302
    return Submission.objects.get()


def test_next_person_signing_in_on_the_same_browser_does_not_see_the_guests_applications(
    client, demo_programs
):
    submission = guest_submits(client)
    application = submission.applications.get()
    assert application.reference in client.get("/my/applications/").content.decode()

    person_b = UserFactory(username="bea@example.org", email="bea@example.org", password=PASSWORD)
    b_profile = ApplicantFactory(user=person_b)
    answers_save(applicant=b_profile, values={"household.size": 1})
    response = client.post("/account/sign-in/", {"email": "bea@example.org", "password": PASSWORD})
    assert response.status_code == 302

    html = client.get("/my/applications/").content.decode()
    # As a word: a random CSRF token in the page may contain the letters "Ana".
    assert application.reference not in html and not re.search(r"\bAna\b", html)
    assert client.get(f"/my/applications/{application.reference}/").status_code == 404
    assert client.get(f"/my/applications/{application.reference}/pdf/").status_code == 404
    assert client.get(f"/apply/submitted/{submission.reference}/").status_code == 404
    # The guest session is ended, and A's answers never reached B's profile.
    assert "applicants.applicant_id" not in client.session
    assert applicant_answers(applicant=b_profile) == {"household.size": 1}
    submission.refresh_from_db()
    assert submission.applicant.user_id is None


def test_a_guest_application_joins_an_account_with_its_reference_and_date_of_birth(
    client, demo_programs
):
    submission = guest_submits(client)
    user = UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    client.post("/account/sign-in/", {"email": "ana@example.org", "password": PASSWORD})
    assert "/my/applications/claim/" in client.get("/my/applications/").content.decode()

    wrong = client.post(
        "/my/applications/claim/",
        {"reference": submission.reference, "birth_date": "1990-12-04"},
    )
    assert wrong.status_code == 400
    assert "No application matches" in wrong.content.decode()

    # The intake gave April 12, 1990 (month, day, year).
    response = client.post(
        "/my/applications/claim/",
        {"reference": submission.reference.lower(), "birth_date": "1990-04-12"},
    )
    assert response.headers["Location"] == "/my/applications/"
    submission.refresh_from_db()
    assert submission.applicant.user == user
    reference = submission.applications.get().reference
    assert reference in client.get("/my/applications/").content.decode()


def test_claim_attempts_are_limited_per_account(client, demo_programs, settings):
    settings.CLAIM_ATTEMPTS_PER_HOUR = 2
    client.force_login(UserFactory())
    statuses = [
        client.post(
            "/my/applications/claim/", {"reference": "CP-0000-0000", "birth_date": "1990-01-01"}
        )
        for _ in range(3)
    ]
    assert "Too many tries" in statuses[-1].content.decode()
    assert "Too many tries" not in statuses[0].content.decode()


def test_sign_up_does_not_reveal_an_existing_account_and_verifies_the_email(
    client, demo_programs, django_capture_on_commit_callbacks
):
    UserFactory(username="taken@example.org", email="taken@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(
            "/account/sign-up/",
            {"email": "taken@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    with django_capture_on_commit_callbacks(execute=True):
        fresh = client.post(
            "/account/sign-up/",
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert taken.status_code == fresh.status_code == 200
    strip = lambda r: r.content.decode().replace("taken@", "X@").replace("new@", "X@")  # noqa: E731
    assert re.sub(r'value="[^"]+"', "", strip(taken)) == re.sub(r'value="[^"]+"', "", strip(fresh))
    assert [m.to for m in mail.outbox] == [["taken@example.org"], ["new@example.org"]]
    assert "already has one" in mail.outbox[0].body

    # Not active, so not signed in, until the link is opened.
    new_user = get_user_model().objects.get(username="new@example.org")
    assert not new_user.is_active
    assert (
        client.post(
            "/account/sign-in/", {"email": "new@example.org", "password": PASSWORD}
        ).status_code
        == 400
    )
    link = re.search(r"http://127.0.0.1:8000(/account/sign-up/verify/\S+/)", mail.outbox[1].body)
    assert client.get(link.group(1)).status_code == 302
    new_user.refresh_from_db()
    assert new_user.is_active
    # A spent link does not work twice.
    assert client.get(link.group(1)).status_code == 404


def test_sign_up_keeps_a_guests_unsubmitted_answers_after_verifying(
    client, demo_programs, django_capture_on_commit_callbacks
):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    guest = Applicant.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/sign-up/",
            {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    link = re.search(r"http://127.0.0.1:8000(/account/sign-up/verify/\S+/)", mail.outbox[0].body)
    client.get(link.group(1))
    guest.refresh_from_db()
    assert guest.user.username == "ana@example.org"
    assert "applicant.birth_date" in applicant_answers(applicant=guest)


def test_passwords_need_twelve_characters(client):
    response = client.post(
        "/account/sign-up/",
        {"email": "ana@example.org", "password1": "Xk7#pq2!Lm9", "password2": "Xk7#pq2!Lm9"},
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
