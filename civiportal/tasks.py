from celery import shared_task
from django.db import connection


# The one task someone waits on (the deep health check), hence the one with a result.
@shared_task(bind=True, name="civiportal.ping", ignore_result=False)
def ping(self):
    """Answer with the name of the worker that ran it, so a deep health check can tell
    a real worker from eager in-process execution."""
    return {"hostname": self.request.hostname or "eager"}


# Asked by operators and tests, who wait for its answer: the one result kept besides ping.
@shared_task(name="civiportal.database_backend", ignore_result=False)
def database_backend():
    """The PostgreSQL backend process serving this worker process (None on SQLite), so
    operators and tests can see whether a worker reuses its database connection."""

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
