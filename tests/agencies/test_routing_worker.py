"""Routing through the real Redis broker and real Celery worker processes: the happy path
and the faults that must delay delivery but never lose or duplicate it."""

import ast
import contextlib
import os
import re
import threading

from django.urls import reverse

from agencies.routing import services, sweeps
from agencies.routing.models import AgencyChannel, AgencyQueueItem, Delivery
from agencies.routing.tasks import deliver, route_submission
from civiportal.celery import app as celery_app
from tests.agencies.conftest import submit, wait_until_all, webhook_channel
from tests.celery_worker import WorkerProcess
from tests.factories import AgencyFactory, ProgramFactory
from tests.waiting import wait_for


def three_programs(receiver, *, email: bool = True):
    """Programs of three agencies: internal queue (the default), signed webhook, email."""
    internal = ProgramFactory(agency=AgencyFactory())
    hooked = ProgramFactory(agency=AgencyFactory())
    webhook_channel(hooked.agency, receiver)
    third = ProgramFactory(agency=AgencyFactory())
    if email:
        AgencyChannel.objects.create(agency=third.agency, kind="email")
    return [internal, hooked, third]


def webhook_delivery() -> Delivery:
    return Delivery.objects.get(channel__kind="webhook")


def assert_exactly_once_effect(receiver, submission):
    applications = list(submission.applications.all())
    queued = AgencyQueueItem.objects.filter(application__in=applications)
    internal_apps = Delivery.objects.filter(channel__kind="internal").values_list(
        "application", flat=True
    )
    assert sorted(queued.values_list("application", flat=True)) == sorted(internal_apps)
    webhook_keys = {str(key) for key in Delivery.objects.filter(channel__kind="webhook")
                    .values_list("idempotency_key", flat=True)}  # fmt: skip
    assert set(receiver.records) == webhook_keys
    assert receiver.bad_signatures == 0


def test_happy_path_delivers_each_application_once(routing_worker, receiver):
    submission = submit(three_programs(receiver))
    deliveries = wait_until_all("delivered")
    assert len(deliveries) == 3
    assert {d.channel.kind for d in deliveries} == {"internal", "webhook", "email"}
    assert all(d.attempts == 1 and d.delivered_at for d in deliveries)
    key = str(webhook_delivery().idempotency_key)
    assert receiver.requests_per_key() == {key: 1}
    assert receiver.requests[0]["delivery_header"] == key
    assert receiver.records[key]["application"]["submission_reference"] == submission.reference
    assert_exactly_once_effect(receiver, submission)


def test_webhook_500_twice_then_200(routing_worker, receiver):
    receiver.script = {1: 500, 2: 500}
    submission = submit(three_programs(receiver, email=False))
    wait_until_all("delivered")
    delivery = webhook_delivery()
    assert delivery.attempts == 3
    assert receiver.requests_per_key() == {str(delivery.idempotency_key): 3}
    assert list(delivery.events.values_list("action", flat=True)) == [
        "created", "claimed", "failed", "claimed", "failed", "claimed", "delivered",
    ]  # fmt: skip
    assert "HTTP 500" in delivery.events.filter(action="failed").first().message
    assert_exactly_once_effect(receiver, submission)


def test_webhook_timeout_is_retried(routing_worker, receiver):
    receiver.script = {1: ("sleep", 2.5)}  # longer than WEBHOOK_TIMEOUT_SECONDS=1
    submission = submit(three_programs(receiver, email=False))
    wait_until_all("delivered")
    delivery = webhook_delivery()
    assert delivery.attempts == 2
    assert "No answer" in delivery.events.get(action="failed").message
    # The agency got the body twice and, deduplicating by key, recorded it once.
    assert receiver.requests_per_key() == {str(delivery.idempotency_key): 2}
    assert_exactly_once_effect(receiver, submission)


def test_worker_killed_mid_delivery_then_a_new_worker(routing_worker, receiver, settings):
    release = threading.Event()
    receiver.script = {1: ("block", release)}
    submission = submit(three_programs(receiver, email=False))
    assert receiver.first_request.wait(15)
    routing_worker.kill_hard()
    release.set()
    assert webhook_delivery().status == "delivering"

    replacement = WorkerProcess(hostname=f"test-worker-b-{os.getpid()}@localhost")
    replacement.start()
    try:
        # What beat does every 30 s, with a stuck timeout short enough for a test.
        settings.DELIVERY_STUCK_AFTER_SECONDS = 0
        result = sweeps.deliveries_sweep()
        assert result["released"] == 1
        wait_until_all("delivered")
    finally:
        replacement.stop()
    delivery = webhook_delivery()
    assert delivery.attempts == 2
    assert delivery.events.filter(action="released").count() == 1
    assert receiver.requests_per_key() == {str(delivery.idempotency_key): 2}
    assert_exactly_once_effect(receiver, submission)


