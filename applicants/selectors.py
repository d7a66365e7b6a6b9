"""Reads of applicants' data: profiles, applications, and the program structure the
resident journey walks through. Every read that grows with rows lives here, with its
`select_related`/`prefetch_related`, so pages keep a bounded number of queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applicants.contact import submission_reference_from_token
from applicants.models import Answer, Applicant, Application, ApplicationUpdate, Submission
from eligibility.published import versions_in_effect
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


def _with_screens(versions):
    screen_questions = ScreenQuestion.objects.select_related("question").order_by("order", "id")
    screens = Screen.objects.order_by("order", "id").prefetch_related(
        Prefetch("screen_questions", queryset=screen_questions)
    )
    return (
        versions.select_related("program", "program__agency")
        .prefetch_related(Prefetch("screens", queryset=screens))
        .order_by("program__name", "program__slug")
    )


def published_versions(*, program_slugs=None, public_only: bool = False) -> list[ProgramVersion]:
    """The versions in effect now (published, or scheduled and due) with their screens and
    questions, in catalog order: the in-process cache (`eligibility.published`), one
    signature query per request while nothing changed."""
    versions = versions_in_effect()
    if program_slugs is not None:
        named = set(program_slugs)
        versions = [v for v in versions if v.program.slug in named]
    if public_only:
        versions = [v for v in versions if v.program.display_mode == Program.DisplayMode.PUBLIC]
    return versions


def versions_for_journey(*, chosen: dict[str, int]) -> list[ProgramVersion]:
    """The versions an application in progress stays on: for each chosen program slug, the
    version id recorded when the resident chose it (even if a newer version took effect since),
    else the one in effect now. Drafts are never returned. Catalog order. Only a version no
    longer in effect costs queries (three); the others come from the cache."""
    current = {v.program.slug: v for v in versions_in_effect() if v.program.slug in chosen}
    older_ids = [
        pk for slug, pk in chosen.items() if pk and (slug not in current or current[slug].pk != pk)
    ]
    older = {}
    if older_ids:
        for version in _with_screens(
            ProgramVersion.objects.filter(pk__in=older_ids).exclude(
                status=ProgramVersion.Status.DRAFT
            )
        ):
            if chosen.get(version.program.slug) == version.pk:
                older[version.program.slug] = version
    versions = [older.get(slug) or current.get(slug) for slug in chosen]
    return sorted(
        (v for v in versions if v is not None), key=lambda v: (v.program.name, v.program.slug)
    )


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


def submission_by_status_token(*, token: str) -> Submission:
    """The submission a guest status link names, with its applications; 404 for a token
    this site did not sign (the link is the only way in, so it must be unguessable)."""

    reference = submission_reference_from_token(token)
    queryset = Submission.objects.prefetch_related(
        Prefetch(
            "applications",
            queryset=Application.objects.select_related("program").order_by("reference"),
        )
    )
    return get_object_or_404(queryset, reference=reference or "")


def open_applications_by_program(
    *, applicant: Applicant | None, program_ids=None, exclude_submit_token: str = ""
) -> dict[int, Application]:
    """{program id: the resident's newest application still open (or approved)} for the
    programs whose published version does not allow re-application. One query.

    Written as SQL (through `Application.objects.raw`): the results page asks on every
    view, and building this query with the ORM cost several times running it. The
    applications come without their programs; `application.program` reads one."""
    if program_ids is not None:
        program_ids = list(program_ids)
    if applicant is None or applicant.pk is None or program_ids == []:
        return {}
    sql, params = _open_applications_sql(
        applicant_id=applicant.pk,
        program_ids=program_ids,
        exclude_submit_token=exclude_submit_token,
    )
    # Oldest first, so the newest open application of a program wins.
    return {
        application.program_id: application for application in Application.objects.raw(sql, params)
    }


def _open_applications_sql(*, applicant_id, program_ids, exclude_submit_token) -> tuple:
    """The query of `open_applications_by_program`; only table names from the models' own
    metadata go into the text, every value is a parameter."""
    closed = sorted(Application.REAPPLY_ALLOWED_AFTER)
    sql = (
        f"SELECT a.* FROM {Application._meta.db_table} a"  # noqa: S608
        f" JOIN {Submission._meta.db_table} s ON s.id = a.submission_id"
        f" WHERE s.applicant_id = %s AND a.status NOT IN ({', '.join(['%s'] * len(closed))})"
        # An approval whose certification period has ended no longer holds the place.
        " AND NOT (a.status = %s AND a.certified_until IS NOT NULL AND a.certified_until < %s)"
        f" AND a.program_id NOT IN (SELECT v.program_id FROM {ProgramVersion._meta.db_table} v"
        " WHERE v.status = %s AND v.allows_reapplication = %s)"
    )
    params = [applicant_id, *closed, Application.Status.APPROVED, timezone.localdate()]
    params += [ProgramVersion.Status.PUBLISHED, True]
    if program_ids is not None:
        sql += f" AND a.program_id IN ({', '.join(['%s'] * len(program_ids))})"
        params += program_ids
    if exclude_submit_token:
        sql += " AND s.submit_token <> %s"
        params.append(exclude_submit_token)
    return sql + " ORDER BY a.submitted_at, a.id", params


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
