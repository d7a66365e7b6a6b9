"""Load test: simulated residents drive the portal, served by gunicorn on PostgreSQL with a
real Celery worker delivering their submissions (and another rendering their PDFs, on
the `pdfs` queue, as docker compose runs them), through catalog → start → intake →
results → apply (three programs, their own questions) → review → submit → confirmation,
for a fixed time; then a bare Django view on the same server, for comparison.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiportal \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/load_test.py

Everything runs on 127.0.0.1 in a scratch database (<name>_load_test, created, migrated,
loaded with the demo programs, and dropped at the end). The broker's queues are purged
first, so use a broker database no live worker uses. It stops by itself: each resident
thread starts no new request after --seconds, every request has a timeout, and the run
ends after --max-requests at the latest. Exit status 1 if any request failed or a
delivery did not complete.

Options: --residents N concurrent residents (8), --seconds S (60), --bare-seconds S (15),
--gunicorn-workers N (3), --celery-concurrency N (1), --max-requests N (200000),
--pdf-nice N (6: the PDF worker's niceness, as docker compose's `cpu_shares: 256`; 0 to
give it the same share as the web workers).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cpu_model, recreate_database, scratch_database  # noqa: E402

LOGS = ROOT / "test-artifacts"

# docker compose gives the PDF worker a quarter of a web container's CPU share
# (`cpu_shares`): on one machine, as here, that is a niceness of about 6.
PDF_WORKER_NICE = 6
CHOSEN = ["orca-lift", "recreation-scholarship", "energy-assistance"]
# What each resident types on the demo intake's steps, as form data.
INTAKE = {
    "about-you": {
        "applicant__name_0": "Ana",
        "applicant__name_1": "",
        "applicant__name_2": "Díaz",
        "applicant__birth_date_0": "4",
        "applicant__birth_date_1": "12",
        "applicant__birth_date_2": "1990",
    },
    "contact": {
        "contact__email": "ana@example.org",
        "contact__phone": "(206) 555-0100",
        "home__address_0": "100 Pine St",
        "home__address_1": "",
        "home__address_2": "Seattle",
        "home__address_3": "WA",
        "home__address_4": "98101",
    },
    "household": {"household__size": "3"},
    "household-members": {},
    "income": {"income__monthly_gross": "1,500"},
}
PROGRAM_ANSWERS = {
    "transit__has_orca_card": "no",
    "recreation__activities": "swim",
    "housing__tenure": "rent",
    "energy__heating_source": "electric",
    "energy__shutoff_notice": "no",
}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="submit_token" value="([^"]+)"')
FIELD_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([a-z_0-9]+)"')


class JourneyError(Exception):
    pass


class Stopped(Exception):
    """The run's time is up: the resident starts no new request."""


