"""Reads of the caseworker review that grow with the data.

`scope_to_user` is THE one place agency scoping is applied: every admin queryset, detail
view, action, download and export goes through `applications_for_user` or through it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from agencies.review.models import AgencyMembership, AuditEvent, ResidentNotification
from agencies.review.workflow import DECIDED, WAITING_ON_AGENCY, Status
from applicants.models import Applicant, Application
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


# --- the supervisor dashboard -----------------------------------------------------------


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class Dashboard:
    statuses: list[tuple[str, str]]
    by_program: list[dict]
    weeks: list[tuple[date, int]]
    median_days_to_decision: float | None
    decided_count: int
    oldest_waiting: list[Application]
    totals: dict = field(default_factory=dict)
    renewals_due: list[Application] = field(default_factory=list)


def _median_duration(queryset) -> timedelta | None:
    durations = queryset.annotate(took=F("status_changed_at") - F("submitted_at"))
    if connection.vendor == "postgresql":
        return durations.aggregate(median=Median("took"))["median"]
    values = [row for row in durations.values_list("took", flat=True) if row is not None]
    return statistics.median(values) if values else None


def _as_date(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def renewals_due(*, user, days: int = 60, limit: int = 50) -> list[Application]:
    """Approved applications `user` may see whose certification ends within `days`,
    soonest first, each with `renewal` set to its pending renewal (or None). Two queries."""
    today = timezone.localdate()
    due = list(
        applications_for_user(user=user)
        .filter(
            status=Status.APPROVED,
            certified_until__gte=today,
            certified_until__lte=today + timedelta(days=days),
        )
        .defer("answers", "eligibility")
        .order_by("certified_until", "pk")[:limit]
    )
    pending = {
        renewal.renews_id: renewal
        for renewal in Application.objects.filter(renews__in=due)
        .exclude(status__in=[Status.DENIED, Status.WITHDRAWN])
        .only("pk", "reference", "status", "renews_id")
    }
    for application in due:
        application.renewal = pending.get(application.pk)
    return due


def review_dashboard(*, user, weeks: int = 12, oldest: int = 10) -> Dashboard:
    """Figures for a supervisor, over the applications `user` may see."""
    scoped = scope_to_user(Application.objects.all(), user=user, agency_path="program__agency")
    counts = scoped.values("program_id", "program__name", "status").annotate(n=Count("id"))
    programs: dict[int, dict] = {}
    for row in counts.order_by("program__name"):
        entry = programs.setdefault(
            row["program_id"],
            {"name": row["program__name"], "counts": {s: 0 for s in Status.values}, "total": 0},
        )
        entry["counts"][row["status"]] += row["n"]
        entry["total"] += row["n"]
    by_program = [
        {**entry, "cells": [entry["counts"][s] for s in Status.values]}
        for entry in programs.values()
    ]

    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    first_week = this_week - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(first_week, datetime.min.time()))
    per_week = {
        _as_date(row["week"]): row["n"]
        for row in scoped.filter(submitted_at__gte=start)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"))
    }
    week_rows = [
        (first_week + timedelta(weeks=i), per_week.get(first_week + timedelta(weeks=i), 0))
        for i in range(weeks)
    ]

    decided = scoped.filter(status__in=list(DECIDED))
    median = _median_duration(decided)
    oldest_waiting = list(
        applications_for_user(user=user)
        .filter(status__in=list(WAITING_ON_AGENCY))
        .defer("answers", "eligibility")[:oldest]
    )
    return Dashboard(
        renewals_due=renewals_due(user=user),
        statuses=list(Status.choices),
        by_program=by_program,
        weeks=week_rows,
        median_days_to_decision=(
            round(median.total_seconds() / 86400, 1) if median is not None else None
        ),
        decided_count=decided.count(),
        oldest_waiting=oldest_waiting,
        totals={
            "all": sum(p["total"] for p in by_program),
            "waiting": sum(p["counts"][s] for p in by_program for s in WAITING_ON_AGENCY),
        },
    )


# --- the city-wide reach report -----------------------------------------------------------


def _screening_model():
    try:
        return apps.get_model("eligibility", "ScreeningRecord")
    except LookupError:
        return None


def _residents(queryset) -> int:
    """Residents behind a set of screening records: each known applicant once, plus each
    anonymous screening (nothing links two anonymous screenings to one person)."""
    row = queryset.aggregate(
        known=Count("applicant", distinct=True),
        anonymous=Count("pk", filter=Q(applicant__isnull=True)),
    )
    return (row["known"] or 0) + (row["anonymous"] or 0)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class ReachRow:
    label: str
    screened: int
    likely_eligible: int
    applied: int

    @property
    def applied_share(self) -> float | None:
        return _share(self.applied, self.likely_eligible)

    @property
    def eligible_share(self) -> float | None:
        return _share(self.likely_eligible, self.screened)


@dataclass
class ReachReport:
    overall: ReachRow
    applied_to_several: int
    applicants: int
    per_program: list[ReachRow]
    per_month: list[ReachRow]

    @property
    def several_share(self) -> float | None:
        return _share(self.applied_to_several, self.applicants)


def _reach_per_program(records) -> list[ReachRow]:
    """Per-program reach in three queries, whatever the number of programs: one pass over
    the screening outcomes, one over who applied to what, one for the programs' names."""
    screened: dict[str, set] = defaultdict(set)
    eligible: dict[str, set] = defaultdict(set)
    for pk, applicant_id, outcomes in records.values_list("pk", "applicant_id", "outcomes"):
        # Known residents count once per program; each anonymous screening on its own.
        resident = applicant_id if applicant_id is not None else ("anonymous", pk)
        for slug, outcome in (outcomes or {}).items():
            screened[slug].add(resident)
            if outcome == "eligible":
                eligible[slug].add(resident)
    applied: dict[str, set] = defaultdict(set)
    pairs = Application.objects.values_list("program__slug", "submission__applicant_id")
    for slug, applicant_id in pairs.distinct():
        applied[slug].add(applicant_id)
    return [
        ReachRow(
            name,
            len(screened[slug]),
            len(eligible[slug]),
            len(eligible[slug] & applied[slug]),
        )
        for slug, name in Program.objects.order_by("name").values_list("slug", "name")
    ]


