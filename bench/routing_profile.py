"""Where a routing task's time goes: `submission_route` run in process on the benchmark's
scratch database, each SQL statement timed by a Django execute wrapper, so the worker's
time per task splits into the statements, the rest of the task (commit, Python, ORM)
and, by difference with the drained rate, Celery's own share (broker, hand-off between
the worker's processes, ack)."""

import time
from collections import defaultdict


def _phase(sql: str) -> str:
    text = sql.lstrip().upper()
    if text.startswith("SELECT"):
        return "read due rows (SELECT)"
    if text.startswith("UPDATE"):
        return "claim (one UPDATE)"
    if "AGENCYQUEUEITEM" in text:
        return "queue items (one INSERT)"
    if "DELIVERYEVENT" in text:
        return "audit events (one INSERT)"
    return "other SQL"


def profile_routing(submission_ids: list[int]) -> tuple[float, dict[str, float]]:
    """(ms per routed submission, {phase: ms per submission}) over `submission_ids`,
    which must be committed and not yet routed."""
    from django.db import connection

    from agencies.routing.submission import submission_route

    spent: dict[str, float] = defaultdict(float)

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[_phase(sql)] += time.perf_counter() - started

    total = 0.0
    with connection.execute_wrapper(timed):
        for submission_id in submission_ids:
            started = time.perf_counter()
            submission_route(submission_id=submission_id)
            total += time.perf_counter() - started
    spent["commit, Python and ORM"] = total - sum(spent.values())
    count = len(submission_ids)
    return total * 1000 / count, {phase: s * 1000 / count for phase, s in spent.items()}


def time_budget_lines(
    *, workers: int, drain_rate: float, noop_rate: float, in_process: float, phases: dict
) -> list[str]:
    """The worker's time per routing task (3 deliveries) read against the in-process
    profile and the no-op task, as printable lines."""
    per_task = workers * 3 * 1000 / drain_rate
    per_noop = workers * 1000 / noop_rate
    lines = [
        f"where the time goes, per routing task (3 deliveries), {workers} workers:",
        f"  in a worker (from the drained rate): {per_task:.2f} ms; a no-op task {per_noop:.2f} ms",
        f"  in process, same code and database: {in_process:.2f} ms",
    ]
    for phase, spent in sorted(phases.items(), key=lambda item: -item[1]):
        lines.append(f"    {phase}: {spent:.2f} ms ({spent / per_task:.0%} of the worker's)")
    celery = per_task - in_process
    lines.append(
        f"  Celery (broker, hand-off, ack), by difference: {celery:.2f} ms "
        f"({celery / per_task:.0%} of the worker's)"
    )
    return lines
