"""Resident notifications through real worker processes and the real Redis broker: a
worker killed in the middle of sending a confirmation, recovered at default settings."""

import os
import time

from agencies.routing.models import Delivery
from notifications.models import Notification
from tests.celery_worker import WorkerProcess
from tests.notifications.support import message_ids
from tests.waiting import wait_for


def test_worker_killed_while_sending_a_confirmation_sends_it_once(celery_worker, submit, tmp_path):
    """SIGKILL of the whole worker mid-send leaves the row "sending" and its message
    unacknowledged in Redis for the visibility timeout (an hour). A new worker running
    beat at the default settings releases and re-sends it within 60 s, and the email
    goes out exactly once."""
    mail_dir, marker = tmp_path / "mail", tmp_path / "hanging"
    env = {
        "EMAIL_BACKEND": "tests.notifications.support.HangOnceFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "HANG_EMAIL_MARKER": str(marker),
    }
    celery_worker.stop()
    celery_worker.env = env
    celery_worker.start()

    submission = submit()
    notification = Notification.objects.get(submission=submission)
    wait_for(marker.exists, timeout=30)
    wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sending")
    celery_worker.kill_hard()
    killed_at = time.monotonic()
    assert message_ids(mail_dir) == []

    replacement = WorkerProcess(
        hostname=f"test-worker-beat-{os.getpid()}@localhost",
        env=env,
        args=("--beat", "--schedule", str(tmp_path / "beat-schedule")),
    )
    replacement.start()
    try:
        wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent", 60)
        recovered_after = time.monotonic() - killed_at
        # The deliveries the killed worker may have held recover the same way.
        wait_for(
            lambda: all(
                d.status == "delivered"
                for d in Delivery.objects.filter(application__submission=submission)
            ),
            60,
        )
    finally:
        replacement.stop()
    assert recovered_after < 60
    notification.refresh_from_db()
    assert message_ids(mail_dir) == [notification.message_id]
    assert notification.attempts == 2
    assert list(notification.events.values_list("action", flat=True)) == [
        "created", "claimed", "released", "claimed", "sent",
    ]  # fmt: skip
