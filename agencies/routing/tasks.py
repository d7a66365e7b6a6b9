"""Celery tasks of routing. They take ids, and the services they call re-fetch, lock and
check the row, so any of them may run twice or after the row is gone."""

from celery import shared_task

from agencies.routing import attempts, submission, sweeps

# acks_late + reject_on_worker_lost: a message is acknowledged only after the attempt is
# recorded, and goes back to the queue if the worker process dies mid-attempt.
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="agencies.tasks.route_submission", **RELIABLE)
def route_submission(submission_id: int) -> dict[str, int]:
    """Deliver a committed submission's internal-queue rows in one transaction and send one
    `deliver` task per webhook or email delivery."""
    return submission.submission_route(submission_id=submission_id)


# One request to one agency (webhook and SMTP time out after 10 s). The sweeper counts a
# row still "delivering" after DELIVERY_STUCK_AFTER_SECONDS (longer than this limit) as
# lost with its worker, which bounds recovery after a killed worker.
@shared_task(name="agencies.tasks.deliver", time_limit=30, soft_time_limit=25, **RELIABLE)
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery; retries are scheduled by the service."""
    return attempts.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="agencies.tasks.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> dict[str, int]:
    """Periodic (Celery beat): release stuck deliveries and re-send due ones."""
    return sweeps.deliveries_sweep()


@shared_task(name="agencies.review_tasks.send_status_email", ignore_result=True, acks_late=True)
def send_status_email(notification_id: int) -> str:
    """The status-email task of the release before the notification outbox, kept so that
    its messages still queued at an upgrade move their record into the outbox."""
    from agencies.review.notifications import resident_notification_to_outbox

    return resident_notification_to_outbox(record_id=notification_id)