# --- a tiny HTTP client: one resident's cookies, manual redirects, timed per page ------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    submissions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def record(self, page: str, seconds: float) -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            self.requests += 1

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Resident:
    def __init__(self, host: str, port: int, stats: Stats, timeout: float, deadline: float):
        self.host, self.port, self.stats, self.timeout = host, port, stats, timeout
        self.deadline = deadline
        self.cookies: dict[str, str] = {}

    def request(self, page: str, method: str, path: str, data=None, expect=200):
        if time.monotonic() >= self.deadline:
            raise Stopped
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except OSError as error:
            raise JourneyError(f"{page}: {method} {path}: {error!r}") from error
        finally:
            connection.close()
        self.stats.record(page, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status != expect:
            raise JourneyError(
                f"{page}: {method} {path} answered {response.status}, expected {expect}: "
                + content[:300].decode(errors="replace")
            )
        location = response.headers.get("Location", "")
        return content.decode(), location

    def get(self, page, path):
        return self.request(page, "GET", path)[0]

    def post(self, page, path, html, data):
        match = CSRF_RE.search(html)
        if not match:
            raise JourneyError(f"{page}: no CSRF token in the form at {path}")
        _html, location = self.request(
            page, "POST", path, {**data, "csrfmiddlewaretoken": match.group(1)}, expect=302
        )
        return location

    def journey(self) -> None:
        """One resident, from the catalog to the confirmation of three applications."""
        self.get("catalog", "/programs/")
        self.get("start", "/apply/")
        _html, location = self.request("intake (resume)", "GET", "/apply/intake/", expect=302)
        for step, values in INTAKE.items():
            expected = f"/apply/intake/{step}/"
            if location != expected:
                raise JourneyError(f"intake went to {location!r}, expected {expected!r}")
            html = self.get("intake step GET", location)
            data = {f"{step}-{name}": value for name, value in values.items()}
            data["intake_wizard-current_step"] = step
            location = self.post("intake step POST", location, html, data)
        html = self.get("intake review GET", location)
        location = self.post(
            "intake review POST", location, html, {"intake_wizard-current_step": "review"}
        )
        if location != "/apply/results/":
            raise JourneyError(f"the intake ended at {location!r}, not the results")
        html = self.get("results GET", location)
        location = self.post("results POST (choose 3)", location, html, {"programs": CHOSEN})
        _html, location = self.request("questions (next)", "GET", location, expect=302)
        steps = 0
        while location.startswith("/apply/questions/"):
            steps += 1
            if steps > 10:
                raise JourneyError("the program questions never end")
            html = self.get("program questions GET", location)
            names = set(FIELD_RE.findall(html)) - {"csrfmiddlewaretoken"}
            answers = {n: PROGRAM_ANSWERS[n] for n in names if n in PROGRAM_ANSWERS}
            location = self.post("program questions POST", location, html, answers)
        if location != "/apply/review/":
            raise JourneyError(f"the questions ended at {location!r}, not the review")
        html = self.get("review GET", location)
        token = TOKEN_RE.search(html)
        if not token:
            raise JourneyError("no submit token on the review page")
        location = self.post("submit POST", location, html, {"submit_token": token.group(1)})
        if not location.startswith("/apply/submitted/"):
            raise JourneyError(f"submitting went to {location!r}")
        self.get("confirmation GET", location)
        with self.stats.lock:
            self.stats.submissions += 1


# --- the run ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer; see test-artifacts/load-gunicorn.log")


def drive(port, stats, *, threads, seconds, max_requests, timeout, work) -> float:
    """Run `work(resident)` in `threads` threads until `seconds` pass; returns the wall time."""
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline and stats.requests < max_requests:
            resident = Resident("127.0.0.1", port, stats, timeout, deadline)
            try:
                work(resident)
            except Stopped:
                return
            except JourneyError as error:
                stats.error(str(error))

    started = time.monotonic()
    pool = [threading.Thread(target=loop, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        # A request in flight at the deadline may take up to `timeout` more.
        thread.join(seconds + timeout * 3 + 30)
    return time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--bare-seconds", type=float, default=15)
    parser.add_argument("--gunicorn-workers", type=int, default=3, choices=range(1, 9))
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--pdf-nice",
        type=int,
        default=PDF_WORKER_NICE,
        help="niceness of the PDF worker (docker compose gives it a low CPU share)",
    )
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()

    admin_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not admin_url or not broker_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).")
    name, scratch_url = scratch_database(admin_url, suffix="load_test")
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = scratch_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "civiportal.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from agencies.routing.models import Delivery
    from civiportal.celery import app
    from programs.demo import demo_programs_load

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": scratch_url,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        # As deployed: no debug (which would also keep every query in memory).
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    LOGS.mkdir(exist_ok=True)
    server = None
    workers: list[subprocess.Popen] = []
    try:
        call_command("migrate", verbosity=0)
        demo_programs_load()
        app.control.purge()
        connections.close_all()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "civiportal.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", str(args.gunicorn_workers),
                "--timeout", "60", "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=(LOGS / "load-gunicorn.log").open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        # As docker compose runs them: PDF renders on a worker of their own.
        queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
        workers = [
            subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "civiportal", "worker",
                    "--concurrency", str(args.celery_concurrency), "--loglevel", "WARNING",
                    "--without-gossip", "--without-mingle", "-Q", ",".join(consumed),
                    "--hostname", f"load-{name}-{os.getpid()}@localhost",
                ],
                cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "civiportal.settings"},
                stdout=(LOGS / f"load-celery-{name}.log").open("w"), stderr=subprocess.STDOUT,
                preexec_fn=(lambda: os.nice(args.pdf_nice)) if name == "pdfs" else None,
            )
            for name, consumed in (
                ("main", [queue for queue in queues if queue != "pdfs"]), ("pdfs", ["pdfs"])
            )
        ]  # fmt: skip
        wait_http(port)

        # Warm every worker's caches (intake definition, compiled rules) before measuring.
        warm = Stats()
        drive(port, warm, threads=args.gunicorn_workers, seconds=10, max_requests=300,
              timeout=args.timeout, work=Resident.journey)  # fmt: skip
        if warm.errors:
            print("warm-up failed:", *warm.errors[:5], sep="\n  ")
            return 1

        warmed_deliveries = Delivery.objects.count()
        stats = Stats()
        probe = Stats()  # the bare view, one request every 0.5 s during the load

        def probe_loop(deadline):
            while time.monotonic() < deadline:
                try:
                    Resident("127.0.0.1", port, probe, args.timeout, deadline).get(
                        "bare", "/bench/bare"
                    )
                except Stopped:
                    return
                except JourneyError as error:
                    probe.error(str(error))
                time.sleep(0.5)

        prober = threading.Thread(
            target=probe_loop, args=(time.monotonic() + args.seconds,), daemon=True
        )
        prober.start()
        print(
            f"{args.residents} residents for {args.seconds:.0f} s "
            f"on {args.gunicorn_workers} gunicorn workers…"
        )
        wall = drive(port, stats, threads=args.residents, seconds=args.seconds,
                     max_requests=args.max_requests, timeout=args.timeout,
                     work=Resident.journey)  # fmt: skip
        prober.join(args.timeout + 5)

        bare = Stats()
        bare_wall = drive(port, bare, threads=args.residents, seconds=args.bare_seconds,
                          max_requests=args.max_requests, timeout=args.timeout,
                          work=lambda r: r.get("bare", "/bench/bare"))  # fmt: skip

        expected = Delivery.objects.count()
        drained_started = time.monotonic()
        deadline = drained_started + 120
        while time.monotonic() < deadline:
            delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
            if delivered >= expected:
                break
            time.sleep(0.5)
        drain = time.monotonic() - drained_started
        delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
        connections.close_all()
    finally:
        stop(server)
        for worker in workers:
            stop(worker)
        connections.close_all()
        recreate_database(admin_url, name, drop_only=True)

    report(args, stats, probe, bare, wall, bare_wall, expected, delivered, drain)
    print(f"deliveries of the measured run (the rest are warm-up): {expected - warmed_deliveries}")
    failed = stats.errors or probe.errors or bare.errors or delivered < expected
    return 1 if failed else 0


