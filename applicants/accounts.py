"""Resident sign-up with a verified email address, without revealing who has an account.

Sign-up always answers "check your email". A new address gets an inactive account and a
link that activates it; an address that already has an account gets an email telling
its owner so (sign in or reset the password) and nothing changes. Only the owner of the
mailbox learns whether an account exists.

These emails, and the password reset's, go through the notification outbox like every
message to a resident: a row written in the request's transaction, sent by a worker and
retried while the mail server is down. Their links are credentials, so the row stores
no body: `_render_account_email` writes it, with a fresh token, when each attempt is made.
"""

from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import override

from notifications.models import Notification
from notifications.rendering import NOT_STORED, render_when_sent
from notifications.services import notify_resident

Kind = Notification.Kind
SUBJECTS = {
    Kind.SIGN_UP_VERIFY: "registration/sign_up_subject.txt",
    Kind.SIGN_UP_EXISTS: "registration/sign_up_subject.txt",
    Kind.PASSWORD_RESET: "registration/password_reset_subject.txt",
}
BODIES = {
    Kind.SIGN_UP_VERIFY: "registration/sign_up_verify_email.txt",
    Kind.SIGN_UP_EXISTS: "registration/sign_up_exists_email.txt",
    Kind.PASSWORD_RESET: "registration/password_reset_email.txt",
}


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
    kind = Kind.SIGN_UP_EXISTS if user.is_active else Kind.SIGN_UP_VERIFY
    _account_email(user=user, address=email, kind=kind, language=language)


@transaction.atomic
def password_reset_request(*, email: str, language: str = "en") -> None:
    """Write a password-reset email to each account Django would email for `email`
    (active, with a usable password); nothing, silently, when there is none."""
    form = PasswordResetForm()
    for user in form.get_users(email):
        address = getattr(user, user.get_email_field_name())
        _account_email(user=user, address=address, kind=Kind.PASSWORD_RESET, language=language)


def _account_email(*, user, address: str, kind: str, language: str) -> None:
    """Write one account email to the outbox, in the caller's transaction. Every request
    is its own cause (a resident asking twice gets two emails, as before); the subject
    is stored for the admin, the body (with its link) is not."""
    with override(language):
        subject = render_to_string(SUBJECTS[kind]).strip()
    notify_resident(
        applicant=None,
        user=user,
        destinations=[(Notification.Channel.EMAIL, address)],
        kind=kind,
        cause=f"{kind}:{uuid4()}",
        language=language,
        render=lambda channel: (subject, NOT_STORED),
        cause_is_new=True,
    )


@render_when_sent(*BODIES)
def _render_account_email(notification: Notification) -> tuple[str, str]:
    """The account email of `notification` for this attempt, with a token made now: a
    token made when the row was written could be spent or stale by then (both kinds of
    token change with the password, and the verification one with activation)."""
    user, kind = notification.user, notification.kind
    if kind == Kind.SIGN_UP_VERIFY and user.is_active:
        kind = Kind.SIGN_UP_EXISTS  # confirmed meanwhile, by a later link: just sign in
    if kind == Kind.SIGN_UP_VERIFY:
        context = {"verify_url": settings.SITE_URL + verification_path(user)}
    elif kind == Kind.PASSWORD_RESET:
        context = {"reset_url": settings.SITE_URL + _password_reset_path(user)}
    else:
        context = {"sign_in_url": settings.SITE_URL + reverse("applicants:sign_in")}
    with override(notification.language):
        subject = render_to_string(SUBJECTS[kind]).strip()
        return subject, render_to_string(BODIES[kind], context)


def _password_reset_path(user) -> str:
    return reverse(
        "applicants:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


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
