"""Business actions on programs and their versions (the question bank's are in
`question_services.py`).

Admin actions, the import command and tests all go through these functions. A published or
archived version is frozen: every function here refuses to change one
(`PublishedVersionIsImmutable`), and the models guard their own save/delete as well.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from organizations.services import AGENCY_PUBLIC_FIELDS, agency_save

from .documents.errors import DocumentError, DocumentInvalid
from .documents.export import FORMAT, program_document
from .documents.validate import effective_at_moment, validate_document
from .models import (
    Program,
    ProgramVersion,
    PublishedVersionIsImmutable,
    Question,
    Screen,
    ScreenQuestion,
)
from .question_services import question_save_definition

logger = logging.getLogger(__name__)


def _ensure_draft(version: ProgramVersion) -> None:
    # Re-read the status: the caller's instance may be stale (published in another tab).
    status = ProgramVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if status != ProgramVersion.Status.DRAFT:
        raise PublishedVersionIsImmutable(
            f"{version.program.slug} v{version.number} is {status} and cannot be changed"
        )


def _next_number(program: Program) -> int:
    # Lock the program row so two drafts created at once cannot take the same number.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    highest = program.versions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def program_version_create_draft(
    *, program: Program, from_version: ProgramVersion | None = None
) -> ProgramVersion:
    """A new draft of `program`, numbered after its latest version.

    With `from_version`, the draft is a full copy of it: screens in order with their
    questions and required flags, eligibility rules, gating, estimated value and examples.
    Without, the draft is empty. The source version is only read, never changed.
    """
    if from_version is not None and from_version.program_id != program.pk:
        raise ValueError("from_version belongs to another program")
    draft = ProgramVersion(program=program, number=_next_number(program))
    if from_version is not None:
        draft.eligibility_rules = from_version.eligibility_rules
        draft.eligibility_gating = from_version.eligibility_gating
        draft.estimated_value = from_version.estimated_value
        draft.examples = from_version.examples
        draft.next_steps = from_version.next_steps
        draft.appeal = from_version.appeal
        draft.translations = from_version.translations
        draft.allows_reapplication = from_version.allows_reapplication
        draft.certification_months = from_version.certification_months
        draft.renewal_reminder_days = from_version.renewal_reminder_days
    draft.save()
    if from_version is not None:
        screens = from_version.screens.order_by("order", "id").prefetch_related("screen_questions")
        for screen in screens:
            copy = Screen.objects.create(
                version=draft,
                order=screen.order,
                key=screen.key,
                title=screen.title,
                description=screen.description,
                visible_if=screen.visible_if,
                translations=screen.translations,
            )
            ScreenQuestion.objects.bulk_create(
                ScreenQuestion(
                    screen=copy, question_id=sq.question_id, order=sq.order, required=sq.required
                )
                for sq in sorted(screen.screen_questions.all(), key=lambda sq: (sq.order, sq.pk))
            )
    return draft


def program_version_check(*, version: ProgramVersion, takes_effect=None) -> list[DocumentError]:
    """Every reason `version` cannot be published, validated as a whole document
    (schema, questions, rules, estimate, and examples that must give their outcomes; table
    periods in effect on `takes_effect`, default today)."""
    document = {"format": FORMAT, "programs": [program_document(version)]}
    errors = validate_document(document, require_examples=True, takes_effect=takes_effect).errors
    if not version.screens.exists():
        errors.append(DocumentError("$.programs[0].screens", "a version needs at least one screen"))
    return errors


@transaction.atomic
def program_version_publish(
    *, version: ProgramVersion, acting_user=None, effective_at=None
) -> ProgramVersion:
    """Publish a draft: validate it, archive the currently published version, freeze it.

    With a future `effective_at` the draft is checked as of that day and frozen as
    *scheduled*: catalog, intake and screening switch to it at that moment by themselves
    (`programs.selectors.in_effect`), and `program_versions_activate_due` (Celery beat)
    archives the previous version then. Raises `DocumentInvalid` (listing every problem,
    including failing examples) or `PublishedVersionIsImmutable` if `version` is not a draft.
    Applications made under the previous version keep pointing at it.
    """
    version = (
        ProgramVersion.objects.select_for_update().select_related("program").get(pk=version.pk)
    )
    _ensure_draft(version)
    now = timezone.now()
    scheduled = effective_at is not None and effective_at > now
    takes_effect = timezone.localdate(effective_at) if scheduled else None
    errors = program_version_check(version=version, takes_effect=takes_effect)
    if (
        scheduled
        and ProgramVersion.objects.filter(
            program=version.program, status=ProgramVersion.Status.SCHEDULED
        ).exists()
    ):
        errors.append(
            DocumentError("$.programs[0]", "another version of this program is already scheduled")
        )
    if errors:
        raise DocumentInvalid(errors)
    version.published_at = now
    version.published_by = acting_user
    if scheduled:
        version.status = ProgramVersion.Status.SCHEDULED
        version.effective_at = effective_at
    else:
        _archive_published(version.program)
        version.status = ProgramVersion.Status.PUBLISHED
        version.effective_at = now
    version.save(
        update_fields=["status", "published_at", "published_by", "effective_at", "updated_at"]
    )
    logger.info(
        "%s %s v%s by %s",
        "Scheduled" if scheduled else "Published",
        version.program.slug,
        version.number,
        acting_user or "system",
    )
    return version


def _archive_published(program: Program) -> None:
    for previous in ProgramVersion.objects.select_for_update().filter(
        program=program, status=ProgramVersion.Status.PUBLISHED
    ):
        previous.status = ProgramVersion.Status.ARCHIVED
        previous.save(update_fields=["status", "updated_at"])


@transaction.atomic
def program_versions_activate_due(*, now=None) -> list[ProgramVersion]:
    """Turn every scheduled version whose moment has come into the published one, archiving
    the version it replaces. Run by Celery beat; safe to run twice or concurrently (rows are
    locked, and a version already activated is no longer scheduled)."""
    now = now or timezone.now()
    due = list(
        ProgramVersion.objects.select_for_update()
        .select_related("program")
        .filter(status=ProgramVersion.Status.SCHEDULED, effective_at__lte=now)
        .order_by("effective_at")
    )
    for version in due:
        _archive_published(version.program)
        version.status = ProgramVersion.Status.PUBLISHED
        version.save(update_fields=["status", "updated_at"])
        logger.info("Scheduled %s v%s took effect", version.program.slug, version.number)
    return due


@transaction.atomic
def program_version_archive(*, version: ProgramVersion, acting_user=None) -> ProgramVersion:
    """Withdraw a published version (the program leaves the catalog until another is
    published), or a scheduled one before its moment (the current version stays). Archiving
    a draft is refused: delete a draft you do not want instead."""
    version = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    # A scheduled version that has not taken effect has screened nobody: withdrawing it
    # rewrites nothing. Once its moment has passed it is in effect and stays.
    withdrawable = version.status == ProgramVersion.Status.PUBLISHED or (
        version.status == ProgramVersion.Status.SCHEDULED and version.effective_at > timezone.now()
    )
    if not withdrawable:
        raise PublishedVersionIsImmutable(
            "only a published version, or a scheduled one before it takes effect, can be "
            f"archived; this one is {version.status}"
        )
    version.status = ProgramVersion.Status.ARCHIVED
    version.save(update_fields=["status", "updated_at"])
    logger.info("Archived %s v%s by %s", version.program_id, version.number, acting_user)
    return version


@transaction.atomic
def program_version_update(*, version: ProgramVersion, **fields) -> ProgramVersion:
    """Change a draft's rules, gating, estimate, examples or what residents are told once
    decided (next steps, appeal, their translations, re-application); refused once
    published."""
    allowed = {
        "eligibility_rules",
        "eligibility_gating",
        "estimated_value",
        "examples",
        "next_steps",
        "appeal",
        "translations",
        "allows_reapplication",
        "certification_months",
        "renewal_reminder_days",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot update {', '.join(sorted(unknown))}")
    _ensure_draft(version)
    for name, value in fields.items():
        setattr(version, name, value)
    version.save(update_fields=[*fields, "updated_at"])
    return version


PROGRAM_FIELDS = {
    "name": "name",
    "summary": "summary",
    "description": "description",
    "how_to_apply": "how_to_apply",
    "minutes": "time_to_complete_minutes",
    "external_url": "external_url",
    "categories": "categories",
    "display_mode": "display_mode",
    "closed_message": "closed_message",
    "source": "source",
    "translations": "translations",
}
PROGRAM_DEFAULTS = {
    "description": "",
    "how_to_apply": "",
    "minutes": 10,
    "external_url": "",
    "categories": [],
    "display_mode": Program.DisplayMode.PUBLIC,
    "closed_message": "",
    "source": "",
    "translations": {},
}


# Over 60 lines: validate first, then write each program in document order inside one
# transaction.
@transaction.atomic
def program_document_import(
    *, data: dict, publish: bool = False, acting_user=None, effective_at=None
) -> tuple[list[ProgramVersion], list[DocumentError]]:
    """Import a program document: validate everything first, then create or update the
    agencies (by slug), the bank questions (by key) and the programs (by slug), and give
    each program a NEW draft version; with `publish`, publish each draft (scheduled to take
    effect at the entry's own `effective_at`, else at `effective_at`, when that is in the
    future).

    Returns (versions, warnings). Raises `DocumentInvalid` with every error and its JSON
    path; since this runs in one transaction, nothing is written when anything fails.
    Published versions are never touched: changes always land in a new draft.
    """
    takes_effect = timezone.localdate(effective_at) if effective_at else None
    report = validate_document(data, require_examples=publish, takes_effect=takes_effect)
    if report.errors:
        raise DocumentInvalid(report.errors)
    for program_data in data["programs"]:
        for definition in program_data["questions"]:
            question_save_definition(definition=definition)
    versions = []
    for index, program_data in enumerate(data["programs"]):
        agency_data = program_data["agency"]
        agency = agency_save(
            slug=agency_data["slug"],
            name=agency_data["name"],
            **{
                field: agency_data.get(field, {} if field == "translations" else "")
                for field in AGENCY_PUBLIC_FIELDS
            },
        )
        values = {
            field: program_data.get(name, PROGRAM_DEFAULTS.get(name))
            for name, field in PROGRAM_FIELDS.items()
        }
        program, _created = Program.objects.update_or_create(
            slug=program_data["slug"], defaults={"agency": agency, **values}
        )
        draft = program_version_create_draft(program=program)
        eligibility = program_data["eligibility"]
        draft.eligibility_rules = eligibility["rules"]
        draft.eligibility_gating = eligibility["gating"]
        draft.estimated_value = eligibility.get("estimated_value", {})
        draft.examples = program_data["examples"]
        decision = program_data.get("decision", {})
        draft.next_steps = decision.get("next_steps", "")
        draft.appeal = decision.get("appeal", "")
        draft.translations = decision.get("translations", {})
        draft.allows_reapplication = program_data.get("allows_reapplication", False)
        renewal = program_data.get("renewal") or {}
        draft.certification_months = renewal.get("certification_months")
        draft.renewal_reminder_days = sorted(renewal.get("reminder_days_before", []), reverse=True)
        draft.save()
        questions = {
            question.key: question
            for question in Question.objects.filter(
                key__in=[
                    item["key"]
                    for screen in program_data["screens"]
                    for item in screen["questions"]
                ]
            )
        }
        for order, screen_data in enumerate(program_data["screens"]):
            screen = Screen.objects.create(
                version=draft,
                order=order,
                key=screen_data["key"],
                title=screen_data["title"],
                description=screen_data.get("description", ""),
                visible_if=screen_data.get("visible_if", {}),
                translations=screen_data.get("translations", {}),
            )
            ScreenQuestion.objects.bulk_create(
                ScreenQuestion(
                    screen=screen,
                    question=questions[item["key"]],
                    order=q_order,
                    required=item.get("required", True),
                )
                for q_order, item in enumerate(screen_data["questions"])
            )
        if publish:
            # The entry's own moment (a scheduled version exported) before the command's.
            moment = effective_at
            if "effective_at" in program_data:
                moment = effective_at_moment(program_data["effective_at"])
            try:
                draft = program_version_publish(
                    version=draft, acting_user=acting_user, effective_at=moment
                )
            except DocumentInvalid as error:
                # Publishing validates the stored copy: re-base its paths on this document.
                raise DocumentInvalid(
                    [
                        DocumentError(
                            e.path.replace("$.programs[0]", f"$.programs[{index}]", 1), e.message
                        )
                        for e in error.errors
                    ]
                ) from error
        versions.append(draft)
    return versions, report.warnings
