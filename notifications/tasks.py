"""Celery tasks of resident notifications. They take ids; the services re-fetch, claim
and check the row, so any of them may run twice or after the row is gone."""

from celery import shared_task

from notifications import services


@shared_task(
    name="notifications.tasks.send_notification",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # One email or text; the sweeper counts a row still "sending" after
    # NOTIFICATION_STUCK_AFTER_SECONDS (longer than this limit) as lost with its worker.
    time_limit=30,
    soft_time_limit=25,
)
def send_notification(notification_id: int) -> str:
    """One attempt at one notification; retries are scheduled by the service."""
    return services.notification_attempt(notification_id=notification_id)


@shared_task(name="notifications.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications() -> dict[str, int]:
    """Periodic (Celery beat): release stuck notifications and re-send due ones."""
    return services.notifications_sweep()
