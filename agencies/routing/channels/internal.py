"""Internal queue: the application appears in its agency's caseworker queue."""

from django.db import connection
from django.utils import timezone

from agencies.routing.models import AgencyQueueItem

# The queue item and the delivered status commit together: exactly once by construction.
ATOMIC = True
RELATED = ()


_COLUMNS = ("agency", "application", "delivery", "queued_at")


def _insert_sql(rows: int) -> str:
    opts = AgencyQueueItem._meta
    quote = connection.ops.quote_name
    columns = [quote(opts.get_field(name).column) for name in _COLUMNS]
    values = ", ".join(["(%s, %s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) "  # noqa: S608  (model names, quoted)
        f"VALUES {values} ON CONFLICT ({columns[1]}) DO NOTHING RETURNING {columns[2]}"
    )


def send_many(deliveries) -> dict[int, str]:
    """Queue the applications of `deliveries` (any objects with `pk`, `agency_id`,
    `application_id` and `event`) for their agencies in one statement, and return each
    delivery's note for the audit trail. The one-item-per-application constraint makes a
    second run (a duplicated task message) a no-op: INSERT ... ON CONFLICT DO NOTHING,
    which also tells which deliveries queued their application this time.

    A follow-up event (withdrawn, resubmitted) needs nothing more: the queue shows the
    application's current status, and a response puts it back among those waiting."""
    deliveries = list(deliveries)
    if not deliveries:
        return {}
    now = timezone.now()
    values = [
        value
        for delivery in deliveries
        for value in (delivery.agency_id, delivery.application_id, delivery.pk, now)
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(deliveries)), values)
        created = {row[0] for row in cursor.fetchall()}
    notes = {}
    for delivery in deliveries:
        if delivery.event != "application.submitted":
            notes[delivery.pk] = f"{delivery.event}: queue shows the new status"
        else:
            notes[delivery.pk] = "queued" if delivery.pk in created else "already queued"
    return notes


def send(delivery) -> str:
    """Queue one delivery's application (see `send_many`)."""
    return send_many([delivery])[delivery.pk]