# Over 60 lines: the overall, per-program and per-month figures are counted from the same
# querysets.
def reach_report(*, months: int = 12) -> ReachReport:
    """City-wide aggregates: how many residents were screened, how many were likely
    eligible for at least one program, how many of those applied, and how many applied to
    more than one program; overall, per program and per month. Counts only, no rows."""
    record_model = _screening_model()
    applied_applicants = Applicant.objects.filter(submissions__applications__isnull=False)
    several = (
        Application.objects.values("submission__applicant")
        .annotate(programs=Count("program", distinct=True))
        .filter(programs__gt=1)
        .count()
    )
    applicants = applied_applicants.distinct().count()
    if record_model is None:
        empty = ReachRow("", 0, 0, 0)
        return ReachReport(empty, several, applicants, [], [])

    records = record_model.objects.all()
    eligible = records.filter(likely_eligible_count__gte=1)
    eligible_applied = eligible.filter(applicant__in=Subquery(applied_applicants.values("pk")))
    overall = ReachRow(
        label="",
        screened=_residents(records),
        likely_eligible=_residents(eligible),
        applied=eligible_applied.aggregate(n=Count("applicant", distinct=True))["n"],
    )

    per_program = _reach_per_program(records)

    since = timezone.localdate().replace(day=1)
    for _ in range(months - 1):
        since = (since - timedelta(days=1)).replace(day=1)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))

    def by_month(queryset, counter) -> dict:
        rows = (
            queryset.filter(created_at__gte=start)
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(**counter)
        )
        return {_as_date(r["month"]): r for r in rows}

    resident_counter = {
        "known": Count("applicant", distinct=True),
        "anonymous": Count("pk", filter=Q(applicant__isnull=True)),
    }
    screened_m = by_month(records, resident_counter)
    eligible_m = by_month(eligible, resident_counter)
    applied_m = by_month(eligible_applied, {"n": Count("applicant", distinct=True)})
    per_month = []
    month = since
    while month <= timezone.localdate():
        s, e, a = screened_m.get(month, {}), eligible_m.get(month, {}), applied_m.get(month, {})
        per_month.append(
            ReachRow(
                month.strftime("%Y-%m"),
                s.get("known", 0) + s.get("anonymous", 0),
                e.get("known", 0) + e.get("anonymous", 0),
                a.get("n", 0),
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return ReachReport(overall, several, applicants, per_program, per_month)
