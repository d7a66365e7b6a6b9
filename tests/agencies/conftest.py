"""Fixtures for routing tests: submissions built like `submission_create` builds them, a
webhook receiver on 127.0.0.1 that verifies signatures and dedupes by idempotency key as
docs/operations.md tells agencies to, and a worker configured for second-scale retries."""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from agencies.routing.channels import webhook
from agencies.routing.models import AgencyChannel, Delivery
from agencies.routing.services import deliveries_create_for_submission
from civiportal.celery import app as celery_app
from programs.models import ProgramVersion
from tests.factories import ApplicationFactory, ProgramVersionFactory, SubmissionFactory
from tests.waiting import wait_for

WEBHOOK_SECRET = "test-secret-0123456789abcdef"

# Read by the worker subprocess at startup (settings come from the environment).
FAST_ROUTING_ENV = {
    "DELIVERY_MAX_ATTEMPTS": "4",
    "DELIVERY_RETRY_BASE_SECONDS": "0.2",
    "DELIVERY_RETRY_MAX_SECONDS": "1",
    "WEBHOOK_TIMEOUT_SECONDS": "1",
    "WEBHOOK_ALLOW_HTTP": "1",
}


@pytest.fixture
def fast_routing(monkeypatch, settings):
    for name, value in FAST_ROUTING_ENV.items():
        monkeypatch.setenv(name, value)
    settings.DELIVERY_MAX_ATTEMPTS = 4
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.2
    settings.DELIVERY_RETRY_MAX_SECONDS = 1
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_ALLOW_HTTP = True
    return settings


@pytest.fixture
def routing_worker(fast_routing, celery_worker):
    """A real worker process (consuming every queue) with fast retries."""
    return celery_worker


@pytest.fixture
def real_broker():
    """Publish to this engineer's Redis database for real; nothing consumes it here."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True


def submit(programs) -> "object":
    """A submission with one application per program, committed together with its
    deliveries exactly as `applicants.submission.submission_create` does."""
    with transaction.atomic():
        submission = SubmissionFactory()
        for program in programs:
            version = ProgramVersionFactory(program=program, status=ProgramVersion.Status.PUBLISHED)
            ApplicationFactory(
                submission=submission,
                program=program,
                program_version=version,
                answers={"applicant.name": {"first": "Ana", "last": "Díaz"}, "ssn": "123"},
            )
        deliveries_create_for_submission(submission=submission)
    return submission


def wait_until_all(status: str, timeout: float = 20) -> list[Delivery]:
    def done():
        rows = list(Delivery.objects.all())
        return rows if rows and all(row.status == status for row in rows) else None

    try:
        return wait_for(done, timeout)
    except AssertionError:
        states = list(Delivery.objects.values_list("pk", "status", "attempts", "last_error"))
        raise AssertionError(f"not all {status} within {timeout}s: {states}") from None


class Receiver:
    """Scriptable agency endpoint. `script` maps the n-th request (1-based, over all
    requests) to a behaviour: an HTTP status, ("sleep", seconds) before answering 200, or
    ("block", event) to hold the request until the event is set."""

    def __init__(self, secret: str):
        self.secret = secret
        self.script: dict[int, object] = {}
        self.default_status = 200
        self.requests: list[dict] = []
        self.records: dict[str, dict] = {}
        self.bad_signatures = 0
        self.lock = threading.Lock()
        self.first_request = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/intake"

    def requests_per_key(self) -> Counter:
        return Counter(request["key"] for request in self.requests)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                valid = webhook.verify(
                    receiver.secret, self.headers["X-CiviPortal-Signature"], body
                )
                with receiver.lock:
                    number = len(receiver.requests) + 1
                    receiver.requests.append(
                        {"key": key, "delivery_header": self.headers["X-CiviPortal-Delivery"]}
                    )
                    behaviour = receiver.script.get(number, receiver.default_status)
                    if not valid:
                        receiver.bad_signatures += 1
                receiver.first_request.set()
                if not valid:
                    self._answer(401)
                    return
                if isinstance(behaviour, int) and behaviour >= 300:
                    self._answer(behaviour)
                    return
                # Record before answering: the agency has the application even if the
                # answer never reaches the sender. setdefault = dedupe by idempotency key.
                with receiver.lock:
                    receiver.records.setdefault(key, json.loads(body))
                if isinstance(behaviour, tuple) and behaviour[0] == "sleep":
                    time.sleep(behaviour[1])
                elif isinstance(behaviour, tuple) and behaviour[0] == "block":
                    behaviour[1].wait(30)
                self._answer(200)

            def _answer(self, status):
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (timeout) or died

        return Handler


@pytest.fixture
def receiver():
    server = Receiver(WEBHOOK_SECRET)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def webhook_channel(agency, receiver) -> AgencyChannel:
    return AgencyChannel.objects.create(
        agency=agency,
        kind=AgencyChannel.Kind.WEBHOOK,
        webhook_url=receiver.url,
        webhook_secret=receiver.secret,
    )
