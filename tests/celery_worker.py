"""A real Celery worker process, consuming from the real Redis broker and writing to the
test database, for integration tests of anything that runs in tasks."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from civiportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


# PDF renders take seconds of CPU each (tens of seconds on a loaded machine): as in docker
# compose, where `pdf-worker` alone consumes them, a test worker leaves them to a worker of
# their own (the `pdf_worker` fixture), so deliveries and messages never wait behind them.
PDF_QUEUE = "pdfs"


def default_queues() -> str:
    """Every queue but the PDF renders': what compose's `worker` and `webhook-worker` take."""
    return ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES if queue.name != PDF_QUEUE)


class WorkerProcess:
    def __init__(
        self,
        hostname: str,
        queues: str | None = None,
        concurrency: int = 1,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
    ):
        self.hostname = hostname
        self.queues = queues
        self.concurrency = concurrency
        # Settings read from the environment at startup (broker, email backend, ...).
        self.env = env or {}
        self.args = args
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "test-artifacts" / f"worker-{hostname.split('@')[0]}.log"

    def start(self, timeout: float = 30) -> None:
        self.log_path.parent.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DJANGO_SETTINGS_MODULE": "civiportal.settings",
            **self.env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "civiportal", "worker",
            "--hostname", self.hostname, "--pool", "prefork",
            "--concurrency", str(self.concurrency), "--loglevel", "INFO",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        command += ["--queues", self.queues or default_queues()]
        command += list(self.args)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            if "ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready after {timeout}s; see {self.log_path}")

    def pids(self) -> list[int]:
        """The worker's main process and its pool processes, children first."""
        if not self.process:
            return []

        def children(pid: int) -> list[int]:
            try:
                listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                return []
            return [grandchild for child in map(int, listed) for grandchild in children(child)] + [
                int(child) for child in listed
            ]

        return [*children(self.process.pid), self.process.pid]

    def kill_hard(self) -> None:
        """SIGKILL the main process and every pool process at once, as a crashed machine
        or the OOM killer would: nothing gets to ack, reject or clean up."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def celery_worker(transactional_db, settings):
    """Start a worker for one test. Tests using it see committed data only, hence the
    transactional database."""
    was_eager = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    worker = WorkerProcess(hostname=f"test-worker-{os.getpid()}@localhost")
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = was_eager


@pytest.fixture
def pdf_worker(celery_worker):
    """Beside `celery_worker`, a worker for the background PDF renders only."""
    worker = WorkerProcess(hostname=f"test-pdf-worker-{os.getpid()}@localhost", queues=PDF_QUEUE)
    worker.start()
    yield worker
    worker.stop()
