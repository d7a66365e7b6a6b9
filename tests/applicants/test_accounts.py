import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from applicants.models import Applicant
from applicants.selectors import applicant_answers
from applicants.services import answers_save
from tests.applicants.conftest import step_data
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"


def test_sign_up_keeps_everything_entered_as_a_guest(
    client, demo_programs, django_capture_on_commit_callbacks
):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    guest = Applicant.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/sign-up/",
            {"email": "Ana@Example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert "Check your email" in response.content.decode()
    link = re.search(r"https?://[^/\s]+(/account/sign-up/verify/\S+/)", mail.outbox[0].body)
    assert client.get(link.group(1)).status_code == 302
    user = get_user_model().objects.get()
    assert user.username == "ana@example.org"
    guest.refresh_from_db()
    assert guest.user == user
    assert "applicant.birth_date" in applicant_answers(applicant=guest)
    # Signed in, the applicant is found by the account, not by the session.
    assert "applicants.applicant_id" not in client.session
    assert client.get("/apply/intake/").headers["Location"] == "/apply/intake/contact/"


def test_sign_up_errors_are_specific(client):
    UserFactory(username="taken@example.org", email="taken@example.org")
    response = client.post(
        "/account/sign-up/",
        {"email": "taken@example.org", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # Whether the address has an account is not said (the email tells its owner).
    assert "already exists" not in html
    assert "do not match" in html
    assert 'href="#id_password2"' in html


def test_save_and_resume_across_sign_in_on_another_device(client, demo_programs):
    user = UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    client.force_login(user)
    client.post("/apply/intake/about-you/", step_data("about-you"))
    client.post("/apply/intake/contact/", step_data("contact"))
    client.post("/account/sign-out/")

    other_device = type(client)()
    response = other_device.post(
        "/account/sign-in/", {"email": "ANA@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert other_device.get(response.headers["Location"]).headers["Location"] == "/apply/intake/"
    response = other_device.get("/apply/intake/")
    assert response.headers["Location"] == "/apply/intake/household/"
    html = other_device.get("/apply/intake/contact/").content.decode()
    assert 'value="ana@example.org"' in html and 'value="100 Pine St"' in html


def test_sign_in_keeps_the_account_profile_and_clears_what_a_guest_entered(client, demo_programs):
    user = UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    account = ApplicantFactory(user=user)
    answers_save(applicant=account, values={"contact.email": "ana@example.org"})
    client.post("/apply/intake/household/", step_data("household"))
    client.post("/account/sign-in/", {"email": "ana@example.org", "password": PASSWORD})
    assert applicant_answers(applicant=account) == {"contact.email": "ana@example.org"}
    assert "applicants.applicant_id" not in client.session


def test_wrong_password_is_refused_without_saying_which_part(client):
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    response = client.post("/account/sign-in/", {"email": "ana@example.org", "password": "no"})
    assert response.status_code == 400
    assert "email address or password is not right" in response.content.decode()


def test_sign_in_only_follows_local_next_urls(client):
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    response = client.post(
        "/account/sign-in/",
        {"email": "ana@example.org", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/apply/continue/"


def test_sign_out_needs_post_and_forgets_the_guest(client, demo_programs):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    assert client.get("/account/sign-out/").status_code == 405
    client.post("/account/sign-out/")
    assert "applicants.applicant_id" not in client.session


def test_password_reset_by_email(client, settings, django_capture_on_commit_callbacks):
    user = UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post("/account/password-reset/", {"email": "ana@example.org"})
    assert response.headers["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    # The link names the configured site, never the request's Host header.
    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/account/password-reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "another-long-passphrase-99"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.headers["Location"] == "/account/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(new)


def test_admin_login_is_untouched(client):
    assert client.get("/admin/login/").status_code == 200
