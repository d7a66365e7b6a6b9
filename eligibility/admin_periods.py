"""Editing one period of a reference table field by field in the admin.

The form builds the period as it appears in a table document and hands the table's whole
document to ``table_document_import``: the same checks, lock and audit row as an upload or
``manage.py import_tables``. Each error comes back with its JSON path and is shown on the
field it is about. A period that published programs have used is shown but not editable.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eligibility.table_models import ReferenceTable, TableChange, TablePeriod
from eligibility.table_selectors import (
    period_entry,
    period_is_locked,
    tables_document,
    tables_used_by_published_versions,
)
from eligibility.table_services import TablesImported, table_document_import
from programs.documents.errors import DocumentInvalid

LOCKED = _(
    "This period has been in effect for published programs, so residents may have been "
    "screened with it: it cannot be changed. Add a new period instead."
)
# Document path below the period -> form field.
FIELD_FOR_PATH = {
    "effective_from": "effective_from",
    "effective_to": "effective_to",
    "value": "value",
    "values": "size_1",
    "additional_person": "additional_person",
    "source": "source_citation",
    "source.citation": "source_citation",
    "source.url": "source_url",
}


def amount_of(text: str) -> int | str:
    """A typed amount as the document stores it: a whole number, or a decimal string kept
    exactly as published."""
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[0-9]+\.[0-9]+", text):
        return text
    raise forms.ValidationError(
        gettext("Enter a whole number or a decimal such as 137.5, without $ or commas.")
    )


class AmountField(forms.CharField):
    def clean(self, value):
        text = super().clean(value)
        return amount_of(text.strip()) if text else None


class TablePeriodForm(forms.Form):
    effective_from = forms.DateField(
        label=_("In effect from"), help_text=_("First day in effect, YYYY-MM-DD.")
    )
    effective_to = forms.DateField(
        label=_("In effect to"),
        required=False,
        help_text=_("Optional last day in effect; empty: until the next period starts."),
    )

    def __init__(self, *args, sizes: int | None, editing: bool, **kwargs):
        """`sizes`: the household sizes listed (one more is offered empty, to add a size);
        None for a table of single values."""
        super().__init__(*args, **kwargs)
        if editing:
            # The start identifies the period; a different start is a new period.
            self.fields["effective_from"].disabled = True
        if sizes is None:
            self.fields["value"] = AmountField(label=_("Value"))
        else:
            for size in range(1, sizes + 2):
                self.fields[f"size_{size}"] = AmountField(
                    label=_("Household of %(size)s") % {"size": size}, required=size == 1
                )
            self.fields["additional_person"] = AmountField(label=_("Each further person"))
        self.fields["source_citation"] = forms.CharField(
            label=_("Citation"),
            max_length=500,
            help_text=_("The publication these figures come from."),
        )
        self.fields["source_url"] = forms.URLField(label=_("Source URL"), required=False)

    def period_entry(self) -> dict:
        """The period as a table document writes it (see table_selectors.period_entry)."""
        data = self.cleaned_data
        entry: dict = {"effective_from": data["effective_from"].isoformat()}
        if data.get("effective_to"):
            entry["effective_to"] = data["effective_to"].isoformat()
        if "value" in self.fields:
            entry["value"] = data["value"]
        else:
            sizes = [name for name in self.fields if name.startswith("size_")]
            entry["values"] = {
                name.removeprefix("size_"): data[name] for name in sizes if data[name] is not None
            }
            entry["additional_person"] = data["additional_person"]
        entry["source"] = {"citation": data["source_citation"]}
        if data.get("source_url"):
            entry["source"]["url"] = data["source_url"]
        return entry

    def add_document_errors(self, error: DocumentInvalid, prefix: str) -> None:
        """Show each problem on its field when its path is inside this period."""
        for problem in error.errors:
            inside = problem.path == prefix or problem.path.startswith(prefix + ".")
            if not inside:  # about another period: say which
                self.add_error(None, str(problem))
                continue
            suffix = problem.path.removeprefix(prefix).removeprefix(".")
            field = FIELD_FOR_PATH.get(suffix)
            if suffix.startswith("values."):
                field = f"size_{suffix.removeprefix('values.')}"
            self.add_error(field if field in self.fields else None, problem.message)


def initial_for(period: TablePeriod, *, editing: bool) -> dict:
    entry = period_entry(period)
    initial = {f"size_{size}": amount for size, amount in entry.get("values", {}).items()}
    initial["value"] = entry.get("value")
    initial["additional_person"] = entry.get("additional_person")
    if editing:  # a new period starts from the latest amounts, with its own dates and source
        initial["effective_from"] = period.effective_from
        initial["effective_to"] = period.effective_to
        initial["source_citation"] = period.source_citation
        initial["source_url"] = period.source_url
    return initial


def import_messages(request, result: TablesImported) -> None:
    """What an import did, as admin messages."""
    if not result.changed:
        messages.info(request, gettext("Nothing to change: the tables already match."))
    for key, start in result.periods_added:
        messages.success(
            request,
            gettext("%(table)s: period from %(start)s added.") % {"table": key, "start": start},
        )
    for key, start in result.periods_changed:
        messages.success(
            request,
            gettext("%(table)s: period from %(start)s corrected.") % {"table": key, "start": start},
        )
    for key in result.tables_created + result.tables_updated:
        messages.success(request, gettext("%(table)s: table saved.") % {"table": key})


def _save(request, form: TablePeriodForm, table: ReferenceTable, period) -> bool:
    """Put the form's period into the table's document and import it; False on errors."""
    entry = form.period_entry()
    document = tables_document(keys=[table.key])
    periods = document["tables"][0]["periods"]
    if period is not None:
        start = period.effective_from.isoformat()
        periods[:] = [entry if p["effective_from"] == start else p for p in periods]
    else:
        periods.append(entry)
        periods.sort(key=lambda p: p["effective_from"])
    prefix = f"$.tables[0].periods[{periods.index(entry)}]"
    try:
        result = table_document_import(
            data=document, via=TableChange.Via.ADMIN, acting_user=request.user
        )
    except DocumentInvalid as error:
        form.add_document_errors(error, prefix)
        return False
    import_messages(request, result)
    return True


def period_view(model_admin, request, pk: int, period_pk: int | None = None):
    """Add a period to a table (``period_pk`` None) or correct one that is not locked."""
    if not request.user.has_perm("eligibility.change_referencetable"):
        raise PermissionDenied
    table = get_object_or_404(ReferenceTable, pk=pk)
    period = get_object_or_404(TablePeriod, pk=period_pk, table=table) if period_pk else None
    latest = period or table.periods.order_by("-effective_from").first()
    sizes = None
    if latest is None or latest.value is None:
        sizes = max((int(size) for size in latest.values), default=1) if latest else 8
    locked = period is not None and period_is_locked(
        table_key=table.key,
        effective_from=period.effective_from,
        used=tables_used_by_published_versions(),
    )
    initial = initial_for(latest, editing=period is not None) if latest else {}
    data = request.POST if request.method == "POST" and not locked else None
    form = TablePeriodForm(data, initial=initial, sizes=sizes, editing=period is not None)
    if locked:
        for field in form.fields.values():
            field.disabled = True
        if request.method == "POST":
            messages.error(request, LOCKED)
    elif data is not None and form.is_valid() and _save(request, form, table, period):
        return HttpResponseRedirect(
            reverse("admin:eligibility_referencetable_change", args=[table.pk])
        )
    title = (
        gettext("%(table)s: period from %(start)s")
        % {"table": table.key, "start": period.effective_from.isoformat()}
        if period
        else gettext("%(table)s: add a period") % {"table": table.key}
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "table": table,
        "form": form,
        "locked": locked,
        "locked_message": LOCKED,
    }
    return TemplateResponse(request, "admin/eligibility/table_period_form.html", context)
