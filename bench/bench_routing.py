"""Routing benchmark: 1,000 submissions x 3 programs through the real broker and 2 worker
processes, against a no-op Celery task on the same broker in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiportal \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/bench_routing.py

It works in a scratch database (<name>_bench_routing, created and dropped here) and
purges the broker's queues first, so run it against a broker no live worker uses.
Options: --submissions N (1000), --workers N (2), --noop N (3000).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        sys.exit("bench_routing needs DATABASE_URL pointing at PostgreSQL.")
    name = parsed.path.lstrip("/") + "_bench_routing"
    return name, urlunparse(parsed._replace(path="/" + name))


def recreate_database(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    log_dir = ROOT / "test-artifacts"
    log_dir.mkdir(exist_ok=True)
    processes = []
    command = [
        sys.executable, "-m", "celery", "-A", "civiportal", "worker",
        "--concurrency", "1", "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--include", "bench.bench_tasks",
    ]  # fmt: skip
    for number in range(count):
        log = (log_dir / f"bench-routing-worker-{number}.log").open("w")
        hostname = f"bench-routing-{number}-{os.getpid()}@localhost"
        processes.append(
            subprocess.Popen(
                [*command, "--hostname", hostname],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return processes


def wait_ready(app, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    sys.exit("workers did not start; see test-artifacts/bench-routing-worker-*.log")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noop", type=int, default=3000)
    args = parser.parse_args()

    admin_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not admin_url or not broker_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).")
    name, scratch_url = scratch_database(admin_url)
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiportal.settings")

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone

    from agencies.models import Agency, Delivery
    from agencies.services import deliveries_create_for_submission
    from applicants.models import Applicant, Application, Submission, new_reference
    from bench.bench_tasks import COUNTER_KEY, noop
    from civiportal.celery import app
    from programs.models import Program, ProgramVersion

    workers: list[subprocess.Popen] = []
    try:
        call_command("migrate", verbosity=0)
        app.control.purge()
        workers = start_workers(args.workers, {**os.environ, "DATABASE_URL": scratch_url})
        wait_ready(app, args.workers)

        programs = []
        for number in range(3):
            agency = Agency.objects.create(name=f"Bench agency {number}", slug=f"bench-{number}")
            program = Program.objects.create(
                slug=f"bench-program-{number}", name=f"Bench {number}", agency=agency, summary="-"
            )
            version = ProgramVersion.objects.create(
                program=program, number=1, status=ProgramVersion.Status.PUBLISHED
            )
            programs.append((program, version))

        committed_at: dict[int, object] = {}
        started = time.perf_counter()
        for number in range(args.submissions):
            with transaction.atomic():
                applicant = Applicant.objects.create(email=f"bench{number}@example.org")
                submission = Submission.objects.create(
                    applicant=applicant, submit_token=f"bench-{number}"
                )
                Application.objects.bulk_create(
                    [
                        Application(
                            submission=submission,
                            program=program,
                            program_version=version,
                            reference=new_reference("APP"),
                            answers={"household.size": 3, "income.monthly_gross": 250000},
                        )
                        for program, version in programs
                    ]
                )
                deliveries_create_for_submission(submission=submission)
            committed_at[submission.pk] = timezone.now()
        submitted = time.perf_counter() - started
        total = args.submissions * 3
        while Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() < total:
            if time.perf_counter() - started > 600:
                sys.exit("deliveries did not finish within 10 minutes")
            time.sleep(0.2)
        rows = list(Delivery.objects.values_list("application__submission_id", "delivered_at"))
        first_commit = min(committed_at.values())
        last_delivered = max(delivered for _, delivered in rows)
        routing_seconds = (last_delivered - first_commit).total_seconds()
        latencies = [
            (delivered - committed_at[submission_id]).total_seconds() * 1000
            for submission_id, delivered in rows
        ]
        rate = total / routing_seconds

        counter = redis.Redis.from_url(broker_url)
        counter.delete(COUNTER_KEY)
        noop_started = time.perf_counter()
        for _ in range(args.noop):
            noop.delay()
        while int(counter.get(COUNTER_KEY) or 0) < args.noop:
            time.sleep(0.02)
        noop_rate = args.noop / (time.perf_counter() - noop_started)
        counter.delete(COUNTER_KEY)

        print(f"submissions: {args.submissions} x 3 programs, {args.workers} worker processes")
        print(f"submit: {args.submissions / submitted:.0f} submissions/s committed")
        print(f"routing: {total} deliveries in {routing_seconds:.1f} s = {rate:.0f} deliveries/s")
        print(
            f"commit-to-delivered: p50 {statistics.median(latencies):.0f} ms, "
            f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
        )
        print(f"no-op task: {noop_rate:.0f} tasks/s; routing/no-op ratio {rate / noop_rate:.2f}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        connections.close_all()
        recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    main()
