"""Which applications an export covers: one program, a submitted-date range, a scope.

Shared by the CSV export, the batch of PDFs, the command and the API so that each reads
the same rows for the same request. The scope is always given by the caller as an
already-scoped queryset: `agencies.review.selectors.applications_for_user` for staff, the key's
agency for the API; nothing here widens it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from applicants.models import Application
from programs.models import Program


class ExportError(ValueError):
    """A request for an export that cannot be made, with the field (`path`) at fault."""

    def __init__(self, message: str, *, path: str = ""):
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class ExportRange:
    program: Program
    since: datetime.date | None = None
    until: datetime.date | None = None

    def describe(self) -> dict:
        return {
            "program": self.program.slug,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def check_range(*, since, until) -> None:
    if since and until and since > until:
        raise ExportError("'since' is after 'until'.", path="until")


def applications_in_range(queryset: QuerySet[Application], export_range: ExportRange):
    """`queryset` limited to the program and the dates (both inclusive, in local days),
    oldest first with the primary key as tie-breaker, so every export is in one stable
    order."""
    check_range(since=export_range.since, until=export_range.until)
    queryset = queryset.filter(program_id=export_range.program.pk)
    if export_range.since:
        queryset = queryset.filter(submitted_at__gte=day_start(export_range.since))
    if export_range.until:
        queryset = queryset.filter(
            submitted_at__lt=day_start(export_range.until + datetime.timedelta(days=1))
        )
    return queryset.order_by("submitted_at", "pk")
