"""Reads of applicants' data: profiles, applications, and the program structure the
resident journey walks through. Every read that grows with rows lives here, with its
`select_related`/`prefetch_related`, so pages keep a bounded number of queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from applicants.models import Answer, Applicant, Application, ApplicationUpdate, Submission
from programs.models import Program, ProgramVersion, Screen, ScreenQuestion


def applicant_answers(*, applicant: Applicant | None) -> dict:
    """The resident's shared profile as {question_key: canonical value}."""
    if applicant is None or applicant.pk is None:
        return {}
    return dict(applicant.answers.values_list("question_key", "value"))


def applicant_answer_rows(*, applicant: Applicant | None) -> dict[str, Answer]:
    """The profile as {question_key: Answer}, for pages that show when it was answered."""
    if applicant is None or applicant.pk is None:
        return {}
    return {answer.question_key: answer for answer in applicant.answers.all()}


def published_versions(*, program_slugs=None, public_only: bool = False) -> list[ProgramVersion]:
    """Published versions with their screens and questions, in catalog order: three
    queries whatever the number of programs."""
    screen_questions = ScreenQuestion.objects.select_related("question").order_by("order", "id")
    screens = Screen.objects.order_by("order", "id").prefetch_related(
        Prefetch("screen_questions", queryset=screen_questions)
    )
    versions = (
        ProgramVersion.objects.filter(status=ProgramVersion.Status.PUBLISHED)
        .select_related("program", "program__agency")
        .prefetch_related(Prefetch("screens", queryset=screens))
        .order_by("program__name", "program__slug")
    )
    if program_slugs is not None:
        versions = versions.filter(program__slug__in=list(program_slugs))
    if public_only:
        versions = versions.filter(program__display_mode=Program.DisplayMode.PUBLIC)
    return list(versions)


def applications_for_applicant(*, applicant: Applicant | None) -> QuerySet[Application]:
    """Every application of this resident, newest first."""
    if applicant is None:
        return Application.objects.none()
    return (
        Application.objects.filter(submission__applicant=applicant)
        .select_related("program", "program__agency", "submission", "program_version")
        .order_by("-submitted_at", "reference")
    )


def application_for_applicant(*, applicant: Applicant | None, reference: str) -> Application:
    """One of this resident's applications; 404 for anyone else's (or a guest's expired)."""
    return get_object_or_404(applications_for_applicant(applicant=applicant), reference=reference)


def submission_for_applicant(*, applicant: Applicant | None, reference: str) -> Submission:
    """One of this resident's submissions with its applications; 404 otherwise."""
    if applicant is None:
        queryset = Submission.objects.none()
    else:
        queryset = Submission.objects.filter(applicant=applicant).prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("program").order_by("reference"),
            )
        )
    return get_object_or_404(queryset, reference=reference)


def open_applications_by_program(
    *, applicant: Applicant | None, program_ids=None, exclude_submit_token: str = ""
) -> dict[int, Application]:
    """{program id: the resident's newest application still open (or approved)} for the
    programs whose published version does not allow re-application. One query."""
    if applicant is None or applicant.pk is None:
        return {}
    queryset = (
        Application.objects.filter(submission__applicant=applicant)
        .exclude(status__in=Application.REAPPLY_ALLOWED_AFTER)
        .exclude(
            program_id__in=ProgramVersion.objects.filter(
                status=ProgramVersion.Status.PUBLISHED, allows_reapplication=True
            ).values("program_id")
        )
        .select_related("program")
        .order_by("submitted_at", "pk")
    )
    if program_ids is not None:
        queryset = queryset.filter(program_id__in=list(program_ids))
    if exclude_submit_token:
        queryset = queryset.exclude(submission__submit_token=exclude_submit_token)
    # Oldest first, so the newest open application of a program wins.
    return {application.program_id: application for application in queryset}


def application_history(*, application: Application) -> list[ApplicationUpdate]:
    """What the resident sees of the application's history, oldest first."""
    return list(application.updates.order_by("created_at", "pk"))


def open_request(*, application: Application) -> ApplicationUpdate | None:
    """The request for information the resident has not answered yet, if any."""
    if application.status != Application.Status.MORE_INFO_NEEDED:
        return None
    return (
        application.updates.filter(
            kind=ApplicationUpdate.Kind.STATUS, status=Application.Status.MORE_INFO_NEEDED
        )
        .order_by("-created_at", "-pk")
        .first()
    )
