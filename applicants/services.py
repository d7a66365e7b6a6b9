"""Business actions of the resident journey: profiles, accounts, guests' claims, uploads.

Views, admin actions, tasks and commands all call these functions; none repeats their
logic. Submitting lives in `applicants.submission`.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, JSONField, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Answer, Applicant, Application, Submission
from applicants.navigators.models import ClientRelationship
from programs.models import Question, QuestionType

logger = logging.getLogger(__name__)


# Profiles -----------------------------------------------------------------------------


def applicant_for_user_get_or_create(*, user) -> Applicant:
    """The account's applicant, created on first use."""
    applicant, _created = Applicant.objects.get_or_create(
        user=user, defaults={"email": user.email or ""}
    )
    return applicant


def answers_save(
    *, applicant: Applicant, values: dict, entered_by=None, partner_organization=None
) -> list[str]:
    """Upsert the resident's answers, one row per question key; returns the keys changed.

    `entered_by` (and `partner_organization`) name who typed them when it was not the
    resident: a community navigator and the organization they work for.

    Unchanged values keep their `updated_at`, so "answered on March 12" stays true when a
    resident passes through a pre-filled step again. Two queries whatever the number of
    answers: one read, one `INSERT ... ON CONFLICT DO UPDATE`.
    """
    if not values:
        return []
    existing = dict(
        Answer.objects.filter(applicant=applicant, question_key__in=list(values)).values_list(
            "question_key", "value"
        )
    )
    changed = [
        Answer(
            applicant=applicant,
            question_key=key,
            value=_stored(value),
            entered_by=entered_by,
            partner_organization=partner_organization,
        )
        for key, value in values.items()
        if key not in existing or existing[key] != value
    ]
    if changed:
        Answer.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["applicant", "question_key"],
            update_fields=["value", "updated_at", "entered_by", "partner_organization"],
        )
    return [answer.question_key for answer in changed]


def _stored(value):
    # An optional question left blank is answered with JSON null (not SQL NULL), so it is
    # not asked again.
    return Value(None, output_field=JSONField()) if value is None else value


@transaction.atomic
def applicant_attach_user(*, applicant: Applicant | None, user) -> Applicant:
    """The account's applicant after sign-up: a brand-new account takes over the session's
    guest (`applicant`) with its unsubmitted answers.

    Nothing else ever moves into an account at sign-up or sign-in, because on a shared
    computer the guest may be someone else: an account that already has a profile keeps
    it untouched, and a guest's submitted applications move only through
    `submission_claim`, with proof.
    """
    target = Applicant.objects.select_for_update().filter(user=user).first()
    if (
        target is not None
        or applicant is None
        or applicant.user_id is not None
        or applicant.submissions.exists()
    ):
        return target or applicant_for_user_get_or_create(user=user)
    applicant.user = user
    applicant.email = applicant.email or user.email or ""
    applicant.save(update_fields=["user", "email", "updated_at"])
    return applicant


# The answer a resident proves a guest submission with, besides its reference number.
CLAIM_BIRTH_DATE_KEY = "applicant.birth_date"


class ClaimRefused(ValidationError):
    """No guest submission matches the reference and date of birth given."""


def guest_submission_matching(
    *, reference: str, birth_date: date, lock: bool = False
) -> Submission | None:
    """The guest submission (no account) with this reference number (the submission's or
    one application's) whose applications give this date of birth, else None. Callers
    answer every miss the same way, so a reference's existence is never revealed."""
    reference = (reference or "").strip().upper()
    submission_id = (
        Submission.objects.filter(applicant__user__isnull=True)
        .filter(Q(reference=reference) | Q(applications__reference=reference))
        .values_list("pk", flat=True)
        .first()
    )
    if not submission_id:
        return None
    queryset = Submission.objects.select_for_update() if lock else Submission.objects
    submission = queryset.filter(pk=submission_id).first()
    birth_dates = (
        {a.answers.get(CLAIM_BIRTH_DATE_KEY) for a in submission.applications.all()}
        if submission
        else set()
    )
    return submission if birth_date.isoformat() in birth_dates else None


@transaction.atomic
def submission_claim(*, user, reference: str, birth_date: date) -> Submission:
    """Move a guest's submission into `user`'s account once they prove it is theirs: its
    reference number (the submission's or one application's) and the date of birth
    given on it. The same message for every refusal, so it reveals nothing."""
    submission = guest_submission_matching(reference=reference, birth_date=birth_date, lock=True)
    if submission is None:
        raise ClaimRefused(
            _("No application matches that reference number and date of birth."),
            code="no_match",
        )
    submission.applicant = applicant_for_user_get_or_create(user=user)
    submission.save(update_fields=["applicant"])
    logger.info("submission %s claimed by user %s", submission.reference, user.pk)
    return submission


def guest_applicants_purge(*, now=None, max_age: timedelta | None = None) -> int:
    """Delete guests whose session has certainly expired and who never submitted.

    A guest can only be reached through their session, which lives SESSION_COOKIE_AGE;
    after that their answers are unreachable and kept for no one, so they go.
    """

    now = now or timezone.now()
    max_age = max_age or timedelta(seconds=settings.SESSION_COOKIE_AGE)
    cutoff = now - max_age
    stale = (
        Applicant.objects.filter(user__isnull=True, updated_at__lt=cutoff, submissions=None)
        .exclude(answers__updated_at__gte=cutoff)
        # A navigator's client has no account and no session, but an organization keeps
        # their record: never a forgotten guest while the relationship lasts.
        .exclude(
            Exists(
                ClientRelationship.objects.filter(applicant=OuterRef("pk"), revoked_at__isnull=True)
            )
        )
        .values_list("pk", flat=True)
    )
    deleted, _per_model = Applicant.objects.filter(pk__in=list(stale)).delete()
    return deleted


# Uploaded documents --------------------------------------------------------------------

UPLOADS_DIRECTORY = "uploads"


def uploads_purge_orphaned(*, older_than: timedelta = timedelta(days=2), now=None) -> int:
    """Delete uploaded files that no answer and no application refers to.

    A document is stored as soon as its form field validates (so a resident need not upload
    it again when another field on the page fails); one whose page was never completed, or
    that was replaced by a newer upload, would otherwise stay on disk for ever. Residents'
    documents are sensitive, so they go once they are `older_than` and unreferenced.
    Returns the number of files deleted.
    """

    now = now or timezone.now()
    keys = list(Question.objects.filter(type=QuestionType.FILE).values_list("key", flat=True))
    referenced = set()
    if keys:
        profile = Answer.objects.filter(question_key__in=keys).values_list("value", flat=True)
        frozen = (
            Application.objects.filter(answers__has_any_keys=keys)
            .values_list("answers", flat=True)
            .iterator()
        )
        values = [*profile, *(answers.get(key) for answers in frozen for key in keys)]
        referenced = {v["path"] for v in values if isinstance(v, dict) and v.get("path")}
    deleted = 0
    try:
        folders, _files = default_storage.listdir(UPLOADS_DIRECTORY)
    except FileNotFoundError:
        return 0
    for folder in folders:
        folder_path = f"{UPLOADS_DIRECTORY}/{folder}"
        for name in default_storage.listdir(folder_path)[1]:
            path = f"{folder_path}/{name}"
            if path in referenced:
                continue
            if now - default_storage.get_modified_time(path) < older_than:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted
