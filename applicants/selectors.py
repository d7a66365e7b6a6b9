"""Reads of applicants' data: profiles, applications, and the program structure the
resident journey walks through. Every read that grows with rows lives here, with its
`select_related`/`prefetch_related`, so pages keep a bounded number of queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from applicants.models import Answer, Applicant, Application, Submission
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
        .select_related("program", "submission", "program_version")
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


def submission_by_status_token(*, token: str) -> Submission:
    """The submission a guest status link names, with its applications; 404 for a token
    this site did not sign (the link is the only way in, so it must be unguessable)."""
    from applicants.contact import submission_reference_from_token

    reference = submission_reference_from_token(token)
    queryset = Submission.objects.prefetch_related(
        Prefetch(
            "applications",
            queryset=Application.objects.select_related("program").order_by("reference"),
        )
    )
    return get_object_or_404(queryset, reference=reference or "")
