"""Sending one claimed notification over its channel. Called with no transaction open and
no row locked: an SMTP server or SMS provider may take seconds to answer."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from notifications.models import Notification
from notifications.rendering import content
from notifications.sms import SmsError, TransientSmsError, sms_backend


class SendError(Exception):
    """The attempt failed; `transient` says whether a later attempt may succeed."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def _send_email(notification: Notification) -> str:
    subject, body = content(notification)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[notification.address],
        headers={"Message-ID": notification.message_id},
        connection=get_connection(timeout=settings.NOTIFICATION_EMAIL_TIMEOUT_SECONDS),
    )
    try:
        message.send()
    except smtplib.SMTPResponseException as error:
        # 4xx: the server asks us to come back later; 5xx: it will not take this message.
        raise SendError(
            f"SMTP {error.smtp_code}: {error.smtp_error!r}", transient=error.smtp_code < 500
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise SendError(f"Address refused: {error.recipients}", transient=False) from error
    except (smtplib.SMTPException, OSError) as error:  # dropped connections, timeouts
        raise SendError(f"{type(error).__name__}: {error}", transient=True) from error
    return f"emailed as {notification.message_id}"


def _send_sms(notification: Notification) -> str:
    try:
        _, body = content(notification)
        return sms_backend().send(
            to=notification.address, body=body, message_id=notification.message_id
        )
    except TransientSmsError as error:
        raise SendError(str(error), transient=True) from error
    except SmsError as error:
        raise SendError(str(error), transient=False) from error


def send(notification: Notification) -> str:
    """Send `notification`; return a note for its history or raise SendError."""
    if notification.channel == Notification.Channel.EMAIL:
        return _send_email(notification)
    if notification.channel == Notification.Channel.SMS:
        return _send_sms(notification)
    raise SendError(f"Unknown channel {notification.channel!r}.", transient=False)
