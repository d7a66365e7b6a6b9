"""The notification outbox in the admin: scoped to the staff's agencies like deliveries,
read-only, with the audited "retry now" and "mark resolved" actions."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from agencies.review import services as review_services
from agencies.review.workflow import Status
from notifications.models import Notification
from tests.agencies.review_support import world  # noqa: F401  (fixture)

URL = "/admin/notifications/notification/"


@pytest.fixture
def status_messages(world, django_capture_on_commit_callbacks):  # noqa: F811
    """A status message for each agency's application, and a confirmation."""
    with django_capture_on_commit_callbacks(execute=True):
        for app in (world.app_a, world.app_b):
            review_services.application_set_status(
                application=app, status=Status.IN_REVIEW, note="", acting_user=None
            )
    from applicants.emails import submission_confirmation_create

    with transaction.atomic():
        submission_confirmation_create(
            submission=world.app_a.submission, applications=[world.app_a]
        )
    return world


def test_caseworkers_see_only_their_agencies_status_messages(client, status_messages):
    w = status_messages
    client.force_login(w.caseworker_a)
    page = client.get(URL)
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert [n.application_id for n in listed] == [w.app_a.pk]
    other = Notification.objects.get(application=w.app_b)
    assert client.get(f"{URL}{other.pk}/change/").status_code == 302  # not found, redirected
    confirmation = Notification.objects.get(kind="confirmation")
    assert client.get(f"{URL}{confirmation.pk}/change/").status_code == 302


def test_the_changelist_costs_a_bounded_number_of_queries(
    client, status_messages, django_assert_max_num_queries
):
    client.force_login(status_messages.superuser)
    with django_assert_max_num_queries(12):
        page = client.get(URL)
    assert len(page.context["cl"].result_list) == 3


def test_retry_now_and_mark_resolved_are_audited(
    client, status_messages, settings, django_capture_on_commit_callbacks
):
    w = status_messages
    dead = Notification.objects.get(application=w.app_a)
    Notification.objects.filter(pk=dead.pk).update(status="dead", last_error="550 no such user")
    pending = Notification.objects.get(kind="confirmation")
    client.force_login(w.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"action": "retry_now", "_selected_action": [dead.pk]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == "sent" and dead.attempts == 1
    assert dead.events.get(action="retried").acting_user == w.superuser

    client.post(URL, {"action": "mark_resolved", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "resolved"
    assert pending.events.get(action="resolved").acting_user == w.superuser
    # A finished row is refused with a message, not a 500.
    response = client.post(
        URL, {"action": "retry_now", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Only failed or dead notifications can be retried" in response.content.decode()


def test_caseworkers_cannot_act_on_the_outbox(client, status_messages):
    w = status_messages
    row = Notification.objects.get(application=w.app_a)
    client.force_login(w.caseworker_a)
    client.post(URL, {"action": "retry_now", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == "sent"
    assert not w.caseworker_a.has_perm("notifications.change_notification")
    assert Permission.objects.filter(codename="view_notification").exists()


def test_the_review_page_shows_a_dead_status_message_to_the_caseworker(client, status_messages):
    from django.urls import reverse

    w = status_messages
    row = Notification.objects.get(application=w.app_a)
    w.app_a.notifications.update(sent_at=None)
    Notification.objects.filter(pk=row.pk).update(status="dead", last_error="550 no such user")
    client.force_login(w.caseworker_a)
    page = client.get(reverse("admin:applicants_application_change", args=[w.app_a.pk])).text
    assert "Dead, needs attention" in page and "550 no such user" in page


def test_caseworkers_do_not_see_account_emails(
    client, admin_client, status_messages, django_capture_on_commit_callbacks
):
    """A sign-up email belongs to no agency: only superusers see its row."""
    from applicants.accounts import account_sign_up

    with django_capture_on_commit_callbacks(execute=True):
        account_sign_up(email="new@example.org", password="a-long-passphrase-42")
    account_email = Notification.objects.get(kind="sign_up_verify")
    client.force_login(status_messages.caseworker_a)
    listed = list(client.get(URL).context["cl"].result_list)
    assert account_email not in listed
    assert client.get(f"{URL}{account_email.pk}/change/").status_code == 302
    assert account_email in list(admin_client.get(URL).context["cl"].result_list)
