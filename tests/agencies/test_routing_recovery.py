"""Recovery after a whole worker is SIGKILLed mid-delivery, at the default sweeper
settings, with nothing done by hand: a new worker running beat releases and re-sends the
delivery within a minute (docs/operations.md, "Recovery after a killed worker")."""

import os
import threading
import time

from django.conf import settings

from agencies.routing.models import Delivery
from tests.agencies.conftest import submit, webhook_channel
from tests.celery_worker import WorkerProcess
from tests.factories import AgencyFactory, ProgramFactory
from tests.waiting import wait_for


def test_a_killed_workers_delivery_is_sent_again_within_a_minute(
    routing_worker, receiver, tmp_path
):
    # The defaults, not shortened for the test.
    assert settings.DELIVERY_STUCK_AFTER_SECONDS == 35
    assert settings.DELIVERY_SWEEP_INTERVAL_SECONDS == 10
    release = threading.Event()
    receiver.script = {1: ("block", release)}
    program = ProgramFactory(agency=webhook_channel(AgencyFactory(), receiver).agency)
    submit([program])
    assert receiver.first_request.wait(15)
    routing_worker.kill_hard()
    killed_at = time.monotonic()
    release.set()
    delivery = Delivery.objects.get()
    assert delivery.status == "delivering"

    replacement = WorkerProcess(
        hostname=f"test-worker-recovery-{os.getpid()}@localhost",
        args=("--beat", "--schedule", str(tmp_path / "beat-schedule")),
    )
    replacement.start()
    try:
        wait_for(lambda: Delivery.objects.get().status == "delivered", timeout=60)
        recovered_after = time.monotonic() - killed_at
    finally:
        replacement.stop()
    assert recovered_after < 60
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert list(delivery.events.values_list("action", flat=True)) == [
        "created", "claimed", "released", "claimed", "delivered",
    ]  # fmt: skip
    # The agency saw the same key twice and, deduplicating, recorded it once.
    assert receiver.requests_per_key() == {str(delivery.idempotency_key): 2}
    assert list(receiver.records) == [str(delivery.idempotency_key)]
