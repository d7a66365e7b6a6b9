"""Residents are told about each status change, by email, in the language they applied in."""

import pytest

from agencies.review import services
from agencies.review.models import ProgramStatusMessage, ResidentNotification
from agencies.review.workflow import Status
from civiportal.after_response import _after_response
from notifications.models import Notification
from notifications.services import notification_attempt
from tests.agencies import review_support
from tests.agencies.review_support import make_application

world = review_support.world


@pytest.fixture
def messages(world):
    return ProgramStatusMessage.objects.create(
        program=world.program_a,
        status=Status.IN_REVIEW,
        message="A caseworker at the Housing Agency is reviewing your rent help request.",
        translations={"es": "Un trabajador social está revisando su solicitud de ayuda."},
    )


@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [
        ("es", "Un trabajador social está revisando", "A caseworker at the Housing"),
        ("en", "A caseworker at the Housing Agency", "Un trabajador social"),
    ],
)
def test_status_change_emails_the_resident_in_their_language(
    world, messages, mailoutbox, django_capture_on_commit_callbacks, language, expected, unexpected
):
    app = make_application(
        world.program_a, world.version_a, language=language, email=f"{language}@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_set_status(
            application=app, status=Status.IN_REVIEW, note="internal", acting_user=None
        )
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [f"{language}@example.org"]
    assert app.reference in email.subject
    assert expected in email.body
    assert unexpected not in email.body
    assert "internal" not in email.body  # caseworker notes stay internal
    notification = ResidentNotification.objects.get(application=app)
    assert notification.language == language
    assert notification.sent_at is not None


def test_no_email_before_the_transaction_commits(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_set_status(
            application=world.app_a, status=Status.IN_REVIEW, note="", acting_user=None
        )
    assert mailoutbox == []
    # Both wait for the commit: the resident's email (published after the response when
    # in a request), and the PDFs' new render.
    published = [
        callback.args[0] if callback.func is _after_response else callback for callback in callbacks
    ]
    assert sorted(callback.func.__name__ for callback in published) == [
        "_enqueue_render",
        "notifications_enqueue",
    ]


def test_fallback_message_when_the_program_wrote_none(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_set_status(
            application=world.app_a, status=Status.WITHDRAWN, note="", acting_user=None
        )
    assert "Your application was withdrawn." in mailoutbox[0].body


def test_sending_twice_sends_one_email(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_set_status(
            application=world.app_a, status=Status.IN_REVIEW, note="", acting_user=None
        )
    notification = ResidentNotification.objects.get()
    assert notification.outbox.status == Notification.Status.SENT
    assert notification_attempt(notification_id=notification.outbox_id) == "skipped"
    assert notification_attempt(notification_id=notification.outbox_id + 1000) == "skipped"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == notification.outbox.message_id


def test_resident_without_email_is_skipped_not_failed(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    app = make_application(world.program_a, world.version_a, email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_set_status(
            application=app, status=Status.IN_REVIEW, note="", acting_user=None
        )
    assert mailoutbox == []
    record = ResidentNotification.objects.get(application=app)
    assert record.skipped_reason == "no email address"
    assert record.outbox is None
    assert not Notification.objects.exists()
