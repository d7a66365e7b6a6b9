"""Internal queue: the application appears in its agency's caseworker queue."""

from django.db import connection
from django.utils import timezone

from agencies.routing.models import AgencyQueueItem

# The queue item and the delivered status commit together: exactly once by construction.
ATOMIC = True
RELATED = ()


_COLUMNS = ("agency", "application", "delivery", "queued_at")


def _insert_sql() -> str:
    opts = AgencyQueueItem._meta
    quote = connection.ops.quote_name
    columns = [quote(opts.get_field(name).column) for name in _COLUMNS]
    return (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) "  # noqa: S608  (model names, quoted)
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({columns[1]}) DO NOTHING RETURNING 1"
    )


def send(delivery) -> str:
    """Queue the delivery's application for its agency. The one-item-per-application
    constraint makes a second run (a duplicated task message) a no-op: one
    INSERT ... ON CONFLICT DO NOTHING, which also tells whether this run queued it.

    A follow-up event (withdrawn, resubmitted) needs nothing more: the queue shows the
    application's current status, and a response puts it back among those waiting."""
    values = [delivery.agency_id, delivery.application_id, delivery.pk, timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), values)
        created = cursor.fetchone() is not None
    if delivery.event != "application.submitted":
        return f"{delivery.event}: queue shows the new status"
    return "queued" if created else "already queued"
