"""Sign-in throttling with lockout and audit, holding behind a proxy that sets the
trusted client-address header."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-staff-passphrase-1"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1


def via_proxy(client_ip):
    # Every request reaches Django from the proxy's own address.
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.99, {client_ip}")


def admin_login(client, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "caseworker", "password": password}
    )


def test_ten_wrong_passwords_lock_a_staff_account_out_and_are_audited(behind_proxy, caplog):
    UserFactory(username="caseworker", password=PASSWORD, is_staff=True, is_superuser=True)
    # The attacker moves between addresses; the account is still locked.
    for attempt in range(10):
        response = admin_login(via_proxy(f"198.51.100.{attempt}"), "wrong-guess")
        assert response.status_code == 200 if attempt < 9 else 429
    response = admin_login(via_proxy("198.51.100.50"), PASSWORD)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()

    attempts = AccessAttempt.objects.filter(username="caseworker")
    assert sum(a.failures_since_start for a in attempts) >= 10
    failures = AccessFailureLog.objects.filter(username="caseworker")
    # The audited addresses are the clients', read from the trusted header.
    assert set(failures.values_list("ip_address", flat=True)) >= {"198.51.100.0", "198.51.100.9"}
    assert "10.0.0.2" not in set(failures.values_list("ip_address", flat=True))
    assert "sign-in locked out: account 'caseworker'" in caplog.text


def test_a_forged_header_is_ignored_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_CLIENT_IP_HEADER = ""
    UserFactory(username="caseworker", password=PASSWORD, is_staff=True)
    admin_login(via_proxy("198.51.100.7"), "wrong-guess")
    assert AccessFailureLog.objects.get().ip_address == "10.0.0.2"


def test_one_client_address_is_locked_out_across_accounts(behind_proxy, client):
    attacker = via_proxy("198.51.100.66")
    for number in range(10):
        attacker.post(
            "/account/sign-in/", {"email": f"person{number}@example.org", "password": "guess"}
        )
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    locked = attacker.post("/account/sign-in/", {"email": "ana@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    # Another resident behind the same proxy is not affected.
    other = via_proxy("198.51.100.67")
    ok = other.post("/account/sign-in/", {"email": "ana@example.org", "password": PASSWORD})
    assert ok.status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(behind_proxy):
    UserFactory(username="caseworker", password=PASSWORD, is_staff=True, is_superuser=True)
    client = via_proxy("198.51.100.1")
    for _ in range(9):
        admin_login(client, "wrong-guess")
    assert admin_login(client, PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(9):
        assert admin_login(client, "wrong-guess").status_code == 200


def test_password_reset_emails_are_limited_per_client_and_per_address(
    behind_proxy, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 3
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        responses = [
            via_proxy(f"198.51.100.{n}").post(
                "/account/password-reset/", {"email": "ana@example.org"}
            )
            for n in range(6)
        ]
    # Throttled requests get the same answer, but no email goes out.
    assert {r.headers["Location"] for r in responses} == {"/account/password-reset/sent/"}
    assert len(mail.outbox) == 3
