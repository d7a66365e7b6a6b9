"""Pages with personal data are never cached; staff sessions end when left idle."""

import time

import pytest

from civiportal.middleware import STAFF_LAST_SEEN_KEY
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import choose_and_answer, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_intake_results_review_and_confirmation_send_no_store(client, demo_programs):
    complete_intake(client)
    choose_and_answer(client, ["basic-food"], answered_before=set())
    pages = ["/apply/intake/about-you/", "/apply/results/", "/apply/review/"]
    responses = [client.get(url) for url in pages]
    submitted, _token = submit(client)
    responses.append(client.get(submitted.headers["Location"]))
    for url, response in zip([*pages, "confirmation"], responses, strict=True):
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url


def test_pages_that_choose_public_caching_keep_it(client):
    assert "public" in client.get("/api/v1/openapi.json").headers["Cache-Control"]


def idle(client, seconds):
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_are_signed_out_after_the_idle_timeout(client, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    idle(client, 29 * 60)
    assert client.get("/admin/").status_code == 200
    idle(client, 31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


def test_residents_are_not_subject_to_the_staff_idle_timeout(client):
    client.force_login(UserFactory())
    idle(client, 3 * 60 * 60)
    assert client.get("/my/applications/").context["user"].is_authenticated
