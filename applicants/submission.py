"""Submitting applications: `submission_create` and its named steps.

One transaction makes the `Submission` and its applications; side effects (the
confirmation, delivery) are outbox rows sent after commit, so a rolled-back submission
sends nothing.
"""

import logging
from dataclasses import asdict, is_dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.emails import submission_confirmation_create
from applicants.models import Answer, Applicant, Application, Submission
from applicants.selectors import open_applications_by_program
from applicants.signals import submission_created
from programs.models import Program

logger = logging.getLogger(__name__)


class SubmissionNotAllowed(ValidationError):
    """The chosen programs cannot be applied to as they stand (closed, refused, incomplete)."""


class ApplicationAlreadyOpen(SubmissionNotAllowed):
    """The resident already has an open (or approved) application to one of the programs."""

    def __init__(self, message, *, applications):
        super().__init__(message)
        self.applications = applications


def _screening_to_json(screening) -> dict:
    return {
        "outcome": screening.outcome,
        "reasons": [str(reason) for reason in screening.reasons],
        # Which answers each reason prints, so every output can hide the ones a viewer may
        # not see (applicants.answer_display).
        "reason_keys": screening.reason_keys,
        "missing": list(screening.missing),
        "threshold": _jsonable(screening.threshold),
        "estimated_value": {
            "cents": screening.estimated_value_cents,
            "period": screening.estimated_value_period,
        },
        "gating": screening.gating,
        "screened_at": timezone.now().isoformat(),
    }


def _jsonable(value):
    if is_dataclass(value):
        return asdict(value)
    return value


# Over 60 lines with its docstring (the code is about 45): the guarantees of the one
# submission transaction are written beside the steps that keep them.
def submission_create(
    *,
    applicant: Applicant,
    programs: list[Program],
    submit_token: str,
    language: str = "en",
    entered_by=None,
    partner_organization=None,
    versions=None,
    renews: Application | None = None,
) -> Submission:
    """Submit applications to `programs` in one transaction.

    Creates the `Submission` and one `Application` per program, each with a frozen copy of
    exactly the answers that program's published version asks, the version, and the
    eligibility result at this moment; writes the routing outbox rows and the resident's
    confirmation (notification outbox). A second call with the same `submit_token` (double
    click, back button, resent form) returns the first submission and creates nothing.

    `entered_by` and `partner_organization` record the community navigator (and their
    organization) who submitted on the resident's behalf, for the agencies to see.

    `versions` are the program versions the resident started on (`selectors.
    versions_for_journey`): each application is made, checked and screened under its
    program's started version even if a newer one took effect meanwhile; without it, the
    versions in effect now.

    `renews` is the approved application a renewal continues (`applicants.renewals`): it
    does not count as already open, and the new application names it.

    Raises `SubmissionNotAllowed` when a program has no published version, is closed,
    refuses residents found ineligible (gating) or lacks a required answer, and its
    subclass `ApplicationAlreadyOpen` when the resident already has an open application
    to one of the programs (see `submission_refuse_duplicates`).

    Each version, screening and answer is read once: versions from the in-process cache,
    the profile inside the transaction, in the query that locks the applicant's row.
    """
    if not programs:
        existing = _existing_submission(applicant=applicant, submit_token=submit_token)
        if existing is not None:
            return existing
        raise SubmissionNotAllowed(_("Choose at least one program to apply to."))
    try:
        with transaction.atomic():
            answers = _lock_applicant_and_read_answers(applicant)
            submission_refuse_duplicates(
                applicant=applicant,
                programs=programs,
                language=language,
                submit_token=submit_token,
                renews=renews,
            )
            # A used token fails here (unique): the resent form is answered below, after
            # the rollback, with the submission it made. No read first, no savepoint.
            submission = Submission.objects.create(
                applicant=applicant,
                submit_token=submit_token,
                language=language,
                entered_by_navigator=entered_by,
                partner_organization=partner_organization,
            )
            chosen = _versions_to_apply(
                programs, started=versions, partner_organization=partner_organization
            )
            applications = _applications_build(
                submission, programs, chosen, answers, language, renews=renews
            )
            Application.objects.bulk_create(applications)
            submission_created.send(
                sender=Submission, submission=submission, applications=applications
            )
            # The confirmation is an outbox row of this transaction: a broker outage at
            # commit delays it, never loses it, and never fails the resident's request.
            submission_confirmation_create(
                submission=submission,
                applications=applications,
                answers=answers,
                new_submission=True,
            )
    except IntegrityError:
        # The same form arrived twice (at once, or again later); the first one won.
        existing = _existing_submission(applicant=applicant, submit_token=submit_token)
        if existing is None:
            raise
        return existing
    logger.info("submission %s: %d applications", submission.reference, len(applications))
    return submission


