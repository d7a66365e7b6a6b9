"""Every task the code sends is registered with a worker started by the project's own
command line (`celery -A civiportal worker`, as `make worker` and docker-compose run it),
and the batch PDF export runs end to end through such a worker.

A task module that the worker never imports is not an error anywhere else: the worker
logs "Received unregistered task ... discarded" and the work waits for ever."""

import importlib
import io
import pkgutil
import zipfile

import pytest
from django.conf import settings

from agencies.exports.models import BatchExport
from agencies.exports.selection import ExportRange
from agencies.exports.services import batch_export_request
from civiportal.celery import app as celery_app
from tests.agencies.review_support import make_application, world  # noqa: F401  (fixture)
from tests.waiting import wait_for

PROJECT_PACKAGES = ["agencies", "applicants", "civiportal", "eligibility", "notifications",
                    "organizations",
                    "programs"]  # fmt: skip


def tasks_in_code() -> set[str]:
    """The name of every task defined in the project's modules, and of every task beat
    sends: importing each module registers its tasks with this process's app."""
    for package in PROJECT_PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    defined = {name for name in celery_app.tasks if not name.startswith("celery.")}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    return defined | scheduled


def registered_on(worker) -> set[str]:
    replies = celery_app.control.inspect(destination=[worker.hostname], timeout=5).registered()
    assert replies and worker.hostname in replies, f"no answer from {worker.hostname}"
    return {entry.split()[0] for entry in replies[worker.hostname]}


def test_every_task_the_code_sends_is_registered_with_the_worker(celery_worker):
    expected = tasks_in_code()
    # What this suite relies on below, so an empty scan cannot pass.
    assert {
        "agencies.export_tasks.build_batch_export",
        "agencies.tasks.deliver",
        "notifications.tasks.send_notification",
        "notifications.tasks.sweep_notifications",
    } <= expected
    missing = expected - registered_on(celery_worker)
    assert not missing, f"the worker would discard these tasks: {sorted(missing)}"


@pytest.fixture
def media_worker(celery_worker, tmp_path, settings):
    """The worker restarted with MEDIA_ROOT in a temp dir shared with this process."""
    settings.MEDIA_ROOT = tmp_path
    celery_worker.stop()
    celery_worker.env = {"MEDIA_ROOT": str(tmp_path)}
    celery_worker.start()
    return celery_worker


def test_batch_pdf_export_runs_end_to_end_through_the_worker(media_worker, world):  # noqa: F811
    second = make_application(world.program_a, world.version_a, email="second@example.org")
    batch = batch_export_request(
        user=world.supervisor_a, export_range=ExportRange(program=world.program_a)
    )

    def finished():
        batch.refresh_from_db()
        return batch.status in (BatchExport.Status.READY, BatchExport.Status.FAILED)

    wait_for(finished, timeout=60)
    assert batch.status == BatchExport.Status.READY, batch.error
    assert (batch.done, batch.total) == (2, 2)
    log = media_worker.log_path.read_text(errors="replace")
    assert "build_batch_export" in log and "unregistered" not in log
    from django.core.files.storage import default_storage

    with default_storage.open(batch.file_path) as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 2
    assert any(world.app_a.reference in name for name in names)
    assert any(second.reference in name for name in names)


def test_the_compose_workers_consume_every_queue_tasks_are_sent_to():
    """A queue no deployed worker consumes is an unregistered task by another name."""
    import re
    from pathlib import Path

    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    consumed = {
        queue
        for match in re.finditer(r"celery -A civiportal worker .*-Q (\S+)", compose)
        for queue in match.group(1).split(",")
    }
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    routed |= {entry["options"]["queue"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if "queue" in entry.get("options", {})}  # fmt: skip
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert {"sweeps", "notifications", "routing"} <= routed
    assert routed | declared <= consumed, sorted((routed | declared) - consumed)


def test_fire_and_forget_tasks_keep_no_result():
    """Only the health check and the connection probe are waited on; a stored result is a
    Redis write per task for nothing, and a publish that also waits on the result backend
    in an outage."""
    keeping = {
        name
        for name in tasks_in_code()
        if name in celery_app.tasks and not celery_app.tasks[name].ignore_result
    }
    assert keeping == {"civiportal.ping", "civiportal.database_backend"}
