"""Business actions of agencies: routing submissions to agencies' channels, staff actions.

Routing is a transactional outbox (docs/operations.md): `deliveries_create_for_submission`
writes one `Delivery` per application and agency channel inside the submission's
transaction and queues `route_submission` on commit (its work is in
`agencies.routing.submission`); workers run `delivery_attempt` (`agencies.routing.attempts`)
for the rest; `deliveries_sweep` (`agencies.routing.sweeps`, Celery beat) re-sends whatever
a lost message or a dead worker left behind. Every state change writes a `DeliveryEvent` in
the same transaction.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

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
Status = Delivery.Status
Action = DeliveryEvent.Action


def delivery_queue(*, kind: str) -> str:
    """The Celery queue for deliveries of one channel kind."""
    return f"deliveries.{kind}"


def delivery_transition(
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


def delivery_locked(delivery_id: int) -> Delivery:
    return Delivery.objects.select_for_update().get(pk=delivery_id)


def _channels_by_agency(agency_ids: set[int]) -> dict[int, list[AgencyChannel]]:
    channels: dict[int, list[AgencyChannel]] = defaultdict(list)
    for channel in AgencyChannel.objects.filter(agency_id__in=agency_ids, is_active=True):
        channels[channel.agency_id].append(channel)
    without = agency_ids - channels.keys()
    if without:
        # No active channel: the internal queue, so nothing submitted is routed nowhere.
        # Every such agency's at once (an agency's first submission would otherwise pay
        # four statements each); one that has an inactive internal queue keeps it.
        internal = AgencyChannel.Kind.INTERNAL
        AgencyChannel.objects.bulk_create(
            [AgencyChannel(agency_id=agency_id, kind=internal) for agency_id in without],
            ignore_conflicts=True,  # the unique (agency, kind): made meanwhile, or inactive
        )
        for channel in AgencyChannel.objects.filter(agency_id__in=without, kind=internal):
            channels[channel.agency_id].append(channel)
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
                # Written already marked as queued: the fan-out message is published on
                # commit (`_send_route_submission` clears the mark if that fails), and
                # marking here saves an UPDATE after publishing.
                Delivery(
                    application=application,
                    agency_id=application.program.agency_id,
                    channel=channel,
                    next_attempt_at=now,
                    queued_for=now,
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
        transaction.on_commit(partial(_send_route_submission, submission.pk, marked=now))
    return deliveries


def _send_route_submission(submission_id: int, *, marked) -> None:
    """Publish the fan-out message of a committed submission. Its deliveries were written
    marked as queued at `marked`, so a sweep while the message waits behind a routing
    backlog does not send them a second time; if publishing fails the mark is cleared and
    the next sweep sends them. (A process that dies between commit and publishing leaves
    them to the sweeper after DELIVERY_REQUEUE_AFTER_SECONDS.)"""
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
        Delivery.objects.filter(
            application__submission_id=submission_id,
            status__in=Delivery.CLAIMABLE,
            queued_for=marked,
        ).update(queued_for=None)


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


@transaction.atomic
def delivery_retry(*, delivery: Delivery, acting_user) -> Delivery:
    """Staff action "retry now": put a failed or dead delivery back in line at once. A dead
    one gets a fresh round of DELIVERY_MAX_ATTEMPTS attempts. Raises
    InvalidDeliveryTransition for a delivery that is pending, delivering or finished."""
    delivery = delivery_locked(delivery.pk)
    if delivery.status not in (Status.FAILED, Status.DEAD):
        raise InvalidDeliveryTransition(
            f"Only failed or dead deliveries can be retried; this one is {delivery.status}."
        )
    if delivery.status == Status.DEAD:
        delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.queued_for = None
    delivery_transition(
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
    delivery = delivery_locked(delivery.pk)
    delivery_transition(
        delivery,
        Status.RESOLVED,
        action=Action.RESOLVED,
        message=note,
        acting_user=acting_user,
    )
    return delivery
