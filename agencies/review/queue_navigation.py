"""Previous / next on an application's page, in the queue as the caseworker left it.

The admin passes the queue's filters, search and sort to the detail page in its
`_changelist_filters` parameter. The same `ChangeList` the queue uses rebuilds that
queryset (so scoping, filters, search and order cannot drift from the list), and one
query with window functions finds the rows on either side of the application: the page
costs the same whether the queue holds ten applications or a hundred thousand.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.options import IncorrectLookupParameters
from django.db import connections
from django.db.models import F, OrderBy, Window
from django.db.models.functions import Lag, Lead
from django.http import QueryDict
from django.urls import resolve, reverse

FILTERS_PARAM = "_changelist_filters"


@dataclass(frozen=True)
class Neighbour:
    reference: str
    url: str


def _order_expressions(queryset) -> list:
    expressions = []
    for item in queryset.query.order_by:
        if isinstance(item, OrderBy):
            expressions.append(item)
        elif item.startswith("-"):
            expressions.append(F(item[1:]).desc())
        else:
            expressions.append(F(item).asc())
    return expressions


def _queue_queryset(model_admin, request, filters: str):
    queue_request = copy.copy(request)
    queue_request.GET = QueryDict(filters)
    changelist_url = reverse("admin:applicants_application_changelist")
    # The queue's own queryset (the list defers the answers it never shows).
    queue_request.resolver_match = resolve(changelist_url)
    try:
        return model_admin.get_changelist_instance(queue_request).queryset
    except IncorrectLookupParameters:
        # A hand-edited filter the queue would refuse: fall back to the plain queue.
        queue_request.GET = QueryDict()
        return model_admin.get_changelist_instance(queue_request).queryset


def queue_neighbours(model_admin, request, application) -> dict[str, Neighbour | None]:
    """{"previous": ..., "next": ...}: the applications beside `application` in the
    queue, or None at either end (or when the filters no longer include it)."""
    filters = request.GET.get(FILTERS_PARAM, "")
    queryset = _queue_queryset(model_admin, request, filters)
    order = _order_expressions(queryset)
    inner = queryset.annotate(
        row_id=F("pk"),
        previous_id=Window(Lag("pk"), order_by=order),
        previous_ref=Window(Lag("reference"), order_by=order),
        next_id=Window(Lead("pk"), order_by=order),
        next_ref=Window(Lead("reference"), order_by=order),
    ).values("row_id", "previous_id", "previous_ref", "next_id", "next_ref")
    sql, params = inner.query.sql_with_params()
    # The windows must see the whole filtered queue, so the row is picked outside them.
    # `sql` is the ORM's own text with every value left as a bound parameter.
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT previous_id, previous_ref, next_id, next_ref FROM ({sql}) AS queue "  # noqa: S608
            "WHERE row_id = %s",
            [*params, application.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return {"previous": None, "next": None}
    suffix = f"?{urlencode({FILTERS_PARAM: filters})}" if filters else ""

    def neighbour(pk, reference):
        if pk is None:
            return None
        url = reverse("admin:applicants_application_change", args=[pk])
        return Neighbour(reference=reference, url=url + suffix)

    return {"previous": neighbour(row[0], row[1]), "next": neighbour(row[2], row[3])}
