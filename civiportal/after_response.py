"""Publishing after the response: broker messages a request owes, sent once the resident
has their page.

A submission commits its outbox rows (deliveries, the confirmation) already marked as
queued, and publishes their Celery messages on commit. Publishing is a broker round trip
per message that the resident does not need to wait for: the rows are committed, and a
message that is never published (a broker error, a process that dies) is sent by the
sweeper, exactly as before (docs/operations.md, "Nothing told to a resident is lost").
So inside a request `on_commit_after_response` runs its callable after the response has
been written to the client (when the WSGI server closes the response); anywhere else (a
Celery task, a management command, a test calling a service) right on commit, as
`transaction.on_commit` does.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

_pending: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "civiportal_after_response", default=None
)


def on_commit_after_response(callback: Callable[[], None]) -> None:
    """`transaction.on_commit(callback)`, deferred to after the response when a request is
    being answered (see the module docstring). `callback` must not raise: the publishers
    that use it log a broker error and leave their rows to the sweeper."""
    transaction.on_commit(partial(_after_response, callback))


def _after_response(callback: Callable[[], None]) -> None:
    pending = _pending.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)


def _run(pending: list[Callable[[], None]]) -> None:
    while pending:
        callback = pending.pop(0)
        try:
            callback()
        # One publisher's failure must not keep the next from running; the response is
        # already sent, and the outbox rows wait for the sweeper.
        except Exception:
            logger.exception("A publication after the response failed: %r", callback)


class AfterResponseMiddleware:
    """Collects the request's after-response callables and runs them when the response
    is closed, which the WSGI server does after sending it (Django's test client too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending: list[Callable[[], None]] = []
        token = _pending.set(pending)
        try:
            response = self.get_response(request)
        except BaseException:
            _pending.reset(token)
            _run(pending)  # committed before the error: still owed
            raise
        _pending.reset(token)
        if pending:
            # Django's own hook for work at close (FileResponse closes its file there);
            # `close()` runs these before sending `request_finished`.
            response._resource_closers.append(lambda: _run(pending))
        return response
