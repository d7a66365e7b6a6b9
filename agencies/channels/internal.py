"""Internal queue: the application appears in its agency's caseworker queue."""

from agencies.models import AgencyQueueItem

# The queue item and the delivered status commit together: exactly once by construction.
ATOMIC = True


def send(delivery) -> str:
    """Queue the delivery's application for its agency. The one-item-per-application
    constraint makes a second run (a duplicated task message) a no-op."""
    _item, created = AgencyQueueItem.objects.get_or_create(
        application_id=delivery.application_id,
        defaults={"agency_id": delivery.agency_id, "delivery_id": delivery.pk},
    )
    return "queued" if created else "already queued"
