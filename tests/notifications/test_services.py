"""The resident notification outbox in process (tasks eager): rows written with their
cause, sent once with a stable Message-ID, retried, dead-lettered, swept, and never sent
while a row is locked."""

import json
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import timezone

from applicants.models import Submission
from applicants.services import answers_save
from applicants.submission import submission_create
from civiportal.celery import app as celery_app
from notifications import services
from notifications.models import Notification, NotificationEvent
from tests.factories import ApplicantFactory
from tests.notifications.conftest import RESIDENT_ANSWERS

pytestmark = pytest.mark.django_db


def test_confirmation_is_an_outbox_row_of_the_submission_and_sent_on_commit(
    demo_programs, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        applicant = ApplicantFactory(email="ana@example.org")
        answers_save(applicant=applicant, values=RESIDENT_ANSWERS)
        submission = submission_create(
            applicant=applicant,
            programs=[demo_programs["basic-food"].program],
            submit_token="t-es",
            language="es",
        )
    notification = Notification.objects.get(submission=submission)
    assert notification.kind == "confirmation"
    assert notification.channel == "email" and notification.address == "ana@example.org"
    assert notification.status == "pending" and mailoutbox == []
    assert submission.reference in notification.subject
    assert submission.applications.get().reference in notification.body
    assert notification.language == "es"
    for callback in callbacks:
        callback()
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == notification.message_id
    assert mailoutbox[0].subject == notification.subject
    assert list(notification.events.values_list("action", flat=True)) == [
        "created",
        "claimed",
        "sent",
    ]


def test_a_rolled_back_submission_owes_nothing(
    demo_programs, mailoutbox, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    applicant = ApplicantFactory(email="ana@example.org")
    answers_save(applicant=applicant, values=RESIDENT_ANSWERS)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        submission_create(
            applicant=applicant,
            programs=[demo_programs["basic-food"].program],
            submit_token="t-boom",
        )
        raise Boom
    assert callbacks == []
    assert not Submission.objects.exists()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_resident_without_an_address_gets_no_row(submit, mailoutbox):
    submit(email="")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_writing_the_same_cause_twice_owes_one_message():
    applicant = ApplicantFactory(email="ana@example.org")
    with transaction.atomic():
        for _ in range(2):
            services.notify_resident(
                applicant=applicant,
                destinations=[("email", "ana@example.org")],
                kind="renewal",
                cause="renewal:1",
                language="en",
                render=lambda channel: ("Renew", "Time to renew."),
            )
    assert Notification.objects.count() == 1


def test_rows_are_written_marked_as_queued_and_a_second_call_publishes_the_unsent_again(
    django_capture_on_commit_callbacks, mailoutbox
):
    """The mark is written with the row (publishing on commit writes nothing more); a later
    call for the same cause writes nothing and publishes the row again, since it was never
    tried (publishing twice is harmless: the claim is conditional)."""
    applicant = ApplicantFactory(email="ana@example.org")

    def notify():
        return services.notify_resident(
            applicant=applicant,
            destinations=[("email", "ana@example.org")],
            kind="renewal",
            cause="renewal:3",
            language="en",
            render=lambda channel: ("Renew", "Time to renew."),
        )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            [row] = notify()
        assert row.queued_for is not None
        assert Notification.objects.get().queued_for == row.queued_for
        with transaction.atomic():
            assert notify() == [row]
    assert len(callbacks) == 2 and Notification.objects.count() == 1
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_notify_resident_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside its cause's transaction"):
        services.notify_resident(
            applicant=ApplicantFactory(),
            destinations=[("email", "ana@example.org")],
            kind="renewal",
            cause="renewal:2",
            language="en",
            render=lambda channel: ("Renew", "Time to renew."),
        )


def test_broker_down_at_commit_leaves_the_row_to_the_sweeper(submit, mailoutbox, settings, caplog):
    """A closed port as broker: the submission still returns, the row waits unqueued, and
    one sweep sends it once the broker is back (here: eager again)."""
    original = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = "redis://127.0.0.1:9/0"
    try:
        submission = submit()
    finally:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.conf.broker_url, celery_app.conf.broker_write_url = original
        celery_app.conf.task_always_eager = True
    assert "notifications left to the sweeper" in caplog.text
    notification = Notification.objects.get(submission=submission)
    assert (notification.status, notification.queued_for) == ("pending", None)
    assert mailoutbox == []
    assert services.notifications_sweep() == {"released": 0, "queued": 1}
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [notification.message_id]
    assert services.notifications_sweep() == {"released": 0, "queued": 0}


class FlakySmtp(LocmemBackend):
    """Fails the first `failures` sends with the given SMTP error, then delivers."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection dropped")

    def send_messages(self, messages):
        if FlakySmtp.failures:
            FlakySmtp.failures -= 1
            raise FlakySmtp.error
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FlakySmtp"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    mail.outbox = []
    yield FlakySmtp
    FlakySmtp.failures = 0


def test_transient_smtp_errors_are_retried_with_backoff_then_sent(submit, flaky_smtp):
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPServerDisconnected("connection dropped")
    submission = submit()
    notification = Notification.objects.get(submission=submission)
    assert notification.status == "failed" and notification.attempts == 1
    assert "connection dropped" in notification.last_error
    assert notification.next_attempt_at > timezone.now()
    # Not due yet: a sweep leaves it alone; once due, a sweep sends it.
    assert services.notifications_sweep() == {"released": 0, "queued": 0}
    later = notification.next_attempt_at + timedelta(seconds=1)
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert services.notifications_sweep(now=later)["queued"] == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2
    assert len(mail.outbox) == 1


def test_a_refused_address_goes_dead_and_staff_retry_sends_it(
    submit, flaky_smtp, admin_user, django_capture_on_commit_callbacks
):
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"no such user")})
    notification = Notification.objects.get(submission=submit())
    assert notification.status == "dead" and notification.attempts == 1
    assert "permanent" in notification.events.get(action="dead").message

    with django_capture_on_commit_callbacks(execute=True):
        services.notification_retry(notification=notification, acting_user=admin_user)
    notification.refresh_from_db()
    assert notification.status == "sent" and len(mail.outbox) == 1
    retried = notification.events.get(action="retried")
    assert retried.acting_user == admin_user and retried.from_status == "dead"


def test_resolve_and_its_refusals_are_audited(submit, flaky_smtp, admin_user):
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPDataError(554, b"rejected")
    notification = Notification.objects.get(submission=submit())
    services.notification_resolve(notification=notification, acting_user=admin_user, note="phoned")
    notification.refresh_from_db()
    assert notification.status == "resolved"
    event = notification.events.get(action="resolved")
    assert (event.acting_user, event.message) == (admin_user, "phoned")
    with pytest.raises(services.InvalidNotificationTransition):
        services.notification_retry(notification=notification, acting_user=admin_user)


def test_a_stale_claim_loses_so_two_workers_send_once(mailoutbox):
    notification = Notification.objects.create(
        cause_key="renewal:3:email", kind="renewal", channel="email", address="b@example.org",
        subject="Renew", body="Time to renew.", applicant=ApplicantFactory(),
    )  # fmt: skip
    stale = Notification.objects.get(pk=notification.pk)  # what a second worker read
    assert services.notification_attempt(notification_id=notification.pk) == "sent"
    assert services._claim(stale, now=timezone.now()) is False
    assert services.notification_attempt(notification_id=notification.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_the_sweeper_releases_a_row_whose_worker_died(submit, mailoutbox, settings):
    notification = Notification.objects.get(submission=submit())
    mailoutbox.clear()
    # As a worker killed mid-send leaves it: claimed, never finished.
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(seconds=40), sent_at=None
    )
    assert settings.NOTIFICATION_STUCK_AFTER_SECONDS == 35  # the default
    result = services.notifications_sweep()
    assert result == {"released": 1, "queued": 1}
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [notification.message_id]
    assert notification.events.filter(action="released").count() == 1


def test_text_messages_go_through_the_configured_backend(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    applicant = ApplicantFactory()
    with transaction.atomic():
        notification = Notification.objects.create(
            cause_key="status:9:sms", kind="status", channel="sms", address="+12065550100",
            body="Your application A-1: Approved", applicant=applicant,
        )  # fmt: skip
    assert services.notification_attempt(notification_id=notification.pk) == "sent"
    assert services.notification_attempt(notification_id=notification.pk) == "skipped"
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert [json.loads(line)["to"] for line in lines] == ["+12065550100"]
    assert json.loads(lines[0])["message_id"] == notification.message_id


def test_an_unknown_sms_backend_is_a_dead_row_not_a_crash(settings):
    settings.SMS_BACKEND = "notifications.sms.NoSuchBackend"
    notification = Notification.objects.create(
        cause_key="status:10:sms", kind="status", channel="sms", address="+12065550100",
        body="x", applicant=ApplicantFactory(),
    )  # fmt: skip
    assert services.notification_attempt(notification_id=notification.pk) == "dead"
    assert "Unexpected error" in Notification.objects.get(pk=notification.pk).last_error


def test_destinations_follow_the_residents_chosen_way_of_contact():
    from applicants.contact import notification_destinations
    from applicants.models import Answer

    assert notification_destinations(ApplicantFactory(email="x@example.org")) == [
        ("email", "x@example.org")
    ]
    assert notification_destinations(ApplicantFactory(email="")) == []
    texter = ApplicantFactory(email="x@example.org")
    Answer.objects.create(applicant=texter, question_key="contact.preference", value="text")
    Answer.objects.create(applicant=texter, question_key="contact.phone", value="2065550123")
    assert notification_destinations(texter) == [("sms", "2065550123")]
    silent = ApplicantFactory(email="x@example.org")
    Answer.objects.create(applicant=silent, question_key="contact.preference", value="none")
    assert notification_destinations(silent) == []


def test_events_are_append_only(submit):
    event = NotificationEvent.objects.filter(notification__submission=submit()).first()
    with pytest.raises(Exception, match="final"):
        NotificationEvent.objects.filter(pk=event.pk).update(message="x")


class LockProbe(LocmemBackend):
    """While sending, asks another connection to lock the notification and application
    rows without waiting: it fails if the sender holds either lock."""

    seen: list[str] = []

    def send_messages(self, messages):
        from django.db import connections

        def probe():
            try:
                with transaction.atomic():
                    Notification.objects.select_for_update(nowait=True).get(
                        pk=Notification.objects.order_by("-pk").values("pk")[:1]
                    )
                    from applicants.models import Application

                    list(Application.objects.select_for_update(nowait=True).all())
                LockProbe.seen.append("free")
            except Exception as error:
                LockProbe.seen.append(f"locked: {type(error).__name__}")
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(10)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_status_emails_are_sent_with_no_row_locked(settings, mailoutbox):
    from agencies.review.services import application_set_status
    from agencies.review.workflow import Status
    from tests.factories import ApplicationFactory

    settings.EMAIL_BACKEND = "tests.notifications.test_services.LockProbe"
    LockProbe.seen = []
    application = ApplicationFactory(submission__applicant__email="ana@example.org")
    application_set_status(
        application=application, status=Status.IN_REVIEW, note="", acting_user=None
    )
    assert LockProbe.seen == ["free"]
    assert connection.in_atomic_block is False
    notification = Notification.objects.get(application=application)
    assert notification.status == "sent" and notification.kind == "status"
    assert application.notifications.get().sent_at == notification.sent_at


def test_a_request_for_more_information_is_its_own_kind(mailoutbox, settings):
    from agencies.review.services import application_set_status
    from agencies.review.workflow import Status
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(submission__applicant__email="ana@example.org")
    for status in (Status.IN_REVIEW, Status.MORE_INFO_NEEDED):
        with transaction.atomic():
            application_set_status(
                application=application, status=status, note="need a pay stub", acting_user=None
            )
    kinds = list(
        Notification.objects.filter(application=application)
        .order_by("pk")
        .values_list("kind", "status")
    )
    # Inside the test's transaction nothing commits, so both still wait in the outbox.
    assert kinds == [("status", "pending"), ("info_request", "pending")]
    assert "need a pay stub" not in Notification.objects.last().body
    assert mailoutbox == []
