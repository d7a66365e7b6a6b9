"""Resident sign-up with a verified email address, without revealing who has an account.

Sign-up always answers "check your email". A new address gets an inactive account and a
link that activates it; an address that already has an account gets an email telling
its owner so (sign in or reset the password) and nothing changes. Only the owner of the
mailbox learns whether an account exists.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import override

logger = logging.getLogger(__name__)


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token, with its own salt, and spent once the account is
    active (the hash includes `is_active`)."""

    key_salt = "civiportal.applicants.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


verification_tokens = EmailVerificationTokenGenerator()


@transaction.atomic
def account_sign_up(*, email: str, password: str, language: str = "en") -> None:
    """Start a sign-up for `email` (already normalised, password already validated).

    Creates an inactive account and emails its activation link, or, when the address
    already has an account, emails the owner instead. An unverified account signed up
    again gets the new password and a fresh link: the first may have been lost.
    """
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username__iexact=email).first()
    if user is None:
        user = user_model.objects.create_user(
            username=email, email=email, password=password, is_active=False
        )
    elif not user.is_active:
        user.set_password(password)
        user.save(update_fields=["password"])
    if user.is_active:
        template = "registration/sign_up_exists_email.txt"
        context = {"sign_in_url": settings.SITE_URL + reverse("applicants:sign_in")}
    else:
        template = "registration/sign_up_verify_email.txt"
        context = {"verify_url": settings.SITE_URL + verification_path(user)}
    transaction.on_commit(lambda: _send(email, template, context, language))


def verification_path(user) -> str:
    return reverse(
        "applicants:sign_up_verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": verification_tokens.make_token(user),
        },
    )


def account_verify(*, uidb64: str, token: str):
    """Activate the account the link names; the user, or None for a bad or spent link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or user.is_active or not verification_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def _send(email: str, template: str, context: dict, language: str) -> None:
    with override(language):
        body = render_to_string(template, context)
        subject = render_to_string("registration/sign_up_subject.txt").strip()
    send_mail(subject, body, None, [email])
