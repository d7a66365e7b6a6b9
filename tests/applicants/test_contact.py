"""Contact the way residents can: email is optional, the resident chooses email, text
message, letter or no contact, and without contact the reference number and the guest
status link are the way back. Navigators' clients without email apply end to end."""

import re

import pytest

from applicants.contact import preferred_contact
from applicants.models import Applicant, Submission
from applicants.navigators.models import ClientRelationship
from applicants.services import answers_save
from tests.applicants.conftest import complete_intake, step_data
from tests.applicants.test_journey import choose_and_answer, submit
from tests.applicants.test_navigator import ADD_CLIENT_POST, two_orgs  # noqa: F401
from tests.factories import UserFactory

PHONE_ONLY = {
    "contact__email": "",
    "contact__phone": "(206) 555-0142",
    "contact__preference": "text",
}
ADDRESS = {"street": "100 Pine St", "unit": "", "city": "Seattle", "state": "WA", "zip": "98101"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"contact.preference": "email", "contact.email": "a@example.org"},
         ("email", "a@example.org")),
        ({"contact.preference": "text", "contact.phone": "2065550142",
          "contact.email": "a@example.org"}, ("text", "2065550142")),
        ({"contact.preference": "post", "home.address": ADDRESS}, ("post", ADDRESS)),
        ({"contact.preference": "none", "contact.email": "a@example.org"}, None),
        ({"contact.phone": "2065550142"}, ("text", "2065550142")),  # no choice: what was given
        ({"contact.email": "a@example.org", "contact.phone": "2065550142"},
         ("email", "a@example.org")),
        ({}, None),
    ],
)  # fmt: skip
def test_preferred_contact(db, answers, expected):
    applicant = Applicant.objects.create()
    answers_save(applicant=applicant, values=answers)
    assert preferred_contact(applicant) == expected
    assert preferred_contact(None) is None


def test_an_account_email_is_used_when_email_is_chosen(db):
    user = UserFactory(email="acct@example.org")
    applicant = Applicant.objects.create(user=user)
    answers_save(applicant=applicant, values={"contact.preference": "email"})
    assert preferred_contact(applicant) == ("email", "acct@example.org")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"contact__preference": "text", "contact__phone": ""}, "contact__phone",
         "Enter a phone number for text messages"),
        ({"contact__preference": "email", "contact__email": ""}, "contact__email",
         "Enter an email address, or choose another way"),
    ],
)  # fmt: skip
def test_a_chosen_channel_needs_its_address(client, demo_programs, values, field, message):
    from tests.applicants.conftest import INTAKE_POSTS

    data = step_data("contact", {**INTAKE_POSTS["contact"], **values})
    response = client.post("/apply/intake/contact/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'href="#id_contact-{field}' in html  # the error summary links to the field


def test_no_email_with_a_phone_applies_and_gets_the_reference_and_status_link(
    client, demo_programs, mailoutbox, django_capture_on_commit_callbacks
):
    complete_intake(
        client, overrides={"contact": PHONE_ONLY, "household": {"household__size": "1"}}
    )
    [applicant] = Applicant.objects.all()
    assert preferred_contact(applicant) == ("text", "2065550142")
    choose_and_answer(client, ["basic-food", "energy-assistance"], set())
    with django_capture_on_commit_callbacks(execute=True):
        response, _token = submit(client)
    submission = Submission.objects.get(applicant=applicant)
    assert response.headers["Location"] == f"/apply/submitted/{submission.reference}/"
    assert mailoutbox == []  # the resident chose text messages, not email

    page = client.get(response.headers["Location"]).content.decode()
    assert f'id="submission-reference">{submission.reference}<' in page
    assert "by text message" in page
    assert "data-print" in page
    status_url = re.search(r'class="status-url">([^<]+)<', page).group(1)
    assert "/status/" in status_url

    # The link works on any device, without the session, and shows statuses only.
    client.logout()
    client.cookies.clear()
    status = client.get(status_url.replace("http://testserver", ""))
    assert status.status_code == 200
    status_page = status.content.decode()
    for application in submission.applications.all():
        assert application.reference in status_page
    # As a word: a random CSRF token in the page may contain the letters "Ana".
    assert "555-0142" not in status_page and not re.search(r"\bAna\b", status_page)
    assert status["Referrer-Policy"] == "no-referrer"
    assert client.get("/status/not-a-real-token/").status_code == 404


def test_the_resident_pdf_carries_the_reference(client, demo_programs):
    complete_intake(client, overrides={"contact": PHONE_ONLY})
    choose_and_answer(client, ["basic-food"], set())
    submit(client)
    application = Submission.objects.get().applications.get()
    from agencies.exports.pdf_export import PdfOptions, render_application_html

    html = render_application_html(application, options=PdfOptions(can_view_sensitive=True))
    assert f'class="reference">{application.reference}<' in html


def test_a_navigator_applies_for_a_client_without_email(
    client,
    two_orgs,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(two_orgs["nav_x"])
    response = client.post(
        "/navigator/clients/add/",
        {**ADD_CLIENT_POST, "contact__email": "", "contact__phone": "(206) 555-0199"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    relationship = ClientRelationship.objects.get(applicant__answers__value__first="Rosa")
    client.post(f"/navigator/clients/{relationship.pk}/act/")
    complete_intake(
        client,
        overrides={
            "about-you": {"applicant__name_0": "Rosa"},
            "contact": {
                "contact__email": "",
                "contact__phone": "(206) 555-0199",
                "contact__preference": "text",
            },
        },
    )
    choose_and_answer(client, ["basic-food"], set())
    with django_capture_on_commit_callbacks(execute=True):
        response, _token = submit(client)
    submission = Submission.objects.get(applicant=relationship.applicant)
    assert response.headers["Location"] == f"/apply/submitted/{submission.reference}/"
    assert preferred_contact(relationship.applicant) == ("text", "2065550199")
    page = client.get(response.headers["Location"]).content.decode()
    assert "by text message" in page
    assert submission.entered_by_navigator == two_orgs["nav_x"]
