"""Business actions of agencies: routing submissions to agencies' channels, review.

Routing is a transactional outbox (docs/operations.md): `deliveries_create_for_submission`
writes one `Delivery` per application and agency channel inside the submission's
transaction and queues `route_submission` on commit (its work is in
`agencies.routing.submission`); workers run `delivery_attempt` for the rest;
`deliveries_sweep` (Celery beat) re-sends whatever a lost message or a dead worker left
behind. Every state change writes a `DeliveryEvent` in the same transaction.
"""

import logging
import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from uuid import uuid4

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.routing.channels import (
    DeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
    channel_module,
)
from agencies.routing.models import (
    AgencyChannel,
    Delivery,
    DeliveryEvent,
    InvalidDeliveryTransition,
)
from applicants.models import Submission

logger = logging.getLogger(__name__)

# Publishing to the broker while a resident waits: try briefly, then leave it to the sweeper.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
# Workers' clocks may run slightly ahead of the one that scheduled a retry.
CLOCK_SKEW = timedelta(seconds=2)
Status = Delivery.Status
Action = DeliveryEvent.Action


def delivery_queue(*, kind: str) -> str:
    """The Celery queue for deliveries of one channel kind."""
    return f"deliveries.{kind}"


def _transition(
    delivery: Delivery,
    to_status: str,
    *,
    action: str,
    message: str = "",
    acting_user=None,
    fields: Iterable[str] = (),
) -> None:
    """Move a (locked) delivery along an allowed transition and write its audit event."""
    from_status = delivery.status
    if not delivery.can_move_to(to_status):
        raise InvalidDeliveryTransition(
            f"A delivery that is {from_status} cannot become {to_status}."
        )
    delivery.status = to_status
    delivery.updated_at = timezone.now()
    delivery.save(update_fields=["status", "updated_at", *fields])
    DeliveryEvent.objects.create(
        delivery=delivery,
        action=action,
        from_status=from_status,
        to_status=to_status,
        attempt=delivery.attempts,
        message=message,
        acting_user=acting_user,
    )


def _channels_by_agency(agency_ids: set[int]) -> dict[int, list[AgencyChannel]]:
    channels: dict[int, list[AgencyChannel]] = defaultdict(list)
    for channel in AgencyChannel.objects.filter(agency_id__in=agency_ids, is_active=True):
        channels[channel.agency_id].append(channel)
    for agency_id in agency_ids - channels.keys():
        # No active channel: the internal queue, so nothing submitted is routed nowhere.
        channel, _created = AgencyChannel.objects.get_or_create(
            agency_id=agency_id, kind=AgencyChannel.Kind.INTERNAL
        )
        channels[agency_id].append(channel)
    return channels


def route_new_submission(sender, *, submission: Submission, applications=None, **kwargs) -> None:
    """Receiver of `applicants.signals.submission_created`: write the submission's outbox
    rows inside the transaction that creates it (`applications`: the ones just created,
    with their programs, so they need not be read back)."""
    deliveries_create_for_submission(submission=submission, applications=applications)


def deliveries_create_for_submission(
    *, submission: Submission, applications=None
) -> list[Delivery]:
    """Write the outbox rows that route each application of `submission` to its agency,
    and queue their delivery once the surrounding transaction commits.

    Must be called inside the transaction that creates the submission (the transactional
    outbox): the submission and its deliveries commit together or not at all. One row per
    application and active agency channel (the internal queue when an agency has none).
    """
    if applications is None:
        applications = list(submission.applications.select_related("program"))
    if not applications:
        return []
    channels = _channels_by_agency({app.program.agency_id for app in applications})
    now = timezone.now()
    # Inside the submission's transaction already: a savepoint would only add two round
    # trips, and a failure here must roll the submission back anyway.
    with transaction.atomic(savepoint=False):
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    application=application,
                    agency_id=application.program.agency_id,
                    channel=channel,
                    next_attempt_at=now,
                )
                for application in applications
                for channel in channels[application.program.agency_id]
            ]
        )
        DeliveryEvent.objects.bulk_create(
            [
                DeliveryEvent(delivery=delivery, action=Action.CREATED, to_status=Status.PENDING)
                for delivery in deliveries
            ]
        )
        transaction.on_commit(partial(_send_route_submission, submission.pk))
    return deliveries


