"""The city-wide reach report: residents screened, likely eligible and applying, overall,
per program and per month. Counts only, no rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Count, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies.review.dashboard import as_date
from applicants.models import Applicant, Application
from programs.models import Program


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
        return {as_date(r["month"]): r for r in rows}

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
