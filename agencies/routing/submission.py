"""Routing one committed submission: the `route_submission` task's work.

The internal queue, where most agencies receive their applications, is a database write,
so a submission's internal-queue deliveries are claimed and delivered right here, all in
one transaction of four statements whatever their number: one conditional UPDATE claims
them (each row only while it still has the status, attempt count and claim token it was
read with, as `attempts._claim` does for one row), one INSERT ... ON CONFLICT DO NOTHING
queues their applications, one INSERT writes a `delivered` audit event per row. Webhook
and email deliveries talk to the outside world, so they still go, one `deliver` message
each, to their own queues (docs/operations.md, "How routing works").
"""

import logging
from dataclasses import dataclass
from uuid import UUID, uuid4

from django.db import connection, transaction
from django.utils import timezone

from agencies.routing.attempts import CLOCK_SKEW, delivery_attempt
from agencies.routing.channels import internal
from agencies.routing.models import AgencyChannel, Delivery, DeliveryEvent
from agencies.routing.services import deliveries_enqueue

logger = logging.getLogger(__name__)
Status = Delivery.Status


@dataclass(frozen=True)
class _Seen:
    """A delivery as it was read, before the claim."""

    pk: int
    status: str
    attempts: int
    claim_token: UUID | None


@dataclass(frozen=True)
class _Claimed:
    """A delivery this worker claimed straight to `delivered`."""

    pk: int
    agency_id: int
    application_id: int
    event: str
    attempts: int
    from_status: str


def _claim_sql(rows: int) -> str:
    table = connection.ops.quote_name(Delivery._meta.db_table)
    values = ", ".join(["(%s::bigint, %s::varchar, %s::integer, %s::uuid, %s::uuid)"] * rows)
    # Each row is claimed only while it still has exactly what was read; a concurrent claim
    # makes this UPDATE wait for its row lock, then re-check and skip the row.
    return (
        f"UPDATE {table} AS d SET status = %s, attempts = d.attempts + 1, "  # noqa: S608  (model names, quoted)
        "claimed_at = %s, claim_token = seen.new_token, updated_at = %s, delivered_at = %s, "
        "last_error = '' "
        f"FROM (VALUES {values}) AS seen(id, status, attempts, token, new_token) "
        "WHERE d.id = seen.id AND d.status = seen.status AND d.attempts = seen.attempts "
        "AND d.claim_token IS NOT DISTINCT FROM seen.token AND d.next_attempt_at <= %s "
        "RETURNING d.id, d.agency_id, d.application_id, d.event, d.attempts, seen.status"
    )


def _claim_delivered(seen: list[_Seen], *, now) -> list[_Claimed]:
    values = [
        value
        for row in seen
        for value in (row.pk, row.status, row.attempts, row.claim_token, uuid4())
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(len(seen)),
            [Status.DELIVERED, now, now, now, *values, now + CLOCK_SKEW],
        )
        return [_Claimed(*row) for row in cursor.fetchall()]


def internal_deliver_many(seen: list[_Seen]) -> int:
    """Claim and deliver internal-queue deliveries in one transaction; returns how many
    this call delivered (rows another worker took meanwhile are left to it). If the write
    fails, nothing of it stays and each row gets an ordinary attempt of its own, which
    records the failure (retry or dead) the way `delivery_attempt` always does."""
    if not seen:
        return 0
    if connection.vendor != "postgresql":
        # The claim is one PostgreSQL statement (UPDATE … FROM VALUES … RETURNING); the
        # embedded demo's SQLite gives each row its ordinary attempt instead.
        return [delivery_attempt(delivery_id=row.pk) for row in seen].count("delivered")
    try:
        with transaction.atomic():
            claimed = _claim_delivered(seen, now=timezone.now())
            notes = internal.send_many(claimed)
            DeliveryEvent.objects.bulk_create(
                [
                    DeliveryEvent(
                        delivery_id=row.pk,
                        action=DeliveryEvent.Action.DELIVERED,
                        from_status=row.from_status,
                        to_status=Status.DELIVERED,
                        attempt=row.attempts,
                        message=notes[row.pk],
                    )
                    for row in claimed
                ]
            )
    except Exception:  # recorded per delivery below, classified as delivery_attempt does
        logger.warning("Batch delivery failed; attempting one by one.", exc_info=True)
        results = [delivery_attempt(delivery_id=row.pk) for row in seen]
        return results.count("delivered")
    return len(claimed)


def submission_route(*, submission_id: int) -> dict[str, int]:
    """Route a committed submission: deliver its due internal-queue deliveries at once and
    send one `deliver` message per due webhook or email delivery to its channel's queue.
    Safe to run any number of times: a delivered or claimed row is left alone.
    Returns {"delivered": n, "queued": m}."""
    rows = Delivery.objects.filter(
        application__submission_id=submission_id,
        event=Delivery.Event.SUBMITTED,
        status__in=Delivery.CLAIMABLE,
        next_attempt_at__lte=timezone.now() + CLOCK_SKEW,
    ).values_list("pk", "channel__kind", "status", "attempts", "claim_token")
    seen, outside = [], []
    for pk, kind, status, attempts, token in rows:
        if kind == AgencyChannel.Kind.INTERNAL:
            seen.append(_Seen(pk, status, attempts, token))
        else:
            outside.append((pk, kind))
    delivered = internal_deliver_many(seen)
    return {"delivered": delivered, "queued": deliveries_enqueue(deliveries=outside)}
