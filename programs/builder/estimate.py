"""The estimate page: a version's estimated benefit (`estimated_value`) as forms. The amount
is one expression edited as rows, the same rows as the rule's named values (`values.py`),
and may use those values by name; period, rounding, explanation and source are fields.
Checked by the engine as publishing would, with each error on its field."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import eligibility_glue, services
from ..models import ProgramVersion
from ..templatetags.portal_forms import summary_items
from .editor import Bank
from .forms import ROUNDING_CHOICES, ValueRowFormSet
from .outline import apply_value_action, parse_value_action
from .sentences import Describer
from .values import expression_rows, rows_expression, value_error_field

PERIOD_CHOICES = [
    ("", gettext_lazy("Monthly (default)")),
    ("monthly", gettext_lazy("Monthly (stated)")),
    ("yearly", gettext_lazy("Yearly")),
]
# Where the engine's errors outside the amount belong.
PATH_FIELDS = {
    "$.period": "period",
    "$.rounding": "rounding",
    "$.explanation": "explanation_en",
    "$.source.url": "source_url",
    "$.source": "source_citation",
}


class EstimateForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Per"), choices=PERIOD_CHOICES, required=False)
    rounding = forms.ChoiceField(
        label=gettext_lazy("Rounding of the amount"), choices=ROUNDING_CHOICES, required=False
    )
    explanation_en = forms.CharField(
        label=gettext_lazy("How it is estimated (English)"), required=False, widget=forms.Textarea
    )
    explanation_es = forms.CharField(
        label=gettext_lazy("How it is estimated (Spanish)"), required=False, widget=forms.Textarea
    )
    source_citation = forms.CharField(label=gettext_lazy("Source: citation"), required=False)
    source_url = forms.URLField(
        label=gettext_lazy("Source: address (URL)"), required=False, assume_scheme="https"
    )


def _initial(estimate: dict) -> dict:
    explanation = estimate.get("explanation") or {}
    source = estimate.get("source") or {}
    return {
        "period": estimate.get("period", ""),
        "rounding": estimate.get("rounding", ""),
        "explanation_en": explanation.get("en", ""),
        "explanation_es": explanation.get("es", ""),
        "source_citation": source.get("citation", ""),
        "source_url": source.get("url", ""),
    }


def _texts(stored, pairs: dict) -> dict | None:
    """`stored` (other languages or keys kept) with the form's texts; None when empty."""
    texts = {k: v for k, v in (stored or {}).items() if k not in pairs} if stored else {}
    texts.update({key: value for key, value in pairs.items() if value})
    return texts or None


def estimate_of(form, amount, stored: dict) -> dict:
    data = form.cleaned_data
    if amount is None and not any(data.values()):
        return {}
    estimate: dict = {"amount": amount}
    for key in ("period", "rounding"):
        if data[key]:
            estimate[key] = data[key]
    explanation = _texts(
        stored.get("explanation"), {"en": data["explanation_en"], "es": data["explanation_es"]}
    )
    source = _texts(
        stored.get("source"), {"citation": data["source_citation"], "url": data["source_url"]}
    )
    if explanation:
        estimate["explanation"] = explanation
    if source:
        estimate["source"] = source
    return estimate


class EstimatePage:
    """The form and amount rows for one request, checked (`estimate`) unless a row button
    was pressed."""

    def __init__(self, request, version, bank: Bank) -> None:
        self.bank = bank
        self.general_errors: list[str] = []
        stored = version.estimated_value or {}
        self.stored = stored
        kwargs = {"form_kwargs": {"table_choices": bank.table_choices()}, "prefix": "amount"}
        self.action = request.POST.get("action", "check") if request.method == "POST" else ""
        self.estimate = None
        if request.method != "POST":
            self.form = EstimateForm(initial=_initial(stored))
            self.rows = ValueRowFormSet(
                initial=expression_rows(stored.get("amount"), bank.types), **kwargs
            )
            return
        self.form = EstimateForm(request.POST)
        self.rows = ValueRowFormSet(request.POST, **kwargs)
        verb = parse_value_action(self.action)
        if verb is not None:
            rows = [form.raw_row() for form in self.rows.forms]
            self.rows = ValueRowFormSet(initial=apply_value_action(rows, *verb), **kwargs)
        else:
            self.estimate = self._check(version)

    def _check(self, version) -> dict | None:
        self.rows.is_valid()
        form_ok = self.form.is_valid()
        rows = [form.raw_row() for form in self.rows.forms]
        amount, errors, paths = rows_expression(rows, self.bank.types, "$.amount")
        problems = [(e.row, e.field, e.message) for e in errors]
        if not form_ok:
            return None
        estimate = estimate_of(self.form, amount, self.stored) if not errors else None
        if estimate is not None and estimate and amount is None:
            self.general_errors.append(_("Add the amount: an operand or a calculation."))
            return None
        if estimate:
            values = eligibility_glue.rule_values(version.eligibility_rules)
            found = eligibility_glue.estimate_errors(
                estimate, self.bank.infos, prefix="$", values=values
            )
            for path, message in found:
                if path.startswith("$.amount"):
                    problems.append((*value_error_field(rows, paths, path), message))
                    continue
                field = next((f for p, f in PATH_FIELDS.items() if path.startswith(p)), None)
                if field:
                    self.form.add_error(field, message)
                else:
                    self.general_errors.append(message)
        for row, field, message in problems:
            if row is None:
                self.general_errors.append(message)
            else:
                form = self.rows.forms[row]
                form.add_error(field if field in form.fields else None, message)
        if problems or self.form.errors or self.general_errors:
            return None
        return estimate

    def summary(self) -> list[dict]:
        items = [item for form in [self.form, *self.rows.forms] for item in summary_items(form)]
        return items + [{"href": "amount-rows", "message": e} for e in self.general_errors]


def estimate_view(request, pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    editable = can_change and version.is_editable
    bank = Bank()
    page = EstimatePage(request, version, bank)
    estimate = page.estimate
    if estimate is not None and page.action == "save" and editable:
        services.program_version_update(version=version, estimated_value=estimate)
        messages.success(request, _("The estimate is saved."))
        return redirect(request.path)
    shown = estimate if estimate is not None else (None if page.action else page.stored)
    amount = (shown or {}).get("amount")
    values = eligibility_glue.rule_values(version.eligibility_rules) or {}
    context = {
        "version": version,
        "program": version.program,
        "editable": editable,
        "form": page.form,
        "values_formset": page.rows,
        "general_errors": page.general_errors,
        "summary": page.summary() if request.method == "POST" else [],
        "checked": estimate is not None and page.action == "check",
        "sentence": Describer(bank.infos, bank.tables).operand(amount) if amount else "",
        "estimate_json": json.dumps(shown, indent=2, ensure_ascii=False) if shown else "",
        "bank": bank.questions.values(),
        "member_fields": bank.member_fields(),
        "value_names": sorted(values),
    }
    return TemplateResponse(request, "programs/builder/estimate.html", context)
