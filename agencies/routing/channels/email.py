"""Email notice to the agency's intake address. The body carries no answers, only the
reference, the program and a link to the application in the admin (sign-in required)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from agencies.routing.channels import PermanentDeliveryError, TransientDeliveryError

ATOMIC = False
RELATED = ("application__program", "channel__agency")


def admin_link(delivery) -> str:
    try:
        path = reverse("admin:applicants_application_change", args=[delivery.application_id])
    except NoReverseMatch:
        path = reverse("admin:agencies_delivery_change", args=[delivery.pk])
    return f"{settings.SITE_URL}{path}"


def build_message(delivery) -> EmailMessage:
    application = delivery.application
    program = application.program
    names = {"reference": application.reference, "program": program.name}
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.event == "application.withdrawn":
            subject = _("Application withdrawn %(reference)s: %(program)s") % names
            opening = _("The resident withdrew their application to %(program)s.") % names
        elif delivery.event == "application.resubmitted":
            subject = _("Response received %(reference)s: %(program)s") % names
            opening = _("The resident answered your request about %(program)s.") % names
        else:
            subject = _("New application %(reference)s: %(program)s") % names
            opening = _("A resident has applied to %(program)s.") % names
        body = "\n".join(
            [
                opening,
                "",
                _("Application reference: %(reference)s") % {"reference": application.reference},
                _("Program: %(program)s") % {"program": program.name},
                _("Submitted: %(when)s")
                # The city's time zone (settings.TIME_ZONE), not the database's UTC.
                % {
                    "when": formats.date_format(
                        timezone.localtime(application.submitted_at), "DATETIME_FORMAT"
                    )
                    + timezone.localtime(application.submitted_at).strftime(" %Z")
                },
                "",
                _("Review it in CiviPortal (sign-in required):"),
                admin_link(delivery),
                "",
                _(
                    "For the resident's privacy this email holds no answers; they are "
                    "only shown to signed-in caseworkers."
                ),
            ]
        )
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    key = str(delivery.idempotency_key)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.channel.intake_email],
        # A stable Message-ID lets mail systems fold a rare duplicate send into one.
        headers={"Message-ID": f"<{key}@{domain or 'civiportal'}>", "X-CiviPortal-Delivery": key},
    )


def send(delivery) -> str:
    """Send the notice; a refused recipient is permanent, a mail server hiccup transient."""
    if not delivery.channel.intake_email:
        raise PermanentDeliveryError("The agency has no intake email address.")
    message = build_message(delivery)
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise PermanentDeliveryError(f"Mail server refused the message: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise TransientDeliveryError(f"Mail server error: {error}") from error
    return f"emailed {delivery.channel.intake_email}"
