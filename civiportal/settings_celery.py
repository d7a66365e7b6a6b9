"""Celery's settings: transport, results, time limits, queues and task routes.

`civiportal.settings` imports every name here, so Celery still reads them from Django's
settings under the CELERY_ namespace (civiportal/celery.py). The beat schedule stays in
settings.py, beside the sweep intervals it uses.
"""

import os

from kombu import Exchange, Queue

# Celery. With no broker configured, tasks run eagerly in the web process (demo mode).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_RESULT_EXPIRES = 3600
# Tasks are fire-and-forget (their effects are rows); only a task that someone waits on
# (the health check's ping) keeps a result. Storing results for nothing made every publish
# touch the result backend too, which failed requests while Redis was down.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection across tasks (Celery's Django fix-up otherwise
# opens a new one for every task, a quarter of a routing task's time). CONN_MAX_AGE and
# the health check still apply: civiportal/celery.py runs close_old_connections around
# each task. The connection is also replaced after this many tasks.
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "1000"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    # Deployments (or parallel test processes) sharing one Redis keep their queues apart by
    # a prefix on every key. pytest-xdist names each test process (gw0, gw1, ...): its
    # workers, started with this environment, then consume only that process's messages.
    "global_keyprefix": os.environ.get(
        "CELERY_BROKER_KEY_PREFIX",
        f"{os.environ['PYTEST_XDIST_WORKER']}:" if os.environ.get("PYTEST_XDIST_WORKER") else "",
    ),
}

# Queues are split by channel kind so slow agency webhooks cannot hold up the internal queue
# or emails; a worker started without -Q consumes every queue listed here.
# Every queue is bound to one direct exchange under its own routing key (queues sharing a
# key would each get a copy of every message).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_DEFAULT_EXCHANGE = "civiportal"
CELERY_TASK_DEFAULT_ROUTING_KEY = "celery"
_DELIVERY_QUEUES = ["deliveries.internal", "deliveries.webhook", "deliveries.email"]
# Sweeps have a queue of their own, so a routing backlog can neither delay nor expire them.
# PDF renders take seconds of CPU each: on their own queue (and workers, in docker
# compose) they cannot hold up routing or residents' messages on a busy worker.
_QUEUE_NAMES = ["celery", "routing", *_DELIVERY_QUEUES, "notifications", "sweeps", "pdfs"]
CELERY_TASK_QUEUES = [
    Queue(name, Exchange("civiportal", type="direct"), routing_key=name) for name in _QUEUE_NAMES
]
CELERY_TASK_ROUTES = {
    "agencies.tasks.route_submission": {"queue": "routing"},
    "agencies.tasks.sweep_deliveries": {"queue": "sweeps"},
    "notifications.tasks.sweep_notifications": {"queue": "sweeps"},
    "notifications.tasks.send_notification": {"queue": "notifications"},
    # deliver() is sent to deliveries.<channel kind> explicitly; this is the fallback.
    "agencies.tasks.deliver": {"queue": "deliveries.internal"},
    "agencies.export_tasks.render_submission_pdfs": {"queue": "pdfs"},
    "agencies.export_tasks.render_application_pdfs": {"queue": "pdfs"},
}
