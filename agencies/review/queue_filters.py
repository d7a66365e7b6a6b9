"""Filters of the review queue beyond single fields: the work still open or waiting on the
agency (what the caseworker home counts) and the eligibility found at submission."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.exports.pdf_export import OUTCOME_LABELS
from agencies.review.home_selectors import OPEN_WORK, WAITING_WORK, renewal_due_work

WORK_FILTERS = {
    "open": (_("Not final"), OPEN_WORK),
    "waiting": (_("Waiting on the agency"), WAITING_WORK),
    "renewal_due": (_("Renewal due within 60 days"), renewal_due_work),
}


class WorkFilter(admin.SimpleListFilter):
    title = _("work")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _condition) in WORK_FILTERS.items()]

    def queryset(self, request, queryset):
        entry = WORK_FILTERS.get(self.value())
        if entry is None:
            return queryset
        condition = entry[1]
        return queryset.filter(condition() if callable(condition) else condition)


class OutcomeFilter(admin.SimpleListFilter):
    title = _("eligibility at submission")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return list(OUTCOME_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in OUTCOME_LABELS:
            return queryset.filter(eligibility__outcome=self.value())
        return queryset
