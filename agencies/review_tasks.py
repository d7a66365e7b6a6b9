"""Background work of the caseworker review: telling residents about status changes."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from agencies.review_models import ResidentNotification
from applicants.followup import application_followup

logger = logging.getLogger(__name__)


@shared_task(
    name="agencies.review_tasks.send_status_email",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_status_email(notification_id: int) -> str:
    """Email the resident about one status change, in the language they applied in.

    Safe to run twice: the notification row is locked and marked sent in the same
    transaction, so a second run finds it sent and returns.
    """
    with transaction.atomic():
        notification = (
            ResidentNotification.objects.select_for_update(of=("self",))
            .select_related(
                "application",
                "application__program",
                "application__program__agency",
                "application__program_version",
            )
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "gone"
        if notification.sent_at or notification.skipped_reason:
            return "already done"
        if not notification.to_email:
            notification.skipped_reason = "no email address"
            notification.save(update_fields=["skipped_reason"])
            return "skipped"
        application = notification.application
        with translation.override(notification.language):
            context = {
                # The same account of the decision, contact and next steps as the page.
                "followup": application_followup(
                    application=application, language=notification.language
                ),
                "application": application,
                "program_name": application.program.text("name", notification.language),
                "status_label": application.Status(notification.status).label,
                "message": notification.message,
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(
                render_to_string("agencies/email/status_changed_subject.txt", context).split()
            )
            body = render_to_string("agencies/email/status_changed.txt", context)
        send_mail(subject, body, None, [notification.to_email])
        notification.subject = subject
        notification.sent_at = timezone.now()
        notification.save(update_fields=["subject", "sent_at"])
    logger.info("status email sent for application %s", application.pk)
    return "sent"
