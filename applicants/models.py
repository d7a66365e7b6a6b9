"""Residents, their shared answers, and what they submitted.

`Answer` is the shared profile: one row per applicant and question key, updated wherever
the resident answers, so every later form is pre-filled. `Application.answers` is a
frozen copy taken at submission: later profile edits never rewrite what an agency got.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Django loads only this module for the `applicants` app: importing the navigators' models
# registers them with it (their tables keep the `applicants_` names).
from applicants.navigators.models import (  # noqa: F401
    ClientRelationship,
    LinkCode,
    NavigatorMembership,
    PartnerAccessEvent,
    PartnerOrganization,
)

# Crockford's base32 without I, L, O, U: easy to read aloud and type from a letter.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str = "CP") -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


class Applicant(models.Model):
    """A resident, signed in (`user`) or a guest known by their session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
    )
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("applicant")

    def __str__(self):
        return self.email or f"guest #{self.pk}"


class Answer(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(_("question key"), max_length=100)
    # Typed as the question type's canonical JSON value (see programs.question_types):
    # currency in integer cents, dates as ISO strings, household members as a list.
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(auto_now=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who typed it, when not the resident (e.g. a navigator)."),
    )
    partner_organization = models.ForeignKey(
        "applicants.PartnerOrganization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered for organization"),
        help_text=_("The partner organization the navigator who typed it works for."),
    )

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "question_key"], name="one_answer_per_applicant_and_key"
            )
        ]

    def __str__(self):
        return f"{self.applicant_id}:{self.question_key}"


class Submission(models.Model):
    """One press of "submit": the applications to every chosen program, made together."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="submissions")
    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference)
    # The token of the review page that was submitted; its uniqueness makes a double click,
    # a back-button resend or a retried request create nothing twice.
    submit_token = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10, default="en")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # Set when a community navigator submitted on the resident's behalf: agencies see who.
    entered_by_navigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by navigator"),
    )
    partner_organization = models.ForeignKey(
        "applicants.PartnerOrganization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("partner organization"),
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("submission")

    def __str__(self):
        return self.reference


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        MORE_INFO_NEEDED = "more_info_needed", _("More information needed")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="applications"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="applications"
    )
    program_version = models.ForeignKey(
        "programs.ProgramVersion", on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    # Frozen at submission: {question_key: value} for the questions this program asks.
    answers = models.JSONField(_("answers"), default=dict)
    # Frozen eligibility result: {"outcome", "reasons", "missing", "estimated_value"}.
    eligibility = models.JSONField(_("eligibility at submission"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    # Set on approval when the program declares a certification period: the last day the
    # benefit runs without a renewal.
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    # A renewal names the approved application it continues.
    renews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("renews"),
    )

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("application")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "program"], name="one_application_per_program_per_submission"
            )
        ]
        indexes = [models.Index(fields=["program", "status", "submitted_at"])]

    def __str__(self):
        return self.reference

    # After a denial or a withdrawal a resident may apply again; anything else is still
    # open (or approved) and a second application would be a duplicate.
    REAPPLY_ALLOWED_AFTER = frozenset({Status.DENIED, Status.WITHDRAWN})


class ApplicationUpdate(models.Model):
    """One entry of what the resident sees of their application's history: a status change
    with the message the caseworker wrote to them (kept apart from internal notes), a
    request for information naming what is needed, or the resident's own reply.

    Written by the services that change an application, in the same transaction."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        REPLY = "reply", _("Your reply")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="updates", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Application.Status.choices)
    message = models.TextField(_("message to the resident"), blank=True)
    # A request for information names what is needed: file question keys (documents) and
    # other question keys (answers to correct).
    requested_documents = models.JSONField(_("documents requested"), default=list, blank=True)
    requested_questions = models.JSONField(_("answers requested"), default=list, blank=True)
    # A reply that corrected answers keeps the snapshot it replaced.
    replaced_answers = models.JSONField(_("answers before the reply"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application update")
        verbose_name_plural = _("application updates")

    def __str__(self):
        return f"{self.application_id}: {self.kind} {self.status}"
