"""The sweeper (Celery beat): what a lost message or a dead worker left behind."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.routing.models import Delivery, DeliveryEvent
from agencies.routing.services import deliveries_enqueue, delivery_transition

logger = logging.getLogger(__name__)
Status = Delivery.Status
Action = DeliveryEvent.Action


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """Release deliveries stuck in `delivering` past DELIVERY_STUCK_AFTER_SECONDS (their
    worker died) and re-send every due pending/failed delivery whose task message never
    ran (broker outage at commit, lost message). Run by Celery beat; safe to run anywhere,
    any number of times. Returns {"released": n, "queued": m}."""
    now = now or timezone.now()
    batch = settings.DELIVERY_SWEEP_BATCH_SIZE
    stuck_before = now - timedelta(seconds=settings.DELIVERY_STUCK_AFTER_SECONDS)
    released = 0
    with transaction.atomic():
        stuck = Delivery.objects.select_for_update(skip_locked=True).filter(
            status=Status.DELIVERING, claimed_at__lt=stuck_before
        )[:batch]
        for delivery in stuck:
            delivery.last_error = "The worker was lost or timed out during the attempt."
            if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
                delivery_transition(
                    delivery,
                    Status.DEAD,
                    action=Action.DEAD,
                    message=delivery.last_error,
                    fields=["last_error"],
                )
            else:
                delivery.next_attempt_at = now
                delivery.queued_for = None
                delivery_transition(
                    delivery,
                    Status.FAILED,
                    action=Action.RELEASED,
                    message=delivery.last_error,
                    fields=["last_error", "next_attempt_at", "queued_for"],
                )
            released += 1
    requeue_before = now - timedelta(seconds=settings.DELIVERY_REQUEUE_AFTER_SECONDS)
    due = (
        Delivery.objects.filter(status__in=Delivery.CLAIMABLE, next_attempt_at__lte=now)
        .filter(Q(queued_for__isnull=True) | Q(queued_for__lte=requeue_before))
        .order_by("next_attempt_at")
        .values_list("pk", "channel__kind")[:batch]
    )
    queued = deliveries_enqueue(deliveries=list(due))
    if released or queued:
        logger.info("Delivery sweep: %d released, %d queued.", released, queued)
    return {"released": released, "queued": queued}