def _send_route_submission(submission_id: int) -> None:
    from agencies.routing.tasks import route_submission  # the tasks call this module

    try:
        route_submission.apply_async(
            args=[submission_id], retry=True, retry_policy=ENQUEUE_RETRY_POLICY
        )
    # The submission is committed and the resident must hear so; whatever the broker
    # raised, the deliveries wait in the outbox for the sweeper.
    except Exception:
        logger.warning(
            "Could not queue routing of submission %s; the sweeper will send it.",
            submission_id,
            exc_info=True,
        )
        return
    # The fan-out message is on its way: its deliveries count as queued from now, so a
    # sweep while it waits behind a routing backlog does not send them a second time.
    Delivery.objects.filter(
        application__submission_id=submission_id,
        status__in=Delivery.CLAIMABLE,
        queued_for__isnull=True,
    ).update(queued_for=timezone.now())


def deliveries_create_for_event(*, application, event: str, audit_event) -> list[Delivery]:
    """Write the outbox rows telling `application`'s agency about a follow-up `event`
    (the resident withdrew, or answered a request), one per active channel, and queue
    them on commit. Call it inside the transaction of the action it reports; the audit
    event makes each row unique per channel, so a repeated call cannot double it."""
    agency_id = application.program.agency_id
    channels = _channels_by_agency({agency_id})[agency_id]
    now = timezone.now()
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    application=application,
                    agency_id=agency_id,
                    channel=channel,
                    event=event,
                    audit_event=audit_event,
                    next_attempt_at=now,
                )
                for channel in channels
            ]
        )
        DeliveryEvent.objects.bulk_create(
            [
                DeliveryEvent(delivery=delivery, action=Action.CREATED, to_status=Status.PENDING)
                for delivery in deliveries
            ]
        )
        rows = [
            (delivery.pk, channel.kind)
            for delivery, channel in zip(deliveries, channels, strict=True)
        ]
        transaction.on_commit(partial(deliveries_enqueue, deliveries=rows))
    return deliveries


def deliveries_enqueue(*, deliveries: Iterable[tuple[int, str]], countdown: float = 0) -> int:
    """Send a `deliver` message for each `(delivery_id, channel_kind)` to its channel's
    queue and note when it is due. Stops at the first broker error (logged): what was not
    sent keeps `queued_for` unset and the sweeper sends it later. Returns how many went."""
    from agencies.routing.tasks import deliver  # the tasks call this module

    deliveries = list(deliveries)
    sent: list[int] = []
    try:
        for delivery_id, kind in deliveries:
            options = {"countdown": countdown} if countdown else {}
            deliver.apply_async(
                args=[delivery_id],
                queue=delivery_queue(kind=kind),
                retry=True,
                retry_policy=ENQUEUE_RETRY_POLICY,
                **options,
            )
            sent.append(delivery_id)
    except Exception:  # broker trouble of any kind: the outbox keeps the rest
        logger.warning(
            "Broker unavailable; %d deliveries left to the sweeper.",
            len(deliveries) - len(sent),
            exc_info=True,
        )
    if sent:
        due = timezone.now() + timedelta(seconds=countdown)
        Delivery.objects.filter(pk__in=sent).update(queued_for=due)
    return len(sent)


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
    """Claim `delivery` (read, unlocked, as pending or failed) with one conditional UPDATE:
    it matches only while the row still has the status and claim token that were read, so
    of two workers racing for a row exactly one wins (the other's UPDATE waits for the
    winner's row lock, then re-checks and matches nothing). Every claim sets a fresh token,
    which makes the check exact. On success `delivery` holds the new values."""
    if not delivery.can_move_to(to_status):
        raise InvalidDeliveryTransition(
            f"A delivery that is {delivery.status} cannot become {to_status}."
        )
    token = uuid4()
    fields = {
        "status": to_status,
        "attempts": delivery.attempts + 1,
        "claimed_at": now,
        "claim_token": token,
        "updated_at": now,
    }
    if to_status == Status.DELIVERED:
        fields |= {"delivered_at": timezone.now(), "last_error": ""}
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        status=delivery.status,
        claim_token=delivery.claim_token,
        attempts=delivery.attempts,
        next_attempt_at__lte=now + CLOCK_SKEW,
    ).update(**fields)
    if not claimed:
        return False
    for name, value in fields.items():
        setattr(delivery, name, value)
    return True


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
        current = _locked(delivery.pk)
        if current.status not in Delivery.FINISHED:
            current.delivered_at = now
            current.last_error = ""
            _transition(
                current,
                Status.DELIVERED,
                action=Action.DELIVERED,
                message=f"{note} (late answer)",
                fields=["delivered_at", "last_error"],
            )
    return _outcome(current.status)


