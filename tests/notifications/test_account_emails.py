"""Account emails (sign-up verification, "you already have an account", password reset)
go through the notification outbox: a row written in the request's transaction, its body
(with a credential link) rendered only when an attempt is made, retried while SMTP is down."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.rendering import NOT_STORED
from tests.factories import UserFactory
from tests.notifications.test_services import FlakySmtp

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"
LINK = re.compile(r"https?://[^/\s]+(/account/\S+/)")


@pytest.fixture
def flaky_smtp(settings):
    """The outage helper of test_services: fails `failures` sends, then delivers."""
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FlakySmtp"
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    yield FlakySmtp
    FlakySmtp.failures = 0


def sign_up(client, email="new@example.org", password=PASSWORD, **headers):
    return client.post(
        "/account/sign-up/",
        {"email": email, "password1": password, "password2": password},
        **headers,
    )


def assert_nothing_secret_stored(row: Notification) -> None:
    """The row names the address and the kind, never a link a reader could use."""
    assert row.body == NOT_STORED
    assert "/account/" not in row.body + row.subject + row.last_error


def written_but_unsent(client, post, django_capture_on_commit_callbacks) -> Notification:
    """Run `post`, check its row exists (pending, nothing sent) before the commit
    callbacks run, then run them as a real commit would; return the row."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post()
    row = Notification.objects.get()
    assert row.status == "pending" and mail.outbox == [] and len(callbacks) == 1
    assert_nothing_secret_stored(row)
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    return response, row


def test_sign_up_verification_is_written_in_the_request_and_rendered_when_sent(
    client, django_capture_on_commit_callbacks
):
    response, row = written_but_unsent(
        client, lambda: sign_up(client), django_capture_on_commit_callbacks
    )
    assert "Check your email" in response.content.decode()
    user = get_user_model().objects.get(username="new@example.org")
    assert (row.kind, row.address, row.user, row.applicant) == (
        "sign_up_verify", "new@example.org", user, None,
    )  # fmt: skip
    assert row.subject == "Your CiviPortal account"
    link = LINK.search(mail.outbox[0].body).group(1)
    assert "/account/sign-up/verify/" in link
    assert client.get(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_sign_up_for_an_existing_account_tells_its_owner_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    response, row = written_but_unsent(
        client, lambda: sign_up(client, "ana@example.org"), django_capture_on_commit_callbacks
    )
    # The same answer as for a new address: only the mailbox learns the difference.
    assert "Check your email" in response.content.decode()
    assert row.kind == "sign_up_exists"
    assert "/account/sign-in/" in mail.outbox[0].body
    assert "/verify/" not in mail.outbox[0].body


def test_password_reset_is_written_in_the_request_and_rendered_when_sent(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    response, row = written_but_unsent(
        client,
        lambda: client.post("/account/password-reset/", {"email": "ana@example.org"}),
        django_capture_on_commit_callbacks,
    )
    assert response.headers["Location"] == "/account/password-reset/sent/"
    assert (row.kind, row.user, row.subject) == (
        "password_reset", user, "Reset your CiviPortal password",
    )  # fmt: skip
    link = LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "another-long-passphrase-99"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_an_unknown_address_writes_nothing_and_answers_the_same(client):
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.headers["Location"] == "/account/password-reset/sent/"
    assert not Notification.objects.exists()


def test_the_link_is_made_when_sent_so_a_later_sign_up_does_not_spoil_it(
    client, django_capture_on_commit_callbacks
):
    """Signing up twice changes the password (and so the token) before either email is
    sent: both emails, rendered at send time, carry a link that works."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up(client)
        sign_up(client, password="a-second-unusual-passphrase-7")
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    first = LINK.search(mail.outbox[0].body).group(1)
    assert client.get(first).status_code == 302


def test_smtp_down_the_page_answers_and_the_email_goes_out_once_when_back(
    client,
    flaky_smtp,
    django_capture_on_commit_callbacks,
):
    flaky_smtp.failures = 2
    flaky_smtp.error = smtplib.SMTPServerDisconnected("connection refused")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    row = Notification.objects.get()
    assert (row.status, row.attempts, mail.outbox) == ("failed", 1, [])
    assert_nothing_secret_stored(row)

    def sweep_when_due():
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        return services.notifications_sweep(now=timezone.now() + timedelta(seconds=1))

    sweep_when_due()  # still down
    row.refresh_from_db()
    assert (row.status, row.attempts, mail.outbox) == ("failed", 2, [])
    sweep_when_due()  # back
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 3)
    assert services.notifications_sweep(now=timezone.now() + timedelta(hours=1))["queued"] == 0
    assert len(mail.outbox) == 1
    assert client.get(LINK.search(mail.outbox[0].body).group(1)).status_code == 302
    assert_nothing_secret_stored(row)


def test_account_emails_are_written_in_the_residents_language(
    client, django_capture_on_commit_callbacks
):
    UserFactory(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, HTTP_ACCEPT_LANGUAGE="es")
        sign_up(client, "ana@example.org", HTTP_ACCEPT_LANGUAGE="es")
        client.post(
            "/account/password-reset/", {"email": "ana@example.org"}, HTTP_ACCEPT_LANGUAGE="es"
        )
    rows = Notification.objects.order_by("pk")
    assert [row.language for row in rows] == ["es", "es", "es"]
    assert [row.subject for row in rows] == [
        "Su cuenta de CiviPortal",
        "Su cuenta de CiviPortal",
        "Restablezca su contraseña de CiviPortal",
    ]
    verify, exists, reset = (message.body for message in mail.outbox)
    assert "confírmela aquí para terminar" in verify
    assert "pero ya tiene una" in exists
    assert "contraseña" in reset and "/account/password-reset/" in reset


def test_the_admin_shows_the_row_but_no_link(
    admin_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    row = Notification.objects.get()
    html = admin_client.get(f"/admin/notifications/notification/{row.pk}/change/").content
    assert b"new@example.org" in html
    assert b"/account/sign-up/verify/" not in html
    assert LINK.search(mail.outbox[0].body).group(1).encode() not in html


def test_a_row_whose_renderer_is_missing_goes_dead_rather_than_send_the_placeholder(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import rendering

    monkeypatch.delitem(rendering._renderers, "sign_up_verify")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    row = Notification.objects.get()
    assert row.status == "dead" and "No renderer registered" in row.last_error
    assert mail.outbox == []


def test_a_verification_sent_after_the_account_was_confirmed_just_says_sign_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up(client)
    get_user_model().objects.filter(username="new@example.org").update(is_active=True)
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert "/account/sign-in/" in message.body and "/verify/" not in message.body
