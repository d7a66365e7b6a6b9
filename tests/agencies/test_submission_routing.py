"""One routing task per submission: its internal-queue deliveries claimed and delivered in
one transaction of bulk statements, the others sent to their channels' queues. The real
broker and worker versions of these guarantees are in test_routing_worker.py."""

from uuid import uuid4

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from agencies.routing import submission as submission_routing
from agencies.routing.channels import internal
from agencies.routing.models import AgencyChannel, AgencyQueueItem, Delivery, DeliveryEvent
from civiportal.celery import app as celery_app
from tests.agencies.conftest import submit
from tests.factories import AgencyFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def submit_quietly(programs, capture):
    """A committed submission whose routing message was not sent (the test runs it)."""
    with capture(execute=False):
        return submit(programs)


def internal_programs(count: int):
    return [ProgramFactory(agency=AgencyFactory()) for _ in range(count)]


def test_a_submission_is_delivered_to_every_internal_queue_in_one_pass(
    django_capture_on_commit_callbacks,
):
    submission = submit_quietly(internal_programs(3), django_capture_on_commit_callbacks)
    assert submission_routing.submission_route(submission_id=submission.pk) == {
        "delivered": 3,
        "queued": 0,
    }
    deliveries = list(Delivery.objects.filter(application__submission=submission))
    assert {(d.status, d.attempts, d.last_error) for d in deliveries} == {("delivered", 1, "")}
    assert all(d.delivered_at and d.claim_token for d in deliveries)
    assert len({d.claim_token for d in deliveries}) == 3, "every claim writes its own token"
    items = AgencyQueueItem.objects.filter(application__submission=submission)
    assert sorted(items.values_list("delivery", flat=True)) == sorted(d.pk for d in deliveries)
    assert {(item.agency_id, item.application_id) for item in items} == {
        (d.agency_id, d.application_id) for d in deliveries
    }
    for delivery in deliveries:
        assert list(
            delivery.events.values_list("action", "from_status", "to_status", "attempt", "message")
        ) == [("created", "", "pending", 0, ""), ("delivered", "pending", "delivered", 1, "queued")]


def queries_to_route(programs, capture) -> int:
    submission = submit_quietly(programs, capture)
    with CaptureQueriesContext(connection) as queries:
        result = submission_routing.submission_route(submission_id=submission.pk)
    assert result == {"delivered": len(programs), "queued": 0}
    return len(queries)


def test_routing_takes_the_same_statements_for_one_application_or_six(
    django_capture_on_commit_callbacks,
):
    one = queries_to_route(internal_programs(1), django_capture_on_commit_callbacks)
    six = queries_to_route(internal_programs(6), django_capture_on_commit_callbacks)
    # The read; then (a savepoint here, inside the test's transaction) the claim, the queue
    # items and the audit events, each one statement for all rows.
    assert one == six == 6


def test_a_second_run_or_a_duplicated_message_changes_nothing(
    django_capture_on_commit_callbacks,
):
    submission = submit_quietly(internal_programs(2), django_capture_on_commit_callbacks)
    submission_routing.submission_route(submission_id=submission.pk)
    assert submission_routing.submission_route(submission_id=submission.pk) == {
        "delivered": 0,
        "queued": 0,
    }
    assert AgencyQueueItem.objects.count() == 2
    assert DeliveryEvent.objects.filter(action="delivered").count() == 2
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_row_another_worker_claimed_after_the_read_is_left_to_it(
    django_capture_on_commit_callbacks,
):
    submit_quietly(internal_programs(2), django_capture_on_commit_callbacks)
    first, second = Delivery.objects.order_by("pk")
    seen = [
        submission_routing._Seen(row.pk, row.status, row.attempts, row.claim_token)
        for row in (first, second)
    ]
    # Between this worker's read and its claim, another claimed the first row and gave it
    # back (same status and attempt count): only the claim token tells them apart.
    other_token = uuid4()
    Delivery.objects.filter(pk=first.pk).update(claim_token=other_token)
    assert submission_routing.internal_deliver_many(seen) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts, first.claim_token) == ("pending", 0, other_token)
    assert list(AgencyQueueItem.objects.values_list("delivery", flat=True)) == [second.pk]
    assert not first.events.filter(action="delivered").exists()


