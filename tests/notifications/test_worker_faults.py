"""Resident notifications through real worker processes and the real Redis broker: a
worker killed in the middle of sending a confirmation, recovered at default settings; a
sign-up while the mail server is down."""

import os
import re
import time

from agencies.routing.models import Delivery
from notifications.models import Notification
from tests.celery_worker import WorkerProcess
from tests.notifications.support import message_bodies, message_ids
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


def test_sign_up_while_smtp_is_down_answers_and_emails_once_when_it_is_back(
    celery_worker, client, tmp_path
):
    """Real worker and beat, mail server refusing connections: the sign-up page answers
    as usual, the row is retried (by its countdown and the sweeper), and once the server
    is back the email goes out exactly once, with a link that works."""
    mail_dir, down = tmp_path / "mail", tmp_path / "smtp-down"
    down.touch()
    celery_worker.stop()
    celery_worker.env = {
        "EMAIL_BACKEND": "tests.notifications.support.DownWhileMarkedFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SMTP_DOWN_MARKER": str(down),
        "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
        "NOTIFICATION_RETRY_MAX_SECONDS": "1",
        "NOTIFICATION_SWEEP_INTERVAL_SECONDS": "1",
    }
    celery_worker.args = ("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    celery_worker.start()

    password = "a-long-unusual-passphrase-42"
    response = client.post(
        "/account/sign-up/",
        {"email": "new@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    wait_for(
        lambda: Notification.objects.filter(status="failed", attempts__gte=2).exists(),
        60,
        what="two failed attempts",
    )
    row = Notification.objects.get()
    assert row.kind == "sign_up_verify" and "Connection refused" in row.last_error
    assert message_ids(mail_dir) == []

    down.unlink()  # the mail server is back
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent", 60, what="sent")
    time.sleep(3)  # a few more sweeps: nothing is sent again
    row.refresh_from_db()
    assert message_ids(mail_dir) == [row.message_id] and row.attempts >= 3
    assert "/account/" not in row.body
    (body,) = message_bodies(mail_dir)
    link = re.search(r"https?://[^/\s]+(/account/sign-up/verify/\S+/)", body).group(1)
    assert client.get(link).status_code == 302
