"""The Celery app, configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiportal.settings")

app = Celery("civiportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(dispatch_uid="civiportal.worker_connection_check")
@task_postrun.connect(dispatch_uid="civiportal.worker_connection_recycle")
def _recycle_old_connections(sender=None, **kwargs) -> None:
    """Give worker tasks what Django gives requests: CONN_MAX_AGE and the health check.

    Celery's Django fix-up only stops closing the connection around every task when
    CELERY_DB_REUSE_MAX is set, and then it never checks the connection it keeps: a
    backend killed by a restart or a failover would fail every later task of that
    process. `close_old_connections` closes a connection that is too old or broke in the
    last task, and re-arms CONN_HEALTH_CHECKS so the task's first query pings the server
    and reconnects if the connection was dropped meanwhile.
    """
    # An eager task runs inside the caller's request or test transaction, whose
    # connection must not be touched.
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
