"""Routing benchmark: 1,000 submissions x 3 programs through the real broker and 2 worker
processes, against a no-op Celery task on the same broker and workers in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiportal \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/bench_routing.py

Three phases, each measured on its own (docs/benchmarks.md, "Routing"):

1. drain: with no worker running, the messages are queued (the no-op tasks; then, in a
   second round, the committed submissions); the workers start and drain them. The rate
   is counted from the first task done to the last (worker start-up excluded), for the
   no-op tasks and the deliveries alike, on the same workers, queues, prefetch and
   acks_late, so the ratio compares like with like.
2. paced: submissions arrive at --load (0.5) of the drained throughput, so nothing queues
   up; commit-to-delivered p50/p95 there is the time one delivery takes end to end.
3. burst: submissions committed as fast as one client can while the workers consume,
   the old single-phase figure: its latency includes any backlog that builds up.

It works in a scratch database (<name>_bench_routing, created and dropped here) and
purges the broker's queues first, so run it against a broker no live worker uses.
4. profile: with the workers stopped, --profile (200) more submissions are routed in
   process with every SQL statement timed (bench/routing_profile.py); against the
   worker's time per task from the drained rate, that says where the time goes: each
   statement, the rest of the task, and Celery's own share by difference.

Options: --submissions N (1000), --workers N (2), --noop N (3000), --paced N (300),
--load F (0.5), --profile N (200); --quick (150 submissions, 600 no-op tasks, 60 paced,
50 profiled: the same phases and comparisons in well under two minutes). The last line
holds the headline figures as name=value pairs.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import headline, machine_line, recreate_database, scratch_database  # noqa: E402
from bench.routing_profile import profile_routing, time_budget_lines  # noqa: E402


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
    parser.add_argument("--paced", type=int, default=300)
    parser.add_argument("--load", type=float, default=0.5)
    parser.add_argument("--profile", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="smaller counts, same phases")
    args = parser.parse_args()
    if args.quick:
        args.submissions, args.noop, args.paced, args.profile = 150, 600, 60, 50

    admin_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not admin_url or not broker_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).")
    name, scratch_url = scratch_database(admin_url, suffix="bench_routing")
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiportal.settings")

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from agencies.routing.models import Delivery
    from agencies.routing.services import deliveries_create_for_submission
    from applicants.models import Applicant, Application, Submission, new_reference
    from bench.bench_tasks import COUNTER_KEY, FIRST_KEY, LAST_KEY, noop
    from civiportal.celery import app
    from organizations.models import Agency
    from programs.models import Program, ProgramVersion

    workers: list[subprocess.Popen] = []
    worker_env = {**os.environ, "DATABASE_URL": scratch_url}

    def stop_workers() -> None:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        workers.clear()

    try:
        call_command("migrate", verbosity=0)
        app.control.purge()
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

        serial = iter(range(10**9))
        committed_at: dict[int, object] = {}

        def submit_one() -> None:
            number = next(serial)
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

        def wait_delivered(total: int) -> None:
            deadline = time.monotonic() + 900
            while Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() < total:
                if time.monotonic() > deadline:
                    sys.exit("deliveries did not finish within 15 minutes")
                time.sleep(0.1)

        def latencies(submission_ids) -> list[float]:
            rows = Delivery.objects.filter(application__submission__in=submission_ids)
            return [
                (delivered - committed_at[submission_id]).total_seconds() * 1000
                for submission_id, delivered in rows.values_list(
                    "application__submission_id", "delivered_at"
                )
            ]

        def describe(values: list[float]) -> str:
            return (
                f"p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
                f"max {max(values):.0f} ms"
            )

        # 1. drain: no-op baseline, then deliveries, each from a full queue.
        counter = redis.Redis.from_url(broker_url)
        counter.delete(COUNTER_KEY, FIRST_KEY, LAST_KEY)
        for _ in range(args.noop):
            noop.delay()
        workers.extend(start_workers(args.workers, worker_env))
        while int(counter.get(COUNTER_KEY) or 0) < args.noop:
            time.sleep(0.05)
        noop_span = float(counter.get(LAST_KEY)) - float(counter.get(FIRST_KEY))
        noop_rate = (args.noop - 1) / noop_span
        counter.delete(COUNTER_KEY, FIRST_KEY, LAST_KEY)
        stop_workers()

        total = args.submissions * 3
        started = time.perf_counter()
        for _ in range(args.submissions):
            submit_one()
        submit_rate = args.submissions / (time.perf_counter() - started)
        workers.extend(start_workers(args.workers, worker_env))
        wait_ready(app, args.workers)
        wait_delivered(total)
        span = Delivery.objects.aggregate(first=Min("delivered_at"), last=Max("delivered_at"))
        drain_rate = (total - 1) / (span["last"] - span["first"]).total_seconds()

        # 2. paced: offered load below what the workers drain.
        interval = 3 / (drain_rate * args.load)
        before = set(committed_at)
        next_at = time.perf_counter()
        for _ in range(args.paced):
            next_at += interval
            submit_one()
            time.sleep(max(0.0, next_at - time.perf_counter()))
        wait_delivered(total + args.paced * 3)
        paced = latencies(set(committed_at) - before)

        # 3. burst: as fast as one client submits, while the workers consume.
        before = set(committed_at)
        started = time.perf_counter()
        for _ in range(args.submissions):
            submit_one()
        burst_submit_rate = args.submissions / (time.perf_counter() - started)
        burst_ids = set(committed_at) - before
        wait_delivered(total * 2 + args.paced * 3)
        burst = latencies(burst_ids)
        rows = Delivery.objects.filter(application__submission__in=burst_ids)
        first_commit = min(committed_at[pk] for pk in burst_ids)
        burst_seconds = rows.aggregate(last=Max("delivered_at"))["last"] - first_commit
        burst_rate = total / burst_seconds.total_seconds()

        # 4. profile: the routing task in process, its messages purged unconsumed.
        stop_workers()
        before = set(committed_at)
        for _ in range(args.profile):
            submit_one()
        app.control.purge()
        in_process, phases = profile_routing(sorted(set(committed_at) - before))

        print(f"submissions: {args.submissions} x 3 programs, {args.workers} worker processes")
        print(f"submit (no worker running): {submit_rate:.0f} submissions/s committed")
        print(f"no-op task, drained: {noop_rate:.0f} tasks/s")
        print(f"routing, drained: {total} deliveries = {drain_rate:.0f} deliveries/s")
        print(f"routing / no-op ratio: {drain_rate / noop_rate:.2f}")
        print(
            f"paced at {args.load:.0%} of that ({3 / interval:.0f} deliveries/s offered, "
            f"{args.paced} submissions): commit-to-delivered {describe(paced)}"
        )
        print(
            f"burst: {burst_submit_rate:.0f} submissions/s committed while consuming; "
            f"{burst_rate:.0f} deliveries/s first commit to last delivered; "
            f"commit-to-delivered {describe(burst)}"
        )
        budget = {"workers": args.workers, "drain_rate": drain_rate, "noop_rate": noop_rate}
        print("\n".join(time_budget_lines(**budget, in_process=in_process, phases=phases)))
        print(machine_line())
        print(
            headline(
                {
                    "routing/no-op": f"{drain_rate / noop_rate:.2f}",
                    "paced_p95_ms": f"{percentile(paced, 0.95):.0f}",
                    "paced_p50_ms": f"{statistics.median(paced):.0f}",
                    "deliveries_per_s": f"{drain_rate:.0f}",
                    "noop_per_s": f"{noop_rate:.0f}",
                    "burst_p95_ms": f"{percentile(burst, 0.95):.0f}",
                    "route_task_in_process_ms": f"{in_process:.2f}",
                }
            )
        )
    finally:
        stop_workers()
        connections.close_all()
        recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    main()
