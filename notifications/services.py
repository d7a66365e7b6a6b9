"""Business actions of resident notifications: the outbox of everything told to a resident.

`notify_resident` writes one `Notification` per destination inside the transaction of its
cause (a submission, a status change) and publishes a `send_notification` task on commit
through `notifications_enqueue`, which never lets a broker error reach the caller.
`notification_attempt` claims a row by a conditional UPDATE, sends with no lock held and
records the outcome; `notifications_sweep` (beat) releases rows whose worker died and
re-sends those whose message was lost. Every state change writes a `NotificationEvent`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from civiportal.after_response import on_commit_after_response
from civiportal.outbox import CLOCK_SKEW, claim_row
from notifications import sending
from notifications.models import InvalidNotificationTransition, Notification, NotificationEvent
from notifications.signals import notification_sent

logger = logging.getLogger(__name__)

Status = Notification.Status
Action = NotificationEvent.Action
QUEUE = "notifications"
# Publishing while a resident waits: try briefly, then leave the row to the sweeper.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}


def notify_resident(
    *,
    applicant,
    destinations: Iterable[tuple[str, str]],
    kind: str,
    cause: str,
    language: str,
    render: Callable[[str], tuple[str, str]],
    submission=None,
    application=None,
    user=None,
    cause_is_new: bool = False,
) -> list[Notification]:
    """Write the notifications `applicant` is owed for `cause` (a unique text such as
    "confirmation:<submission id>"), one per destination (the (channel, address) pairs
    the resident chose, from `applicants.contact.notification_destinations`), rendered by
    `render(channel)` -> (subject, body). Must run inside the cause's own transaction;
    the rows commit with it and their tasks are published on commit. Writing the same
    cause twice writes nothing new. Returns the rows (empty when the resident gave no address).

    `cause_is_new`: the cause was created in this very transaction (a new submission), so
    nothing can have been written for it yet and the read that makes a second call
    harmless is skipped; the unique cause key still refuses a second row.

    `applicant` may be None for an account email (`user` then names the account): a
    sign-up has no Applicant yet.

    The new rows are written already marked as queued (`queued_for`): their task is
    published on commit, and marking them here saves an UPDATE after publishing. If
    publishing fails the mark is cleared, so the next sweep sends them; only a process
    that dies between commit and publishing leaves them to the sweeper's
    NOTIFICATION_REQUEUE_AFTER_SECONDS."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_resident() belongs inside its cause's transaction.")
    rows, created = [], []
    marked = timezone.now()
    for channel, address in destinations:
        cause_key = f"{cause}:{channel}"
        existing = (
            None if cause_is_new else Notification.objects.filter(cause_key=cause_key).first()
        )
        if existing is not None:
            rows.append(existing)
            continue
        subject, body = render(channel)
        notification = Notification.objects.create(
            cause_key=cause_key,
            kind=kind,
            channel=channel,
            address=address,
            language=language,
            subject=" ".join(subject.split())[:300],
            body=body,
            applicant=applicant,
            user=user,
            submission=submission,
            application=application,
            queued_for=marked,
        )
        _event(notification, action=Action.CREATED, from_status="")
        rows.append(notification)
        created.append(notification.pk)
    if created:
        # Published once the response is sent, in a request (civiportal/after_response.py).
        on_commit_after_response(partial(notifications_enqueue, ids=created, marked=marked))
    # Written by an earlier call and never tried: published again, marked as usual.
    unsent = [
        row.pk
        for row in rows
        if row.pk not in created and row.status == Status.PENDING and row.attempts == 0
    ]
    if unsent:
        transaction.on_commit(partial(notifications_enqueue, ids=unsent))
    return rows