def _versions_to_apply(programs, *, started, partner_organization) -> dict:
    """{slug: version} to apply under: the started version of each program that still has
    one in effect (else the one in effect), refusing closed programs and, without a
    navigator's organization, navigator-only ones."""
    from applicants.selectors import published_versions

    slugs = [program.slug for program in programs]
    current = {v.program.slug: v for v in published_versions(program_slugs=slugs)}
    started = {v.program.slug: v for v in started or []}
    versions = {slug: started.get(slug) or version for slug, version in current.items()}
    for program in programs:
        version = versions.get(program.slug)
        mode = version.program.display_mode if version else None
        if mode in (None, Program.DisplayMode.CLOSED) or (
            mode == Program.DisplayMode.NAVIGATORS_ONLY and partner_organization is None
        ):
            raise SubmissionNotAllowed(
                _("%(program)s is not taking applications.") % {"program": program.name}
            )
    return versions


def _applications_build(
    submission, programs, versions, answers, language, *, renews=None
) -> list[Application]:
    """One unsaved `Application` per program, screened once, with the answers its version
    asks; refuses a program that turns the resident away or lacks a required answer. The
    application to the program `renews` belongs to names it."""
    from applicants.screening import answers_for_screening
    from applicants.steps import version_missing_required, version_questions
    from eligibility.services import screen

    screenings = {
        s.program.slug: s
        for s in screen(
            answers=answers_for_screening(answers),
            versions=[versions[program.slug] for program in programs],
            language=language,
            explain_keys=True,
        )
    }
    applications = []
    for number, program in enumerate(programs, start=1):
        version = versions[program.slug]
        screening = screenings.get(program.slug)
        if screening is not None and not screening.may_apply:
            raise SubmissionNotAllowed(
                _("%(program)s only accepts residents who meet its requirements.")
                % {"program": program.name}
            )
        missing = version_missing_required(version, answers)
        if missing:
            raise SubmissionNotAllowed(
                _("%(program)s still needs an answer to: %(questions)s")
                % {
                    "program": program.name,
                    "questions": ", ".join(q.text("label", language) for q in missing),
                }
            )
        asked = version_questions(version, answers)
        applications.append(
            Application(
                submission=submission,
                program=version.program,
                program_version=version,
                reference=f"{submission.reference}-{number}",
                answers={q.key: answers[q.key] for q in asked if q.key in answers},
                eligibility=_screening_to_json(screening) if screening else {},
                renews=renews if renews is not None and renews.program_id == program.pk else None,
            )
        )
    return applications


def _lock_applicant_and_read_answers(applicant: Applicant) -> dict:
    """Lock the applicant's row and read their profile ({question key: value}) in one
    query. The lock makes two submissions by the same resident (two tabs, two devices) go
    one after the other, so the duplicate check that follows, a statement of its own that
    sees what the other one committed while this one waited, cannot miss it. The answers
    are as they were when this statement started, as a read of their own would be."""
    # From the answers' side (an inner join): PostgreSQL cannot lock the nullable side of
    # an outer join, and Django keeps `of` only for model instances, not values().
    answers = list(
        Answer.objects.filter(applicant_id=applicant.pk)
        .select_related("applicant")
        .only("question_key", "value", "applicant__id")
        .select_for_update(of=("applicant",))
    )
    if not answers:  # nothing answered yet: nothing joined to lock through
        list(Applicant.objects.select_for_update().filter(pk=applicant.pk).values_list("pk"))
    return {answer.question_key: answer.value for answer in answers}


def submission_refuse_duplicates(
    *,
    applicant: Applicant,
    programs,
    language: str = "en",
    submit_token: str = "",
    renews: Application | None = None,
) -> None:
    """Raise `ApplicationAlreadyOpen` when the resident has an application to one of
    `programs` that is neither denied nor withdrawn, unless that program's published
    version allows re-application.

    Call it inside the submission's transaction, after locking the applicant's row
    (`_lock_applicant_and_read_answers`), so two submissions by the same resident are
    checked one after the other. Applications of the submission with `submit_token` do
    not count: a resent form is answered with that submission, not refused, and neither
    does the application a renewal `renews`.
    """
    open_ones = open_applications_by_program(
        applicant=applicant,
        program_ids=[program.pk for program in programs],
        exclude_submit_token=submit_token,
    )
    if renews is not None:
        open_ones = {pid: a for pid, a in open_ones.items() if a.pk != renews.pk}
    if not open_ones:
        return
    applications = list(open_ones.values())
    raise ApplicationAlreadyOpen(
        [
            _(
                "You already applied to %(program)s (%(reference)s, %(status)s). You can "
                "follow that application or withdraw it; a new one is not needed."
            )
            % {
                "program": application.program.text("name", language),
                "reference": application.reference,
                "status": application.get_status_display(),
            }
            for application in applications
        ],
        applications=applications,
    )


def _existing_submission(*, applicant: Applicant, submit_token: str) -> Submission | None:
    existing = Submission.objects.filter(submit_token=submit_token).first()
    if existing is not None and existing.applicant_id != applicant.pk:
        # A token is a secret of one review page; another applicant presenting it is not
        # a resubmission of theirs.
        raise SubmissionNotAllowed(_("This form has expired. Please review and submit again."))
    return existing
