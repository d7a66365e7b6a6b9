"""A guest comes back without an account: the link in every message about an application
opens it (signed, expiring, refused when tampered with), or the reference number with the
date of birth does (the same answer for a reference that does not exist, rate limited)."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from applicants.guest_access import resident_link
from applicants.models import Application
from notifications.models import Notification
from tests.applicants.test_after_submitting import _decide, _resident_application
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def _emailed_link(application, kind):
    body = Notification.objects.get(
        submission=application.submission_id, kind=kind, channel="email"
    ).body
    return re.search(r"https?://\S+", body.split("here:", 1)[1]).group(0)


@pytest.fixture
def asked(client, demo_programs):
    """A guest's application the caseworker asked a pay slip for, and the emailed link."""
    application = _resident_application(client, demo_programs)
    _decide(
        application,
        "more_info_needed",
        note="internal",
        resident_message="Please send your latest pay stub.",
        requested_questions=["income.monthly_gross"],
    )
    return application, _emailed_link(application, "info_request")


def _path(link):
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_the_emailed_link_opens_the_application_in_a_new_browser(asked):
    application, link = asked
    browser = Client()
    response = browser.get(_path(link))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/my/applications/{application.reference}/"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = browser.get(response.headers["Location"]).content.decode()
    assert "Please send your latest pay stub." in page and "internal" not in page
    respond = browser.get(f"/my/applications/{application.reference}/respond/")
    assert respond.status_code == 200 and "Your reply to the agency" in respond.content.decode()


def test_the_confirmation_links_a_guest_to_their_applications(client, demo_programs):
    application = _resident_application(client, demo_programs)
    link = _emailed_link(application, "confirmation")
    response = Client().get(_path(link))
    assert response.headers["Location"] == "/my/applications/"


def test_an_account_gets_a_plain_link_to_the_application(asked):
    application, _link = asked
    applicant = application.submission.applicant
    applicant.user = UserFactory()
    applicant.save(update_fields=["user"])
    assert resident_link(applicant=applicant, reference=application.reference).endswith(
        f"/my/applications/{application.reference}/"
    )


class _Later:
    """`time` as `django.core.signing` sees it, `seconds` from now."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds


@pytest.mark.parametrize(("age_days", "status"), [(29, 302), (31, 410)])
def test_the_link_expires_after_thirty_days(asked, monkeypatch, age_days, status):
    application, link = asked
    monkeypatch.setattr(signing, "time", _Later(age_days * DAY))
    browser = Client()
    response = browser.get(_path(link))
    assert response.status_code == status
    if status == 410:
        assert "This link has expired" in response.content.decode()
        _assert_no_access(browser, application)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        lambda token: signing.dumps({"applicant": 1, "reference": ""}, salt="another.salt"),
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_opens_nothing(asked, tamper):
    application, link = asked
    token = link.rstrip("/").rsplit("/", 1)[1]
    browser = Client()
    response = browser.get(f"/back/{tamper(token)}/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    _assert_no_access(browser, application)


def _assert_no_access(browser, application):
    assert browser.get(f"/my/applications/{application.reference}/").status_code == 404


def test_a_link_naming_another_guests_application_opens_nothing(asked):
    application, _link = asked
    other = ApplicationFactory()
    token = signing.dumps(
        {"applicant": application.submission.applicant_id, "reference": other.reference},
        salt="applicants.guest-access",
    )
    assert Client().get(f"/back/{token}/").status_code == 404


def _find(browser, reference, birth_date):
    return browser.post(
        "/my/applications/find/", {"reference": reference, "birth_date": birth_date}
    )


def test_reference_and_birth_date_bring_a_guest_back(asked):
    application, _link = asked
    browser = Client()
    response = _find(browser, application.reference.lower(), "1990-04-12")
    assert response.headers["Location"] == "/my/applications/"
    listing = browser.get("/my/applications/").content.decode()
    assert application.reference in listing


def test_a_wrong_date_and_an_unknown_reference_get_the_same_answer(asked):
    application, _link = asked
    wrong_date = _find(Client(), application.reference, "1990-04-13")
    unknown = _find(Client(), "CP-ZZZZ-ZZZZ", "1990-04-13")
    assert wrong_date.status_code == unknown.status_code == 400
    message = "No application matches that reference number and date of birth."
    assert message in wrong_date.content.decode()
    assert _without_tokens(wrong_date, application.reference) == _without_tokens(
        unknown, "CP-ZZZZ-ZZZZ"
    )


def _without_tokens(response, reference):
    """The page without what differs by nature: CSRF tokens and the reference typed."""
    html = response.content.decode().replace(reference, "REF")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_finding_is_rate_limited_per_address(asked, settings):
    application, _link = asked
    settings.GUEST_FIND_ATTEMPTS_PER_HOUR = 3
    browser = Client()
    for _ in range(3):
        assert _find(browser, "CP-ZZZZ-ZZZZ", "1990-04-12").status_code == 400
    refused = _find(browser, application.reference, "1990-04-12")
    assert refused.status_code == 400
    assert "Too many tries" in refused.content.decode()
    _assert_no_access(browser, application)


def test_a_guest_link_on_a_signed_in_browser_goes_to_claiming(asked):
    _application, link = asked
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get(_path(link)).headers["Location"] == "/my/applications/claim/"


def test_the_status_email_links_straight_to_the_application(asked):
    application, link = asked
    assert "/back/" in link
    assert Application.objects.get(pk=application.pk).status == "more_info_needed"
