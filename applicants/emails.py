"""The emails residents receive from the journey, rendered in their language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from applicants.models import Submission
from programs.models import Question, QuestionType


def submission_recipient(submission: Submission) -> str:
    """Where to confirm a submission by email: "" unless email is the resident's way of
    contact (`applicants.contact.preferred_contact`); then the account's email, else the
    applicant's, else the email the resident gave in their answers."""
    from applicants.contact import EMAIL, preferred_contact

    applicant = submission.applicant
    contact = preferred_contact(applicant)
    if contact is None or contact[0] != EMAIL:
        return ""  # the resident chose another way (or none): no email
    if applicant.user_id and applicant.user.email:
        return applicant.user.email
    if applicant.email:
        return applicant.email
    email_keys = Question.objects.filter(type=QuestionType.EMAIL).values_list("key", flat=True)
    answer = (
        applicant.answers.filter(question_key__in=list(email_keys)).order_by("-updated_at").first()
    )
    if answer and isinstance(answer.value, str):
        return answer.value
    return ""


def submission_confirmation_send(*, submission: Submission) -> bool:
    """Send the confirmation of `submission` in the language it was made in.

    Returns False when the resident gave no email address (a guest may not have)."""
    recipient = submission_recipient(submission)
    if not recipient:
        return False
    applications = list(submission.applications.select_related("program").order_by("reference"))
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "applications": [
                {"program": a.program.text("name"), "reference": a.reference} for a in applications
            ],
            "applications_url": settings.SITE_URL + reverse("applicants:my_applications"),
            "PORTAL_NAME": "CiviPortal",
        }
        subject = render_to_string("applicants/email/confirmation_subject.txt", context)
        body = render_to_string("applicants/email/confirmation.txt", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[recipient])
    message.send()
    return True
