"""Health checks used by `/healthz`, orchestrators and `make test`'s service check."""

from django.conf import settings
from django.db import connection
from kombu import Connection

from civiportal.tasks import ping

CHECK_TIMEOUT_SECONDS = 2


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; the message says which
        return False, f"{type(error).__name__}: {error}"
    return True, "ok"


def broker_ok() -> tuple[bool, str]:
    """Connect to the configured broker; 'not configured' in eager (embedded) mode."""
    if not settings.CELERY_BROKER_URL:
        return True, "not configured (tasks run in process)"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=CHECK_TIMEOUT_SECONDS,
            transport_options={"socket_connect_timeout": CHECK_TIMEOUT_SECONDS},
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"
    return True, "ok"


def worker_ok() -> tuple[bool, str]:
    """Run a ping task on a worker and wait briefly for its answer."""

    if not settings.CELERY_BROKER_URL:
        return True, "eager"
    try:
        result = ping.apply_async(expires=CHECK_TIMEOUT_SECONDS * 2)
        answer = result.get(timeout=CHECK_TIMEOUT_SECONDS * 2)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"
    return True, answer["hostname"]