def test_a_row_already_queued_by_a_lost_attempt_is_noted_so(
    django_capture_on_commit_callbacks,
):
    submission = submit_quietly(internal_programs(1), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    # A queue item from an earlier attempt whose status update was lost (a restore).
    AgencyQueueItem.objects.create(agency=delivery.agency, application=delivery.application)
    assert submission_routing.submission_route(submission_id=submission.pk)["delivered"] == 1
    assert delivery.events.get(action="delivered").message == "already queued"
    assert AgencyQueueItem.objects.count() == 1


def test_a_failing_batch_rolls_back_and_records_each_attempt(
    django_capture_on_commit_callbacks, monkeypatch
):
    submission = submit_quietly(internal_programs(2), django_capture_on_commit_callbacks)

    def broken_send_many(deliveries):
        for delivery in deliveries:
            AgencyQueueItem.objects.create(
                application_id=delivery.application_id, agency_id=delivery.agency_id
            )
        raise RuntimeError("bad data")

    monkeypatch.setattr(internal, "send_many", broken_send_many)
    assert submission_routing.submission_route(submission_id=submission.pk) == {
        "delivered": 0,
        "queued": 0,
    }
    assert not AgencyQueueItem.objects.exists()
    for delivery in Delivery.objects.all():
        assert (delivery.status, delivery.attempts) == ("dead", 1)
        assert "Unexpected error: RuntimeError: bad data" in delivery.last_error
        assert list(delivery.events.values_list("action", flat=True)) == [
            "created",
            "claimed",
            "dead",
        ]


def test_a_row_waiting_for_its_retry_is_not_claimed_early(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    submission = submit_quietly(internal_programs(1), django_capture_on_commit_callbacks)
    Delivery.objects.update(status="failed", next_attempt_at=timezone.now() + timedelta(hours=1))
    assert submission_routing.submission_route(submission_id=submission.pk) == {
        "delivered": 0,
        "queued": 0,
    }
    assert Delivery.objects.get().status == "failed"


def test_webhook_and_email_deliveries_stay_on_their_own_queues(
    real_broker, django_capture_on_commit_callbacks
):
    internal_program, hooked, emailed = internal_programs(3)
    AgencyChannel.objects.create(
        agency=hooked.agency, kind="webhook", webhook_url="https://agency.example.gov/in"
    )
    AgencyChannel.objects.create(agency=emailed.agency, kind="email", email="in@city.gov")
    submission = submit_quietly(
        [internal_program, hooked, emailed], django_capture_on_commit_callbacks
    )
    assert submission_routing.submission_route(submission_id=submission.pk) == {
        "delivered": 1,
        "queued": 2,
    }
    with celery_app.connection_for_write() as broker:
        client = broker.default_channel.client
        lengths = {
            kind: client.llen(f"deliveries.{kind}") for kind in ("internal", "webhook", "email")
        }
    assert lengths == {"internal": 0, "webhook": 1, "email": 1}
    statuses = dict(Delivery.objects.values_list("channel__kind", "status"))
    assert statuses == {"internal": "delivered", "webhook": "pending", "email": "pending"}
    assert Delivery.objects.filter(channel__kind="webhook", queued_for__isnull=False).exists()


def test_a_database_without_the_batch_claim_delivers_row_by_row(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # The embedded demo runs on SQLite, which has no UPDATE … FROM (VALUES …::uuid): each
    # row gets its ordinary attempt, with no failed batch logged first.
    submission = submit_quietly(internal_programs(2), django_capture_on_commit_callbacks)
    monkeypatch.setattr(type(connections["default"]), "vendor", "sqlite")
    with CaptureQueriesContext(connection) as captured:
        routed = submission_routing.submission_route(submission_id=submission.pk)
    assert routed == {"delivered": 2, "queued": 0}
    assert not any("FROM (VALUES" in query["sql"] for query in captured.captured_queries)
    assert "Batch delivery failed" not in caplog.text
    assert AgencyQueueItem.objects.count() == 2
    assert DeliveryEvent.objects.filter(action="delivered").count() == 2