@contextlib.contextmanager
def broker_at(url: str):
    """Point the app's producers at another broker URL (a closed port = Redis down)."""

    def drop_producer_pools():
        # kombu keeps one pool per broker address; dropping the app's references makes
        # it pick (or create) the pool for the current broker_url on the next publish.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    original = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    drop_producer_pools()
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    try:
        yield
    finally:
        drop_producer_pools()
        celery_app.conf.broker_url, celery_app.conf.broker_write_url = original


def test_broker_down_at_submit_time(routing_worker, receiver, settings, caplog):
    with broker_at("redis://127.0.0.1:9/0"):
        submission = submit(three_programs(receiver))  # commits: the resident sees success
    assert "the sweeper will send it" in caplog.text
    deliveries = list(Delivery.objects.filter(application__submission=submission))
    assert len(deliveries) == 3
    assert {(d.status, d.queued_for) for d in deliveries} == {("pending", None)}
    assert receiver.requests == []

    settings.DELIVERY_REQUEUE_AFTER_SECONDS = 300
    assert sweeps.deliveries_sweep() == {"released": 0, "queued": 3}
    wait_until_all("delivered")
    # A second sweep finds nothing due.
    assert sweeps.deliveries_sweep() == {"released": 0, "queued": 0}
    assert all(d.attempts == 1 for d in Delivery.objects.all())
    assert_exactly_once_effect(receiver, submission)


def finished_tasks(workers, task: str) -> list[str]:
    pattern = re.compile(rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [^:]+: (.*)")
    return [
        match.group(1)
        for worker in workers
        for match in pattern.finditer(worker.log_path.read_text(errors="replace"))
    ]


def test_same_task_message_delivered_twice(routing_worker, receiver):
    second = WorkerProcess(hostname=f"test-worker-c-{os.getpid()}@localhost")
    second.start()
    workers = [routing_worker, second]
    try:
        with broker_at("redis://127.0.0.1:9/0"):
            submission = submit(three_programs(receiver))
        rows = list(Delivery.objects.values_list("pk", "channel__kind"))
        # Every message twice, one pair with the very same task id, plus a second fan-out,
        # consumed by two workers at once.
        for pk, kind in rows:
            queue = services.delivery_queue(kind=kind)
            deliver.apply_async(args=[pk], queue=queue, task_id=f"dup-{pk}")
            deliver.apply_async(args=[pk], queue=queue, task_id=f"dup-{pk}")
            deliver.apply_async(args=[pk], queue=queue)
        route_submission.delay(submission.pk)
        route_submission.delay(submission.pk)
        wait_for(lambda: len(finished_tasks(workers, "agencies.tasks.route_submission")) == 2)
        # A routing task delivers the internal row itself if no `deliver` got it first, and
        # sends a `deliver` for each webhook or email row still due (so maybe fewer than 2).
        routed = [
            ast.literal_eval(result)
            for result in finished_tasks(workers, "agencies.tasks.route_submission")
        ]
        expected = 3 * len(rows) + sum(result["queued"] for result in routed)
        wait_for(lambda: len(finished_tasks(workers, "agencies.tasks.deliver")) >= expected)
    finally:
        second.stop()
    results = finished_tasks(workers, "agencies.tasks.deliver")
    routed_delivered = sum(result["delivered"] for result in routed)
    assert routed_delivered <= 1, "only the internal row is delivered by routing"
    assert results.count("'delivered'") + routed_delivered == 3
    assert results.count("'skipped'") == expected - results.count("'delivered'")
    assert all(d.status == "delivered" and d.attempts == 1 for d in Delivery.objects.all())
    assert receiver.requests_per_key() == {str(webhook_delivery().idempotency_key): 1}
    assert_exactly_once_effect(receiver, submission)


def test_failing_delivery_goes_dead_and_admin_retry_delivers_it(
    routing_worker, receiver, admin_client
):
    receiver.default_status = 500
    submission = submit([ProgramFactory(agency=webhook_channel(AgencyFactory(), receiver).agency)])
    wait_until_all("dead")
    delivery = webhook_delivery()
    assert delivery.attempts == 4  # DELIVERY_MAX_ATTEMPTS
    assert len(receiver.requests) == 4
    assert "HTTP 500" in delivery.last_error

    changelist = reverse("admin:agencies_delivery_changelist")
    page = admin_client.get(changelist, {"status__exact": "dead"}).content.decode()
    assert delivery.application.reference in page
    assert "HTTP 500 from" in page

    receiver.default_status = 200
    response = admin_client.post(
        changelist, {"action": "retry_now", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    wait_until_all("delivered")
    delivery.refresh_from_db()
    assert delivery.attempts == 1  # a fresh round
    assert delivery.events.get(action="retried").acting_user.is_superuser
    assert len(receiver.requests) == 5
    assert_exactly_once_effect(receiver, submission)