def notifications_enqueue(
    *, ids: Iterable[int], countdown: float = 0, marked: datetime | None = None
) -> int:
    """Publish a `send_notification` message per id and note when each is due. Never
    raises: on a broker error (logged) the rest are left unqueued for the sweeper.
    Returns how many were published. `marked`: the rows were written with `queued_for`
    at that moment (`notify_resident`), so the mark is not written again."""
    from notifications.tasks import send_notification  # the task calls this module

    ids = list(ids)
    if marked is not None:
        due = marked
    else:
        due = timezone.now() + timedelta(seconds=countdown)
        # Noted before publishing: a worker may run the message (and record a failure
        # that clears the mark) before this process would get to note it afterwards.
        Notification.objects.filter(pk__in=ids).update(queued_for=due)
    sent = 0
    try:
        for notification_id in ids:
            send_notification.apply_async(
                args=[notification_id],
                queue=QUEUE,
                retry=True,
                retry_policy=ENQUEUE_RETRY_POLICY,
                **({"countdown": countdown} if countdown else {}),
            )
            sent += 1
    except Exception:  # broker trouble of any kind: the outbox keeps the rest
        logger.warning(
            "Broker unavailable; %d notifications left to the sweeper.",
            len(ids) - sent,
            exc_info=True,
        )
        Notification.objects.filter(pk__in=ids[sent:], queued_for=due).update(queued_for=None)
    return sent


def _event(notification: Notification, *, action: str, from_status: str, message="", user=None):
    NotificationEvent.objects.create(
        notification=notification,
        action=action,
        from_status=from_status,
        to_status=notification.status,
        attempt=notification.attempts,
        message=message,
        acting_user=user,
    )


def _transition(notification: Notification, to_status: str, *, action: str, message="",
                user=None, fields: Iterable[str] = ()) -> None:  # fmt: skip
    """Move a locked notification along an allowed transition and record it."""
    from_status = notification.status
    if not notification.can_move_to(to_status):
        raise InvalidNotificationTransition(
            f"A notification that is {from_status} cannot become {to_status}."
        )
    notification.status = to_status
    notification.updated_at = timezone.now()
    notification.save(update_fields=["status", "updated_at", *fields])
    _event(notification, action=action, from_status=from_status, message=message, user=user)


