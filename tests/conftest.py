import pytest

from civiportal.celery import app as celery_app
from tests.celery_worker import celery_worker  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def eager_celery_unless_worker(request):
    """Unit tests run tasks in process; tests that ask for `celery_worker` get the real
    broker and a real worker instead."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was_eager
