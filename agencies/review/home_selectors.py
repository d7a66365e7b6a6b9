"""Reads of the caseworker home: the work waiting for the signed-in staff member.

Everything is scoped by `selectors.applications_for_user`, so the counts and rows are
those of the user's own agencies only. The page costs a fixed number of queries whatever
the number of agencies or applications: one aggregate for every count, one bounded query
per list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from agencies.review.selectors import applications_for_user, member_agency_ids
from agencies.review.workflow import FINAL, WAITING_ON_AGENCY, Status

ROWS_PER_SECTION = 5
# What the home counts; the queue's "work" filter (queue_filters.py) lists the same.
OPEN_WORK = ~Q(status__in=list(FINAL))
WAITING_WORK = Q(status__in=list(WAITING_ON_AGENCY))
# The review dashboard's window too (dashboard.renewals_due).
RENEWAL_WINDOW_DAYS = 60


def renewal_due_work() -> Q:
    """Approvals whose certification ends within the renewal window (a function: the
    window moves with the date)."""
    today = timezone.localdate()
    return Q(
        status=Status.APPROVED,
        certified_until__gte=today,
        certified_until__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS),
    )


@dataclass(frozen=True)
class HomeSection:
    """One box of the home page: what it holds, how many, the first rows, the queue
    filter (changelist query string) that lists them all."""

    key: str
    count: int
    rows: list
    queue_query: str


def is_agency_staff(user) -> bool:
    """Whether `user` reviews applications for at least one agency (one query)."""
    if not (user.is_active and user.is_staff and user.has_perm("applicants.view_application")):
        return False
    return user.is_superuser or member_agency_ids(user=user).exists()


def _section_filters(user) -> dict[str, Q]:
    return {
        # Open work handed to this user: anything not final is still theirs to follow.
        "mine": Q(assignee_id=user.pk) & OPEN_WORK,
        "waiting": WAITING_WORK,
        "resubmitted": Q(status=Status.RESUBMITTED),
        "renewals": renewal_due_work(),
    }


def _queue_queries(user) -> dict[str, str]:
    # Queue filters (agencies/queue_filters.py) that list what each count counts.
    return {
        "mine": f"assignee__id__exact={user.pk}&work=open",
        "waiting": "work=waiting",
        "resubmitted": f"status__exact={Status.RESUBMITTED}",
        "renewals": "work=renewal_due",
    }


def caseworker_home(*, user, rows: int = ROWS_PER_SECTION) -> list[HomeSection]:
    """My assigned work, waiting longest, requests answered by residents, renewals due:
    counts and the oldest `rows` of each, oldest waiting first."""
    scoped = applications_for_user(user=user)
    filters = _section_filters(user)
    counts = scoped.order_by().aggregate(
        **{key: Count("pk", filter=condition) for key, condition in filters.items()}
    )
    queries = _queue_queries(user)
    listed = scoped.defer("answers", "eligibility")
    return [
        HomeSection(
            key=key,
            count=counts[key],
            rows=list(listed.filter(condition)[:rows]) if counts[key] else [],
            queue_query=queries[key],
        )
        for key, condition in filters.items()
    ]
