"""Routing in process (tasks eager): the outbox rows, channels, transitions, the sweeper,
and the admin. The real-worker fault tests are in test_routing_worker.py."""

import json
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import jsonschema
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.routing import attempts, services, sweeps
from agencies.routing.channels import webhook
from agencies.routing.models import (
    AgencyChannel,
    AgencyQueueItem,
    Delivery,
    DeliveryEvent,
    InvalidDeliveryTransition,
)
from applicants.models import Submission
from applicants.services import answers_save
from applicants.signals import submission_created
from applicants.submission import submission_create
from civiportal.append_only import AppendOnlyError
from tests.agencies.conftest import WEBHOOK_SECRET, submit, webhook_channel
from tests.applicants import conftest as applicant_fixtures
from tests.applicants.test_after_submitting import PROFILE
from tests.factories import AgencyFactory, ApplicantFactory, ProgramFactory, UserFactory

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "agencies" / "routing" / "webhook_schema.json"
    ).read_text()
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_agencies():
    return [ProgramFactory(agency=AgencyFactory()) for _ in range(3)]


def test_outbox_rows_are_written_with_the_submission(
    three_agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submit(three_agencies)
    deliveries = Delivery.objects.filter(application__submission=submission)
    assert deliveries.count() == 3
    assert {d.status for d in deliveries} == {Delivery.Status.PENDING}
    # No agency had a channel: each got the internal queue, the default.
    assert {d.channel.kind for d in deliveries} == {AgencyChannel.Kind.INTERNAL}
    assert {d.agency_id for d in deliveries} == {p.agency_id for p in three_agencies}
    assert DeliveryEvent.objects.filter(action="created").count() == 3
    assert len(callbacks) == 1, "routing is queued once, on commit"


def test_rolled_back_submission_leaves_no_delivery_and_queues_nothing(
    three_agencies, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(three_agencies)
        raise RuntimeError("the submission failed after the deliveries were written")
    assert not Delivery.objects.exists()
    assert callbacks == []


def test_each_active_channel_gets_a_delivery(django_capture_on_commit_callbacks):
    program = ProgramFactory()
    AgencyChannel.objects.create(agency=program.agency, kind="internal")
    AgencyChannel.objects.create(agency=program.agency, kind="email")
    AgencyChannel.objects.create(
        agency=program.agency, kind="webhook", webhook_url="https://x.example/h", is_active=False
    )
    with django_capture_on_commit_callbacks(execute=False):
        submit([program])
    assert sorted(Delivery.objects.values_list("channel__kind", flat=True)) == [
        "email",
        "internal",
    ]


def test_internal_delivery_queues_the_application_once_however_often_it_runs(
    three_agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(three_agencies)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    for delivery in Delivery.objects.all():
        assert attempts.delivery_attempt(delivery_id=delivery.pk) == "skipped"
        # Even a row forced back to pending (a duplicate after a crash) queues nothing twice.
        Delivery.objects.filter(pk=delivery.pk).update(status="pending")
        assert attempts.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert AgencyQueueItem.objects.count() == 3
    assert set(AgencyQueueItem.objects.values_list("application__submission", flat=True)) == {
        submission.pk
    }
    events = list(
        DeliveryEvent.objects.filter(delivery__agency=three_agencies[0].agency).values_list(
            "action", "from_status", "to_status", "attempt", "message"
        )
    )
    # The internal queue's write commits with the delivered status: one event per attempt,
    # no "delivering" state anyone could see half done.
    assert events == [
        ("created", "", "pending", 0, ""),
        ("delivered", "pending", "delivered", 1, "queued"),
        ("delivered", "pending", "delivered", 2, "already queued"),
    ]


def test_one_internal_delivery_takes_a_handful_of_queries(
    three_agencies, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=False):
        submit(three_agencies)
    delivery = Delivery.objects.first()
    # Read; then in one transaction (a savepoint here, inside the test's): the claim
    # straight to delivered, the queue item, the audit event.
    with django_assert_num_queries(6):
        assert attempts.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, "")
    assert delivery.delivered_at is not None
    assert AgencyQueueItem.objects.get(application=delivery.application).delivery == delivery


def test_an_email_delivery_commits_its_claim_before_sending(
    settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    program = ProgramFactory()
    AgencyChannel.objects.create(agency=program.agency, kind="email", email="intake@city.gov")
    with django_capture_on_commit_callbacks(execute=False):
        submit([program])
    delivery = Delivery.objects.get()
    with django_assert_max_num_queries(10):
        assert attempts.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(mail.outbox) == 1
    assert list(delivery.events.values_list("action", "from_status", "to_status")) == [
        ("created", "", "pending"),
        ("claimed", "pending", "delivering"),
        ("delivered", "delivering", "delivered"),
    ]


def test_a_failing_atomic_channel_rolls_back_its_write_and_records_the_attempt(
    three_agencies, django_capture_on_commit_callbacks, monkeypatch
):
    from agencies.routing.channels import internal

    with django_capture_on_commit_callbacks(execute=False):
        submit(three_agencies[:1])
    delivery = Delivery.objects.get()

    def broken_send(delivery):
        AgencyQueueItem.objects.create(
            application_id=delivery.application_id, agency_id=delivery.agency_id
        )
        raise RuntimeError("bad data")

    monkeypatch.setattr(internal, "send", broken_send)
    assert attempts.delivery_attempt(delivery_id=delivery.pk) == "dead"
    assert not AgencyQueueItem.objects.exists()
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "Unexpected error: RuntimeError: bad data" in delivery.last_error
    assert list(delivery.events.values_list("action", flat=True)) == [
        "created",
        "claimed",
        "dead",
    ]


def test_a_delivery_claimed_by_another_worker_meanwhile_is_skipped(
    three_agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submit(three_agencies[:1])
    delivery = Delivery.objects.select_related("channel").get()
    # Another worker claimed the row between this one's read and its conditional UPDATE.
    Delivery.objects.filter(pk=delivery.pk).update(
        status="delivering", attempts=1, claim_token=uuid4()
    )
    assert not attempts._claim(delivery, now=timezone.now(), to_status="delivered")
    # Even back to pending with the same attempt count, a new claim token tells them apart.
    Delivery.objects.filter(pk=delivery.pk).update(status="pending", attempts=0)
    assert not attempts._claim(delivery, now=timezone.now(), to_status="delivered")
    assert not AgencyQueueItem.objects.exists()


def test_an_unknown_delivery_id_is_skipped_quietly():
    assert attempts.delivery_attempt(delivery_id=987654) == "skipped"


def test_webhook_payload_matches_the_published_schema_and_is_signed(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory()
    channel = AgencyChannel.objects.create(
        agency=program.agency, kind="webhook", webhook_url="https://x.example/h"
    )
    with django_capture_on_commit_callbacks(execute=False):
        submit([program])
    delivery = Delivery.objects.get(channel=channel)
    payload = webhook.build_payload(delivery)
    jsonschema.validate(payload, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert payload["delivery_id"] == str(delivery.idempotency_key)
    assert payload["application"]["answers"]["applicant.name"]["first"] == "Ana"
    body = webhook.encode(payload)
    header = webhook.sign(WEBHOOK_SECRET, 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert webhook.verify(WEBHOOK_SECRET, header, body, now=1_700_000_010)
    assert not webhook.verify(WEBHOOK_SECRET, header, body + b" ", now=1_700_000_010)
    assert not webhook.verify("other-secret", header, body, now=1_700_000_010)
    # A replayed request outside the tolerance window is refused.
    assert not webhook.verify(WEBHOOK_SECRET, header, body, now=1_700_000_000 + 301)
    assert not webhook.verify(WEBHOOK_SECRET, "garbage", body)


def test_webhook_4xx_is_permanent_and_5xx_is_retried(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_HTTP = True
    program = ProgramFactory()
    webhook_channel(program.agency, receiver)
    receiver.script = {1: 503, 2: 404}
    with django_capture_on_commit_callbacks(execute=True):
        submit([program])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert "HTTP 503" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert attempts.delivery_attempt(delivery_id=delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert "HTTP 404" in delivery.last_error
    assert "permanent" in delivery.events.last().message


def test_email_notice_holds_no_answers_and_links_to_the_admin(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://benefits.example.gov"
    program = ProgramFactory(name="Rent Relief")
    AgencyChannel.objects.create(agency=program.agency, kind="email", email="intake@city.gov")
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit([program])
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    application = submission.applications.get()
    assert message.to == ["intake@city.gov"]
    assert application.reference in message.subject
    assert "Rent Relief" in message.body
    assert "https://benefits.example.gov/admin/" in message.body
    assert "Díaz" not in message.body and "123" not in message.body.replace(
        application.reference, ""
    )
    assert (
        message.extra_headers["Message-ID"] == f"<{delivery.idempotency_key}@benefits.example.gov>"
    )


def test_retry_delay_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 10
    settings.DELIVERY_RETRY_MAX_SECONDS = 60
    for failed, full in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        delays = [attempts.retry_delay_seconds(attempts=failed) for _ in range(50)]
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(set(delays)) > 1


def test_transitions_are_enforced(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        submit([ProgramFactory()])
    delivery = Delivery.objects.get()
    assert delivery.status == "delivered"
    with pytest.raises(InvalidDeliveryTransition):
        services.delivery_retry(delivery=delivery, acting_user=user)
    with pytest.raises(InvalidDeliveryTransition):
        services.delivery_resolve(delivery=delivery, acting_user=user)
    event = delivery.events.first()
    event.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_sweeper_releases_stuck_rows_and_requeues_only_overdue_ones(
    settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_STUCK_AFTER_SECONDS = 600
    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=False):
        submit([ProgramFactory() for _ in range(4)])
    now = timezone.now()
    stuck, lost, queued, fresh = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=stuck.pk).update(
        status="delivering", attempts=1, claimed_at=now - timedelta(seconds=601)
    )
    # Never queued (broker down at commit): due now.
    Delivery.objects.filter(pk=lost.pk).update(queued_for=None)
    # Queued a minute ago: its message is probably still waiting in the broker.
    Delivery.objects.filter(pk=queued.pk).update(queued_for=now - timedelta(seconds=60))
    Delivery.objects.filter(pk=fresh.pk).update(
        status="failed", next_attempt_at=now + timedelta(seconds=60)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = sweeps.deliveries_sweep(now=now)
    assert result == {"released": 1, "queued": 2}
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses[stuck.pk] == "delivered"  # released, re-sent, delivered (eager)
    assert statuses[lost.pk] == "delivered"
    assert statuses[queued.pk] == "pending"
    assert statuses[fresh.pk] == "failed"
    assert DeliveryEvent.objects.filter(delivery=stuck, action="released").exists()


def test_a_stuck_row_out_of_attempts_goes_dead(settings, django_capture_on_commit_callbacks):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=False):
        submit([ProgramFactory()])
    Delivery.objects.update(
        status="delivering", attempts=3, claimed_at=timezone.now() - timedelta(hours=1)
    )
    sweeps.deliveries_sweep()
    delivery = Delivery.objects.get()
    assert delivery.status == "dead"
    assert "worker was lost" in delivery.last_error


@pytest.fixture
def dead_deliveries(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            submit([ProgramFactory()])
    Delivery.objects.update(status="dead", attempts=4, last_error="HTTP 500 from https://x")
    return list(Delivery.objects.all())


def test_admin_lists_dead_deliveries_with_a_bounded_number_of_queries(
    admin_client, dead_deliveries, django_assert_max_num_queries
):
    url = reverse("admin:agencies_delivery_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, {"status__exact": "dead", "channel__kind": "internal"})
    assert response.status_code == 200
    content = response.content.decode()
    for delivery in dead_deliveries:
        assert delivery.application.reference in content
    assert "HTTP 500 from https://x" in content
    for _ in range(5):
        submit([ProgramFactory()])
    Delivery.objects.update(status="dead")
    with django_assert_max_num_queries(12):
        assert admin_client.get(url, {"status__exact": "dead"}).status_code == 200


def test_admin_retry_now_and_mark_resolved_are_audited(
    admin_client, admin_user, dead_deliveries, django_capture_on_commit_callbacks
):
    url = reverse("admin:agencies_delivery_changelist")
    first, second, third = dead_deliveries
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "retry_now", "_selected_action": [first.pk, second.pk]}, follow=True
        )
    assert response.status_code == 200
    assert "2 deliveries queued again." in response.content.decode()
    first.refresh_from_db()
    assert first.status == "delivered"  # eager: the retry ran at once
    retried = first.events.get(action="retried")
    assert retried.acting_user == admin_user
    assert (retried.from_status, retried.to_status) == ("dead", "pending")

    response = admin_client.post(
        url, {"action": "mark_resolved", "_selected_action": [third.pk, first.pk]}, follow=True
    )
    content = response.content.decode()
    assert "1 delivery marked resolved." in content
    assert "Not changed" in content  # the delivered one
    third.refresh_from_db()
    assert third.status == "resolved"
    assert third.events.get(action="resolved").acting_user == admin_user


def test_admin_delivery_detail_shows_history(admin_client, dead_deliveries):
    delivery = dead_deliveries[0]
    response = admin_client.get(reverse("admin:agencies_delivery_change", args=[delivery.pk]))
    assert response.status_code == 200
    assert "History (append-only)" in response.content.decode()


def test_staff_without_membership_see_no_deliveries(client, dead_deliveries):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(user)
    response = client.get(reverse("admin:agencies_delivery_changelist"))
    assert response.status_code == 200
    assert dead_deliveries[0].application.reference not in response.content.decode()


def test_agency_admin_validates_webhook_channels(admin_client):
    agency = AgencyFactory()
    url = reverse("admin:organizations_agency_change", args=[agency.pk])
    prefix = "channels"
    data = {
        "name": agency.name,
        "slug": agency.slug,
        "contact_email": agency.contact_email,
        "website": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-kind": "webhook",
        f"{prefix}-0-is_active": "on",
        f"{prefix}-0-webhook_url": "",
        f"{prefix}-0-webhook_secret": "s3cret-s3cret",
        f"{prefix}-0-email": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A webhook channel needs the agency&#x27;s URL." in response.content.decode()
    assert not AgencyChannel.objects.exists()
    data[f"{prefix}-0-webhook_url"] = "https://agency.example.gov/civiportal"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert AgencyChannel.objects.get().webhook_url == "https://agency.example.gov/civiportal"


def test_each_message_lands_in_exactly_one_queue():
    """Queues bound under one routing key would each get a copy of every message."""
    from agencies.routing.tasks import deliver, route_submission
    from civiportal.celery import app as celery_app

    queues = ["celery", "routing", "deliveries.internal", "deliveries.webhook", "deliveries.email"]
    broker_url = celery_app.conf.broker_url or ""
    if not broker_url.startswith("redis://"):
        pytest.fail(
            f"This test needs the real Redis broker, got broker URL {broker_url!r}: set "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> (make test sets it)."
        )
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # Count through the app's own broker connection: the queues the messages were
    # published to, whatever Django's settings say now.
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        try:
            celery_app.control.purge(connection=connection)
            deliver.apply_async(args=[0], queue=services.delivery_queue(kind="webhook"))
            route_submission.delay(0)
            lengths = {name: client.llen(name) for name in queues}
        finally:
            celery_app.control.purge(connection=connection)
            celery_app.conf.task_always_eager = was_eager
    assert lengths == {
        "celery": 0,
        "routing": 1,
        "deliveries.internal": 0,
        "deliveries.webhook": 1,
        "deliveries.email": 0,
    }


demo_programs = applicant_fixtures.demo_programs


def test_submitting_writes_the_outbox_rows_in_the_same_transaction(
    demo_programs, django_capture_on_commit_callbacks
):
    """submission_create reaches routing through applicants' signal, inside its own
    transaction: a failure after the outbox rows were written (here a later receiver that
    raises) takes the submission and its rows back together, and queues nothing."""
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values=PROFILE)
    program = demo_programs["basic-food"].program
    written_before_failure = []

    def fail_after_routing(sender, submission, **kwargs):
        written_before_failure.append(
            Delivery.objects.filter(application__submission=submission).count()
        )
        raise RuntimeError("a later step of the submission failed")

    submission_created.connect(fail_after_routing, dispatch_uid="test.fail_after_routing")
    try:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
        ):
            submission_create(applicant=applicant, programs=[program], submit_token="t-fail")
    finally:
        submission_created.disconnect(dispatch_uid="test.fail_after_routing")

    assert written_before_failure == [1]
    assert not Submission.objects.exists() and not Delivery.objects.exists()
    assert callbacks == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = submission_create(applicant=applicant, programs=[program], submit_token="t-ok")
    assert Delivery.objects.filter(application__submission=submission).count() == 1
    assert callbacks, "routing is queued on commit"