def _outcome(status: str) -> str:
    return {Status.DELIVERED: "delivered", Status.DEAD: "dead"}.get(status, "failed")


def _locked(delivery_id: int) -> Delivery:
    return Delivery.objects.select_for_update().get(pk=delivery_id)


def _record_failure(delivery_id: int, token, error: str, *, transient: bool) -> str:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != Status.DELIVERING or delivery.claim_token != token:
            # A newer attempt (after the sweeper released this one) owns the row.
            return _outcome(delivery.status)
        delivery.last_error = error[:4000]
        if transient and delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
            delay = retry_delay_seconds(attempts=delivery.attempts)
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            delivery.queued_for = None
            _transition(
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
        _transition(
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
                _transition(
                    delivery,
                    Status.DEAD,
                    action=Action.DEAD,
                    message=delivery.last_error,
                    fields=["last_error"],
                )
            else:
                delivery.next_attempt_at = now
                delivery.queued_for = None
                _transition(
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


@transaction.atomic
def delivery_retry(*, delivery: Delivery, acting_user) -> Delivery:
    """Staff action "retry now": put a failed or dead delivery back in line at once. A dead
    one gets a fresh round of DELIVERY_MAX_ATTEMPTS attempts. Raises
    InvalidDeliveryTransition for a delivery that is pending, delivering or finished."""
    delivery = _locked(delivery.pk)
    if delivery.status not in (Status.FAILED, Status.DEAD):
        raise InvalidDeliveryTransition(
            f"Only failed or dead deliveries can be retried; this one is {delivery.status}."
        )
    if delivery.status == Status.DEAD:
        delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.queued_for = None
    _transition(
        delivery,
        Status.PENDING,
        action=Action.RETRIED,
        acting_user=acting_user,
        fields=["attempts", "next_attempt_at", "queued_for"],
    )
    transaction.on_commit(
        partial(deliveries_enqueue, deliveries=[(delivery.pk, delivery.channel.kind)])
    )
    return delivery


@transaction.atomic
def delivery_resolve(*, delivery: Delivery, acting_user, note: str = "") -> Delivery:
    """Staff action "mark resolved": the agency got the application another way (phone,
    paper, a later export), so stop trying. Audited with the acting user and note."""
    delivery = _locked(delivery.pk)
    _transition(
        delivery,
        Status.RESOLVED,
        action=Action.RESOLVED,
        message=note,
        acting_user=acting_user,
    )
    return delivery


__all__ = [
    "DeliveryError",
    "deliveries_create_for_submission",
    "deliveries_enqueue",
    "deliveries_sweep",
    "delivery_attempt",
    "delivery_resolve",
    "delivery_retry",
]