def retry_delay_seconds(*, attempts: int) -> float:
    """Exponential backoff with jitter, as for deliveries."""
    delay = min(
        settings.NOTIFICATION_RETRY_MAX_SECONDS,
        settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311  (jitter, not security)


def _claim(notification: Notification, *, now) -> bool:
    """Claim a due row as `sending` (`civiportal.outbox.claim_row`: one conditional UPDATE
    on what was read), committed with its event before anything is sent: of two workers
    exactly one wins, and one that dies while sending leaves a row the sweeper releases."""
    from_status = notification.status
    with transaction.atomic():
        if not claim_row(notification, now=now, status=Status.SENDING):
            return False
        _event(notification, action=Action.CLAIMED, from_status=from_status)
    return True


def _locked(notification_id: int) -> Notification:
    return Notification.objects.select_for_update().get(pk=notification_id)


def _record_success(notification: Notification, note: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        current = _locked(notification.pk)
        if current.status in Notification.FINISHED:
            return "sent"
        if current.claim_token != notification.claim_token:
            note = f"{note} (late answer)"
        current.sent_at, current.last_error = now, ""
        _transition(current, Status.SENT, action=Action.SENT, message=note,
                    fields=["sent_at", "last_error"])  # fmt: skip
        notification_sent.send(sender=Notification, notification=current)
    return "sent"


def _record_failure(notification: Notification, error: str, *, transient: bool) -> str:
    with transaction.atomic():
        current = _locked(notification.pk)
        if current.status != Status.SENDING or current.claim_token != notification.claim_token:
            return current.status  # a newer attempt owns the row
        current.last_error = error[:4000]
        if transient and current.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
            delay = retry_delay_seconds(attempts=current.attempts)
            current.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            current.queued_for = None
            _transition(current, Status.FAILED, action=Action.FAILED,
                        message=f"{error} (retry in {delay:.1f} s)",
                        fields=["last_error", "next_attempt_at", "queued_for"])  # fmt: skip
            # Eager (embedded) mode would run a countdown at once, in a loop: there the
            # retry waits for the sweeper instead.
            if not current_app.conf.task_always_eager:
                transaction.on_commit(
                    partial(notifications_enqueue, ids=[current.pk], countdown=delay)
                )
            return "failed"
        reason = "transient errors" if transient else "a permanent error"
        _transition(current, Status.DEAD, action=Action.DEAD,
                    message=f"{error} (gave up after {current.attempts} attempts: {reason})",
                    fields=["last_error"])  # fmt: skip
        return "dead"


def notification_attempt(*, notification_id: int) -> str:
    """One attempt at one notification: claim it, send it (no transaction open, no row
    locked), record the outcome. Safe to run any number of times for the same id: only a
    due pending/failed row is claimed. Returns "skipped", "sent", "failed" or "dead"."""
    now = timezone.now()
    notification = (
        Notification.objects.filter(pk=notification_id, status__in=Notification.CLAIMABLE)
        .filter(next_attempt_at__lte=now + CLOCK_SKEW)
        .first()
    )
    if notification is None or not _claim(notification, now=now):
        return "skipped"
    try:
        note = sending.send(notification)
    except sending.SendError as error:
        return _record_failure(notification, str(error), transient=error.transient)
    except SoftTimeLimitExceeded:
        return _record_failure(notification, "The attempt ran out of time.", transient=True)
    except Exception as error:  # a bug or bad data: retrying would repeat it
        logger.exception("Notification %s failed unexpectedly", notification_id)
        message = f"Unexpected error: {type(error).__name__}: {error}"
        return _record_failure(notification, message, transient=False)
    return _record_success(notification, note)


def notifications_sweep(*, now=None) -> dict[str, int]:
    """Release rows stuck in `sending` past NOTIFICATION_STUCK_AFTER_SECONDS (longer than
    the send task's hard time limit, so their worker is gone) and re-send every due row
    whose task message never ran. Run by beat; safe anywhere, any number of times."""
    now = now or timezone.now()
    batch = settings.NOTIFICATION_SWEEP_BATCH_SIZE
    stuck_before = now - timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_SECONDS)
    released = 0
    with transaction.atomic():
        stuck = Notification.objects.select_for_update(skip_locked=True).filter(
            status=Status.SENDING, claimed_at__lt=stuck_before
        )[:batch]
        for row in stuck:
            row.last_error = "The worker was lost or timed out during the attempt."
            if row.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                _transition(row, Status.DEAD, action=Action.DEAD, message=row.last_error,
                            fields=["last_error"])  # fmt: skip
            else:
                row.next_attempt_at, row.queued_for = now, None
                _transition(row, Status.FAILED, action=Action.RELEASED, message=row.last_error,
                            fields=["last_error", "next_attempt_at", "queued_for"])  # fmt: skip
            released += 1
    requeue_before = now - timedelta(seconds=settings.NOTIFICATION_REQUEUE_AFTER_SECONDS)
    due = (
        Notification.objects.filter(status__in=Notification.CLAIMABLE, next_attempt_at__lte=now)
        .filter(Q(queued_for__isnull=True) | Q(queued_for__lte=requeue_before))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    queued = notifications_enqueue(ids=list(due))
    if released or queued:
        logger.info("Notification sweep: %d released, %d queued.", released, queued)
    return {"released": released, "queued": queued}


@transaction.atomic
def notification_retry(*, notification: Notification, acting_user) -> Notification:
    """Staff action "retry now": put a failed or dead notification back in line at once
    (a dead one gets a fresh round of attempts). Audited with the acting user."""
    notification = _locked(notification.pk)
    if notification.status not in (Status.FAILED, Status.DEAD):
        raise InvalidNotificationTransition(
            f"Only failed or dead notifications can be retried; this one is {notification.status}."
        )
    if notification.status == Status.DEAD:
        notification.attempts = 0
    notification.next_attempt_at, notification.queued_for = timezone.now(), None
    _transition(notification, Status.PENDING, action=Action.RETRIED, user=acting_user,
                fields=["attempts", "next_attempt_at", "queued_for"])  # fmt: skip
    transaction.on_commit(partial(notifications_enqueue, ids=[notification.pk]))
    return notification


@transaction.atomic
def notification_resolve(*, notification: Notification, acting_user, note: str = ""):
    """Staff action "mark resolved": the resident was told another way; stop trying."""
    notification = _locked(notification.pk)
    _transition(notification, Status.RESOLVED, action=Action.RESOLVED, message=note,
                user=acting_user)  # fmt: skip
    return notification
