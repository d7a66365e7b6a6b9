"""Tasks loaded only into the routing benchmark's workers (celery worker --include)."""

import os

import redis
from celery import shared_task

COUNTER_KEY = "bench:routing:noop"
_client = None


@shared_task(name="bench.noop", ignore_result=True)
def noop() -> None:
    """The cheapest task that still tells the benchmark it ran: one Redis INCR."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    _client.incr(COUNTER_KEY)
