"""How a resident without an account comes back to their applications.

Every message about an application links straight to it (`resident_link`). For an
account that is the application's page behind sign-in; for a guest it is a signed,
expiring link naming the guest and the application: opening it starts a fresh guest
session for that resident, so they can read the request, upload what is asked and reply
with no account. A guest whose link has expired, or who was never sent one, comes back
with the reference number and their date of birth (`views/guest_access.py`, rate
limited). The never-expiring status link of `contact.py` shows statuses only, never
answers, so it stays the way back for residents who chose no contact.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from applicants.models import Applicant, Application

ACCESS_SALT = "applicants.guest-access"


class LinkInvalid(Exception):
    """The link was not made by this site, or names an application no longer the guest's."""


class LinkExpired(LinkInvalid):
    """The link was made by this site but is older than GUEST_LINK_MAX_AGE_SECONDS."""


def guest_access_token(*, applicant_id: int, reference: str = "") -> str:
    """A token for the guest `applicant_id`, optionally naming one of their applications
    (an application's reference; empty for all their applications)."""
    return signing.dumps({"applicant": applicant_id, "reference": reference}, salt=ACCESS_SALT)


def guest_access_read(token: str, *, max_age: int | None = None) -> tuple[Applicant, str]:
    """The guest and application reference a link names. Raises `LinkExpired` for a link
    older than `max_age` seconds (GUEST_LINK_MAX_AGE_SECONDS by default) and `LinkInvalid`
    for a tampered link, or one whose guest now has an account or no such application."""
    if max_age is None:
        max_age = settings.GUEST_LINK_MAX_AGE_SECONDS
    try:
        payload = signing.loads(token, salt=ACCESS_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except signing.BadSignature as error:
        raise LinkInvalid(str(error)) from error
    if not isinstance(payload, dict):
        raise LinkInvalid("not a guest link")
    applicant = Applicant.objects.filter(pk=payload.get("applicant"), user__isnull=True).first()
    reference = payload.get("reference") or ""
    if applicant is None or not isinstance(reference, str):
        raise LinkInvalid("no such guest")
    if (
        reference
        and not Application.objects.filter(
            reference=reference, submission__applicant=applicant
        ).exists()
    ):
        raise LinkInvalid("no such application")
    return applicant, reference


def message_language(*, applicant: Applicant, reference: str = "") -> str:
    """The language the resident's messages about `reference` (else their latest
    submission) were written in, so the page their link opens speaks it too."""
    submissions = applicant.submissions.order_by("-submitted_at", "-pk")
    if reference:
        submissions = submissions.filter(applications__reference=reference)
    return (submissions.values_list("language", flat=True).first() or "").split("-")[0]


def resident_link(*, applicant: Applicant, reference: str = "") -> str:
    """The absolute address a message gives a resident for one application (or, with no
    `reference`, all their applications): the page itself for an account, a signed
    expiring link for a guest."""
    if applicant.user_id is None:
        token = guest_access_token(applicant_id=applicant.pk, reference=reference)
        path = reverse("applicants:guest_access", kwargs={"token": token})
    elif reference:
        path = reverse("applicants:application_detail", kwargs={"reference": reference})
    else:
        path = reverse("applicants:my_applications")
    return settings.SITE_URL + path
