"""Reads of the caseworker review that grow with the data.

`scope_to_user` is THE one place agency scoping is applied: every admin queryset, detail
view, action, download and export goes through `applications_for_user` or through it.
The supervisor dashboard is in `dashboard.py`, the city-wide reach report in `reach.py`.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)

from agencies.review.models import AgencyMembership, AuditEvent, ResidentNotification
from agencies.review.workflow import WAITING_ON_AGENCY, Status
from applicants.models import Application
from organizations.models import Agency
from programs.models import Program, Screen, ScreenQuestion


def member_agency_ids(*, user):
    """A subquery of the ids of the agencies `user` is a member of."""
    return AgencyMembership.objects.filter(user_id=user.pk).values("agency_id")


def scope_to_user(queryset: QuerySet, *, user, agency_path: str) -> QuerySet:
    """Limit `queryset` to rows whose agency (reached by `agency_path`) `user` works for.

    Superusers see everything; inactive or anonymous users see nothing; everyone else sees
    only their agencies' rows, whatever Django permissions they hold. Applied in SQL (a
    subquery), so it costs no extra query and cannot be bypassed by guessing an id.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{agency_path}__in": Subquery(member_agency_ids(user=user))})


def applications_for_user(*, user) -> QuerySet[Application]:
    """The applications `user` may see, oldest waiting first.

    Applications waiting on the agency come first (oldest submission first), then those
    waiting on the resident, then decided ones.
    """
    queryset = Application.objects.select_related(
        "program", "program__agency", "submission", "submission__applicant", "assignee"
    ).annotate(
        waiting_rank=Case(
            When(status__in=list(WAITING_ON_AGENCY), then=Value(0)),
            When(status=Status.MORE_INFO_NEEDED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    return scope_to_user(queryset, user=user, agency_path="program__agency").order_by(
        "waiting_rank", "submitted_at", "pk"
    )


def agencies_for_user(*, user):

    return scope_to_user(Agency.objects.all(), user=user, agency_path="pk")


def programs_for_user(*, user) -> QuerySet[Program]:
    return scope_to_user(Program.objects.all(), user=user, agency_path="agency")


def assignable_users(*, application: Application):
    """Members of the application's agency, the only people it may be assigned to."""

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            agency_memberships__agency_id=application.program.agency_id,
        )
        .order_by("username")
        .distinct()
    )


# --- the application detail -------------------------------------------------------------


def application_screens(*, application: Application) -> list[Screen]:
    """The screens of the version the application was made under, with their questions."""
    return list(
        Screen.objects.filter(version_id=application.program_version_id)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "screen_questions",
                queryset=ScreenQuestion.objects.select_related("question").order_by("order", "id"),
            )
        )
    )


def application_history(*, application: Application) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def application_deliveries(*, application: Application) -> list:
    """The routing outbox rows of the application, when the routing models exist."""
    try:
        delivery_model = apps.get_model("agencies", "Delivery")
    except LookupError:
        return []
    return list(
        delivery_model.objects.filter(application=application)
        .select_related("channel")
        .order_by("created_at")
    )


def is_file_answer(value) -> bool:
    return isinstance(value, dict) and {"path", "name"} <= value.keys()


def application_files(*, application: Application) -> list[tuple[str, int, dict]]:
    """Every uploaded file among the frozen answers: (question key, index, metadata)."""
    files = []
    for key, value in sorted((application.answers or {}).items()):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if is_file_answer(item):
                files.append((key, index, item))
    return files


def resident_status_updates(*, application: Application) -> list[ResidentNotification]:
    """What the resident has been told about this application, newest first (for their
    "My applications" page): the status and the program's message, no caseworker notes."""
    return list(
        ResidentNotification.objects.filter(application=application)
        .select_related("outbox")
        .order_by("-created_at", "-pk")
    )
