"""With the broker down, a resident submits in the browser and sees the confirmation page
at once (no 500); when the broker is back, the confirmation email goes out exactly once.

The broker is a redis-server of this test's own on a private port (never the shared
one), started without persistence, so restarting it also loses anything queued before.
"""

import contextlib
import os

import pytest

from agencies.routing.models import Delivery
from applicants.models import Submission
from civiportal.celery import app as celery_app
from notifications.models import Notification
from tests.browser.support import follow, path, skip_to_main
from tests.browser.test_resident_journeys import answer_intake, choose_and_submit
from tests.celery_worker import WorkerProcess
from tests.notifications.support import PrivateRedis, message_ids
from tests.waiting import wait_for


@contextlib.contextmanager
def publishing_to(url: str):
    """Point this process's producers (the live server's requests) at `url`."""

    def drop_producer_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    original = (
        celery_app.conf.broker_url,
        celery_app.conf.broker_write_url,
        celery_app.conf.task_always_eager,
    )
    drop_producer_pools()
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        drop_producer_pools()
        (
            celery_app.conf.broker_url,
            celery_app.conf.broker_write_url,
            celery_app.conf.task_always_eager,
        ) = original


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def portal(browser, live_server, transactional_db, private_redis):
    """The portal with the demo programs, publishing to the private broker (no worker)."""
    from applicants import intake
    from programs.demo import demo_programs_load

    intake.clear_cache()
    demo_programs_load()
    with publishing_to(private_redis.url):
        yield live_server
    intake.clear_cache()


def test_resident_submits_while_redis_is_down_and_is_emailed_once_it_is_back(
    journeys, private_redis, tmp_path, caplog
):
    private_redis.stop()  # the broker goes down before the resident submits

    journey = journeys("resident-broker-down")
    page = journey.page
    page.goto("/apply/")
    skip_to_main(page)
    follow(page, "Start now")
    answer_intake(journey, lang="en", add_child=True)
    reference = choose_and_submit(journey, lang="en")  # the confirmation page, then "mine"

    submission = Submission.objects.get(reference=reference)
    notification = Notification.objects.get(submission=submission, kind="confirmation")
    # Publishing is tried after the response is sent (civiportal/after_response.py): the
    # live server may still be at it while the browser shows the confirmation.
    wait_for(lambda: Notification.objects.get(pk=notification.pk).queued_for is None, 10)
    notification.refresh_from_db()
    assert notification.status == "pending"
    assert notification.address == "ana@example.org"
    assert "notifications left to the sweeper" in caplog.text

    # The broker returns (empty: nothing queued survived), and with it a worker running
    # beat at the default settings: the sweeper finds the row and sends it.
    private_redis.start()
    mail_dir = tmp_path / "mail"
    worker = WorkerProcess(
        hostname=f"test-worker-outage-{os.getpid()}@localhost",
        env={
            "CELERY_BROKER_URL": private_redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
        args=("--beat", "--schedule", str(tmp_path / "beat-schedule")),
    )
    worker.start()
    try:
        wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent", 60)
        wait_for(
            lambda: (
                Delivery.objects.filter(
                    application__submission=submission, status="delivered"
                ).count()
                == 3
            ),
            60,
        )
        # Two more sweeps: nothing is sent again.
        beat_log = worker.log_path
        sweeps = beat_log.read_text(errors="replace").count("sweep_notifications[")
        wait_for(
            lambda: (
                beat_log.read_text(errors="replace").count("sweep_notifications[") >= sweeps + 4
            ),
            40,
        )
    finally:
        worker.stop()
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert message_ids(mail_dir) == [notification.message_id]
    assert path(page) == "/my/applications/"
