"""Messages queued under the old task names by the release before the outbox are not
lost at an upgrade: the kept tasks move them into the outbox, once."""

import pytest

from agencies.review.models import AuditEvent, ResidentNotification
from agencies.routing.tasks import send_status_email
from applicants.tasks import submission_confirmation_email
from notifications.models import Notification
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_an_old_confirmation_message_writes_one_outbox_row(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submission__applicant__email="old@example.org")
    submission = application.submission
    for _ in range(2):  # a redelivered message too
        with django_capture_on_commit_callbacks(execute=True):
            assert submission_confirmation_email(submission.pk) == "1 in the outbox"
    row = Notification.objects.get()
    assert (row.kind, row.status, row.submission_id) == ("confirmation", "sent", submission.pk)
    assert [m.to for m in mailoutbox] == [["old@example.org"]]
    assert application.reference in mailoutbox[0].body
    assert submission_confirmation_email(submission.pk + 1000) == "gone"


def test_an_old_status_message_moves_its_record_into_the_outbox(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submission__applicant__email="old@example.org")
    event = AuditEvent.objects.create(
        action=AuditEvent.Action.STATUS_CHANGED, application=application,
        after={"status": "in_review"},
    )  # fmt: skip
    record = ResidentNotification.objects.create(
        application=application, event=event, status="in_review", language="en",
        to_email="old@example.org", message="A caseworker is now reviewing your application.",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert send_status_email(record.pk) == "in the outbox"
    assert send_status_email(record.pk) == "nothing to do"
    record.refresh_from_db()
    assert record.outbox.status == "sent" and record.sent_at == record.outbox.sent_at
    assert len(mailoutbox) == 1
    assert "A caseworker is now reviewing your application." in mailoutbox[0].body
