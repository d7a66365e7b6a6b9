"""Tasks loaded only into the routing benchmark's workers (celery worker --include)."""

import os
import time

import redis
from celery import shared_task

from agencies.routing.tasks import RELIABLE

COUNTER_KEY = "bench:routing:noop"
FIRST_KEY = "bench:routing:noop:first"
LAST_KEY = "bench:routing:noop:last"
_client = None


# The same options as `deliver` (acks_late, reject_on_worker_lost, no result), so the
# baseline pays the same broker round trips per message as a delivery does.
@shared_task(name="bench.noop", **RELIABLE)
def noop() -> None:
    """The cheapest task that still tells the benchmark it ran and when: one Redis round
    trip (count, time of the first and of the latest run)."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    now = time.time()
    _client.pipeline().incr(COUNTER_KEY).setnx(FIRST_KEY, now).set(LAST_KEY, now).execute()
