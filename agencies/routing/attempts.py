"""One attempt at one delivery: claim it, send it through its channel, record the outcome
(the `deliver` task's work), with the retry schedule of failed attempts."""

import logging
import random
from datetime import timedelta
from functools import partial

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.routing.channels import (
    PermanentDeliveryError,
    TransientDeliveryError,
    channel_module,
)
from agencies.routing.models import Delivery, DeliveryEvent, InvalidDeliveryTransition
from agencies.routing.services import (
    deliveries_enqueue,
    delivery_locked,
    delivery_transition,
)
from civiportal.outbox import CLOCK_SKEW, claim_row

logger = logging.getLogger(__name__)

# Workers' clocks may run slightly ahead of the one that scheduled a retry.
Status = Delivery.Status
Action = DeliveryEvent.Action


def retry_delay_seconds(*, attempts: int) -> float:
    """Exponential backoff with jitter after `attempts` failed attempts: the base doubles
    each time up to the cap, and a random half of it spreads retries of many deliveries
    that failed together (an agency outage) so they do not all return at once."""
    delay = min(
        settings.DELIVERY_RETRY_MAX_SECONDS,
        settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311  (jitter, not security)


def _claim(delivery: Delivery, *, now, to_status: str) -> bool:
    """Claim `delivery` (read, unlocked, as pending or failed) into `to_status`
    (`civiportal.outbox.claim_row`: one conditional UPDATE, exactly one of two racing
    workers wins). On success `delivery` holds the new values."""
    if not delivery.can_move_to(to_status):
        raise InvalidDeliveryTransition(
            f"A delivery that is {delivery.status} cannot become {to_status}."
        )
    extra = None
    if to_status == Status.DELIVERED:
        extra = {"delivered_at": timezone.now(), "last_error": ""}
    return claim_row(delivery, now=now, status=to_status, extra=extra)


def _event(delivery: Delivery, *, action: str, from_status: str, message: str = "") -> None:
    DeliveryEvent.objects.create(
        delivery=delivery,
        action=action,
        from_status=from_status,
        to_status=delivery.status,
        attempt=delivery.attempts,
        message=message,
    )


def _record_success(delivery: Delivery, note: str) -> str:
    """Mark a delivery this worker claimed as delivered: one conditional UPDATE on the
    claim token and one audit event. If the sweeper or staff took the row meanwhile, the
    locked path below records the (late) success against whatever state it is in now."""
    now = timezone.now()
    with transaction.atomic():
        done = Delivery.objects.filter(
            pk=delivery.pk, status=Status.DELIVERING, claim_token=delivery.claim_token
        ).update(status=Status.DELIVERED, delivered_at=now, last_error="", updated_at=now)
        if done:
            delivery.status, delivery.delivered_at, delivery.last_error = Status.DELIVERED, now, ""
            _event(delivery, action=Action.DELIVERED, from_status=Status.DELIVERING, message=note)
            return "delivered"
        current = delivery_locked(delivery.pk)
        if current.status not in Delivery.FINISHED:
            current.delivered_at = now
            current.last_error = ""
            delivery_transition(
                current,
                Status.DELIVERED,
                action=Action.DELIVERED,
                message=f"{note} (late answer)",
                fields=["delivered_at", "last_error"],
            )
    return _outcome(current.status)


def _outcome(status: str) -> str:
    return {Status.DELIVERED: "delivered", Status.DEAD: "dead"}.get(status, "failed")


def _record_failure(delivery_id: int, token, error: str, *, transient: bool) -> str:
    with transaction.atomic():
        delivery = delivery_locked(delivery_id)
        if delivery.status != Status.DELIVERING or delivery.claim_token != token:
            # A newer attempt (after the sweeper released this one) owns the row.
            return _outcome(delivery.status)
        delivery.last_error = error[:4000]
        if transient and delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
            delay = retry_delay_seconds(attempts=delivery.attempts)
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            delivery.queued_for = None
            delivery_transition(
                delivery,
                Status.FAILED,
                action=Action.FAILED,
                message=f"{error} (retry in {delay:.1f} s)",
                fields=["last_error", "next_attempt_at", "queued_for"],
            )
            # In eager (embedded) mode a countdown would run at once, in a loop; there
            # the retry waits for the sweeper or staff instead.
            if not current_app.conf.task_always_eager:
                kind = delivery.channel.kind
                transaction.on_commit(
                    partial(deliveries_enqueue, deliveries=[(delivery_id, kind)], countdown=delay)
                )
            return "failed"
        reason = "transient errors" if transient else "a permanent error"
        delivery_transition(
            delivery,
            Status.DEAD,
            action=Action.DEAD,
            message=f"{error} (gave up after {delivery.attempts} attempts: {reason})",
            fields=["last_error"],
        )
        return "dead"


def _record_error(delivery: Delivery, error: BaseException) -> str:
    """Record the failed attempt of a claimed delivery: retried if the error may pass."""
    if isinstance(error, TransientDeliveryError):
        return _record_failure(delivery.pk, delivery.claim_token, str(error), transient=True)
    if isinstance(error, SoftTimeLimitExceeded):
        message = "The attempt ran out of time."
        return _record_failure(delivery.pk, delivery.claim_token, message, transient=True)
    if isinstance(error, PermanentDeliveryError):
        return _record_failure(delivery.pk, delivery.claim_token, str(error), transient=False)
    # A bug or bad data, not an outage: retrying would repeat it. Dead and visible.
    logger.error("Delivery %s failed unexpectedly", delivery.pk, exc_info=error)
    message = f"Unexpected error: {type(error).__name__}: {error}"
    return _record_failure(delivery.pk, delivery.claim_token, message, transient=False)


def _claim_for_sending(delivery: Delivery, *, now) -> bool:
    """Claim as `delivering` and commit that, with its audit event, before anything is
    sent: a worker that dies while sending leaves a row the sweeper will release."""
    from_status = delivery.status
    with transaction.atomic():
        if not _claim(delivery, now=now, to_status=Status.DELIVERING):
            return False
        _event(delivery, action=Action.CLAIMED, from_status=from_status)
    return True


def delivery_attempt(*, delivery_id: int) -> str:
    """Make one attempt at a delivery: claim it, send it through its channel, record the
    outcome. Safe to run any number of times for the same id: only a due pending/failed row
    is claimed, and a channel whose effect is a database write commits it together with the
    delivered status. Returns "skipped", "delivered", "failed" or "dead".

    An atomic channel (the internal queue) takes one transaction: the claim goes straight
    to `delivered` together with the channel's write and one audit event, so nothing is
    ever seen half done. Other channels commit the claim (`delivering`, a fresh claim
    token, an audit event) before sending and the outcome after, conditional on the token.
    """
    now = timezone.now()
    delivery = (
        Delivery.objects.select_related("channel")
        .filter(pk=delivery_id, status__in=Delivery.CLAIMABLE)
        .filter(next_attempt_at__lte=now + CLOCK_SKEW)
        .first()
    )
    if delivery is None:
        return "skipped"
    try:
        module = channel_module(delivery.channel.kind)
    except PermanentDeliveryError as error:
        if not _claim_for_sending(delivery, now=now):
            return "skipped"
        return _record_error(delivery, error)
    if module.ATOMIC:
        from_status, seen = delivery.status, (delivery.attempts, delivery.claim_token)
        try:
            with transaction.atomic():
                if not _claim(delivery, now=now, to_status=Status.DELIVERED):
                    return "skipped"
                note = module.send(delivery)
                _event(delivery, action=Action.DELIVERED, from_status=from_status, message=note)
            return "delivered"
        except Exception as error:  # classified and recorded by _record_error
            # The claim rolled back with the channel's write: claim the row again as an
            # ordinary attempt, only to record this one's failure.
            delivery.status = from_status
            delivery.attempts, delivery.claim_token = seen
            if not _claim_for_sending(delivery, now=now):
                return "skipped"
            return _record_error(delivery, error)
    if not _claim_for_sending(delivery, now=now):
        return "skipped"
    try:
        if module.RELATED:
            related = Delivery.objects.select_related(*module.RELATED).get(pk=delivery.pk)
            # What this worker's claim wrote, whatever happened to the row since.
            related.status, related.attempts = delivery.status, delivery.attempts
            related.claim_token = delivery.claim_token
            delivery = related
        note = module.send(delivery)
    except Exception as error:  # classified and recorded by _record_error
        return _record_error(delivery, error)
    return _record_success(delivery, note)
