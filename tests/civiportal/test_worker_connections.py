"""Workers keep their PostgreSQL connection across tasks and replace it when it drops."""

import time

from django.db import connection

from civiportal.tasks import database_backend


def _backend_of_next_task() -> int:
    return database_backend.apply_async(queue="celery").get(timeout=30)


def test_worker_reuses_its_connection_and_replaces_a_terminated_one(celery_worker):
    first = _backend_of_next_task()
    assert isinstance(first, int)
    # Celery's Django fix-up would open a new connection for each task without
    # CELERY_DB_REUSE_MAX: the same backend answering again proves reuse.
    assert _backend_of_next_task() == first

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
        assert cursor.fetchone()[0] is True
        # Termination is asynchronous: wait until the backend is really gone.
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [first])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"backend {first} still alive after pg_terminate_backend")

    # The health check notices the dead connection before the task's query and
    # reconnects: the task succeeds on a new backend instead of failing.
    replaced = _backend_of_next_task()
    assert isinstance(replaced, int)
    assert replaced != first
    assert _backend_of_next_task() == replaced
