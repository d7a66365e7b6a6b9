"""The delivery sweeper converges: a fan-out that is published counts its deliveries as
queued (so a backlog is not multiplied), and sweeps can be neither delayed behind routing
nor discarded."""

import pytest
from django.conf import settings

from agencies.routing import sweeps
from agencies.routing.models import Delivery
from civiportal.celery import app as celery_app
from tests.agencies.conftest import submit
from tests.factories import AgencyFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_a_published_fan_out_marks_its_deliveries_queued(
    real_broker, django_capture_on_commit_callbacks
):
    programs = [ProgramFactory(agency=AgencyFactory()) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(programs)
    rows = list(Delivery.objects.filter(application__submission=submission))
    assert len(rows) == 3
    assert all(row.status == "pending" and row.queued_for is not None for row in rows)
    # The route_submission message waits in the routing queue: a sweep sends nothing more.
    assert sweeps.deliveries_sweep() == {"released": 0, "queued": 0}
    with celery_app.connection_for_write() as connection:
        waiting = connection.default_channel.client.llen("routing")
    assert waiting == 1


def test_sweeps_have_their_own_queue_and_never_expire():
    for name in ("sweep-deliveries", "sweep-notifications"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["options"] == {"queue": "sweeps"}, name
        assert settings.CELERY_TASK_ROUTES[entry["task"]] == {"queue": "sweeps"}
    # A killed worker's delivery is released within a minute at the default settings.
    assert settings.DELIVERY_STUCK_AFTER_SECONDS + settings.DELIVERY_SWEEP_INTERVAL_SECONDS < 60
    deliver = celery_app.tasks["agencies.tasks.deliver"]
    assert deliver.time_limit < settings.DELIVERY_STUCK_AFTER_SECONDS
