"""How a resident wants to be contacted, and the way back when they want no contact.

The intake asks `contact.preference` (email, text message, letter or none) next to the
optional email, phone and address. `preferred_contact` is the one place that turns those
answers into a channel and an address, for whatever sends notifications.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applicants.models import Applicant, Submission

PREFERENCE_KEY = "contact.preference"
EMAIL_KEY = "contact.email"
PHONE_KEY = "contact.phone"
ADDRESS_KEY = "home.address"

EMAIL, TEXT, POST, NONE = "email", "text", "post", "none"
# What each channel needs, and the error when the resident chose it without giving it.
NEEDS = {
    EMAIL: (EMAIL_KEY, _("Enter an email address, or choose another way to be contacted.")),
    TEXT: (PHONE_KEY, _("Enter a phone number for text messages, or choose another way.")),
    POST: (ADDRESS_KEY, _("Enter your address for letters, or choose another way.")),
}
STATUS_SALT = "applicants.guest-status"


def _given(value) -> bool:
    if isinstance(value, dict):
        return any(v not in (None, "") for v in value.values())
    return value not in (None, "", [])


def preferred_contact(
    applicant: Applicant | None, *, answers: dict | None = None
) -> tuple[str, object] | None:
    """The way to reach `applicant`: ``(channel, address)`` or None for "do not contact".

    `channel` is ``"email"`` (address: the email string), ``"text"`` (the phone number
    as stored, 10 digits) or ``"post"`` (the address dict: street, unit, city, state, zip).
    The resident's choice in `contact.preference` wins when what it needs was given. With
    no choice (older profiles, programs that do not ask) the account's email, then the
    answered email, then a phone number are used. None when the resident chose "none" or
    gave nothing usable: show them the reference number and the guest status link instead.
    One query, none when the caller passes the profile it read (`answers`).
    """
    if applicant is None:
        return None
    if answers is None:
        answers = dict(
            applicant.answers.filter(
                question_key__in=[PREFERENCE_KEY, EMAIL_KEY, PHONE_KEY, ADDRESS_KEY]
            ).values_list("question_key", "value")
        )
    account_email = applicant.user.email if applicant.user_id and applicant.user.email else ""
    email = account_email or applicant.email or answers.get(EMAIL_KEY) or ""
    given = {EMAIL: email, TEXT: answers.get(PHONE_KEY), POST: answers.get(ADDRESS_KEY)}
    choice = answers.get(PREFERENCE_KEY)
    if choice == NONE:
        return None
    if choice in given and _given(given[choice]):
        return choice, given[choice]
    for channel in (EMAIL, TEXT):
        if _given(given[channel]):
            return channel, given[channel]
    return None


def notification_destinations(
    applicant: Applicant | None, *, answers: dict | None = None
) -> list[tuple[str, str]]:
    """The notification outbox's (channel, address) pairs for `applicant`, from their
    preferred contact: an email, a text message to their phone, or nothing when they chose
    letters (the agency writes those) or no contact (they come back by reference number or
    the guest status link)."""
    contact = preferred_contact(applicant, answers=answers)
    if contact is None:
        return []
    channel, address = contact
    if channel == EMAIL:
        return [("email", str(address))]
    if channel == TEXT:
        return [("sms", str(address))]
    return []


def contact_errors(values: dict) -> dict[str, str]:
    """{question key: message} when the chosen way of contact lacks what it needs, for a
    form holding `contact.preference` and the field that channel needs."""
    choice = values.get(PREFERENCE_KEY)
    if choice not in NEEDS:
        return {}
    key, message = NEEDS[choice]
    if key in values and not _given(values[key]):
        return {key: str(message)}
    return {}


def guest_status_token(submission: Submission) -> str:
    """A secret, unguessable token for the status page of `submission` (signed with the
    site's key, so no database row is needed and it never expires with a session)."""
    return signing.dumps(submission.reference, salt=STATUS_SALT)


def submission_reference_from_token(token: str) -> str | None:
    """The submission reference a status token was made for, or None if it is not one."""
    try:
        reference = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    return reference if isinstance(reference, str) else None


def guest_status_path(submission: Submission) -> str:
    return reverse("applicants:status", kwargs={"token": guest_status_token(submission)})
