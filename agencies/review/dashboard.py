"""The supervisor dashboard: figures over the applications a user may see, and the
renewals coming due."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F
from django.db.models.functions import TruncWeek
from django.utils import timezone

from agencies.review.selectors import applications_for_user, scope_to_user
from agencies.review.workflow import DECIDED, WAITING_ON_AGENCY, Status
from applicants.models import Application


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


def as_date(value) -> date:
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
        as_date(row["week"]): row["n"]
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