def report(args, stats, probe, bare, wall, bare_wall, expected, delivered, drain) -> None:
    bare_p50 = percentile(bare.latencies["bare"], 0.5) * 1000
    bare_rps = bare.requests / bare_wall
    total_rps = stats.requests / wall
    print()
    print(f"machine: nproc={os.cpu_count()}, CPU {cpu_model()}, Python {platform.python_version()}")
    print(
        f"run: {args.residents} residents, {wall:.1f} s, gunicorn {args.gunicorn_workers} "
        f"sync workers, celery concurrency {args.celery_concurrency}"
    )
    print()
    print("| page | requests | p50 ms | p95 ms | p99 ms | p50 x bare |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for page, values in stats.latencies.items():
        p50, p95, p99 = (percentile(values, f) * 1000 for f in (0.5, 0.95, 0.99))
        print(
            f"| {page} | {len(values)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {p50 / bare_p50:.0f} |"
        )
    values = bare.latencies["bare"]
    print(
        f"| bare Django view, alone ({args.residents} threads) | {len(values)} | {bare_p50:.1f} "
        f"| {percentile(values, 0.95) * 1000:.1f} | {percentile(values, 0.99) * 1000:.1f} | 1 |"
    )
    values = probe.latencies["bare"]
    if values:
        print(
            f"| bare Django view, during the load (every 0.5 s) | {len(values)} "
            f"| {percentile(values, 0.5) * 1000:.1f} | {percentile(values, 0.95) * 1000:.1f} "
            f"| {percentile(values, 0.99) * 1000:.1f} | "
            f"{percentile(values, 0.5) * 1000 / bare_p50:.0f} |"
        )
    print()
    print(f"residents' requests: {stats.requests} in {wall:.1f} s = {total_rps:.1f} requests/s")
    print(f"bare view alone: {bare.requests} in {bare_wall:.1f} s = {bare_rps:.1f} requests/s")
    print(f"throughput ratio (residents' pages / bare view): {total_rps / bare_rps:.3f}")
    print(f"journeys completed (3 applications each): {stats.submissions}")
    print(f"deliveries completed: {delivered} of {expected} (drained {drain:.1f} s after the load)")
    errors = stats.errors + probe.errors + bare.errors
    print(f"errors: {len(errors)}")
    for message in errors[:10]:
        print("  ", message)


if __name__ == "__main__":
    sys.exit(main())
