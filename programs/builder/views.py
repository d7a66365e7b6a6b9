"""The rule builder page: rows, live check, try-it panel (admin only; see `programs.admin`).

Everything the admin changes travels in the page's one form until "Save rule": moving,
nesting, adding and removing rows, checking and trying the rule all post the rows back and
render them again, so the page works without JavaScript and nothing is lost between steps.
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import eligibility_glue, services
from ..documents.export import referenced_question_keys
from ..models import ProgramVersion, Question
from ..templatetags.portal_forms import summary_items
from .forms import RuleRowFormSet, TryItForm
from .outline import apply_action, parse_action
from .rows import error_field, rows_rule, rule_rows
from .sentences import Describer


class Bank:
    """The question bank once per request: types for the rows, infos for the engine."""

    def __init__(self) -> None:
        self.questions = {q.key: q for q in Question.objects.order_by("key")}
        self.types = {}
        for question in self.questions.values():
            self.types[question.key] = question.type
            for field in question.member_fields or []:
                if isinstance(field, dict) and "key" in field:
                    self.types[f"{question.key}:{field['key']}"] = field.get("type", "")
        self.infos = eligibility_glue.question_infos(self.questions.values())
        self.tables = eligibility_glue.reference_tables()

    def table_choices(self) -> list[tuple[str, str]]:
        return sorted((t, self.tables.periods(t)[-1].title) for t in self.tables.ids())

    def member_fields(self) -> list[str]:
        return sorted({key.split(":", 1)[1] for key in self.types if ":" in key})

    def used_by(self, rule) -> list:
        return [self.questions[k] for k in referenced_question_keys(rule) if k in self.questions]


def _formset(bank, *, data=None, rows=None):
    kwargs = {"form_kwargs": {"table_choices": bank.table_choices()}, "prefix": "rows"}
    if data is not None:
        return RuleRowFormSet(data, **kwargs)
    return RuleRowFormSet(initial=rows, **kwargs)


def _check(formset, bank, values) -> tuple[dict | None, list[str]]:
    """Rows -> JSON; every problem is put on its row and field. Returns the rule (None when
    anything is wrong) and the problems that belong to no row."""
    formset.is_valid()  # runs each form's cleaning, so errors can be added to it
    rows = [form.raw_row() for form in formset.forms]
    rule, row_errors, paths = rows_rule(rows, bank.types, values)
    problems = [(e.row, e.field, e.message) for e in row_errors]
    if rule is not None:
        for path, message in eligibility_glue.rule_errors(rule, bank.infos, prefix="$"):
            row, field = error_field(rows, paths, path)
            problems.append((row, field, message))
    general = []
    for row, field, message in problems:
        if row is None:
            general.append(message)
        else:
            form = formset.forms[row]
            form.add_error(field if field in form.fields else None, message)
    return (None if problems else rule), general


def _try(try_form, compiled_rule, bank, version):
    if not try_form.is_valid():
        return None
    answers, as_of = try_form.answers(), try_form.cleaned_data.get("as_of")
    chosen = try_form.cleaned_data.get("example")
    if chosen:
        example = (version.examples or [])[int(chosen)]
        answers = example.get("answers") or {}
        if not as_of and example.get("as_of"):
            as_of = date.fromisoformat(example["as_of"])
    as_of = as_of or timezone.localdate()
    language = (get_language() or "en").split("-")[0]
    result = eligibility_glue.evaluate(
        compiled_rule, answers, bank.infos, as_of=as_of, language=language
    )
    return {"answers": answers, "as_of": as_of, "result": result}


def _example(try_form, result) -> dict | None:
    """The try-it answers as a new example, when a name was given."""
    name = (try_form.cleaned_data.get("example_name") or "").strip()
    if not name or result is None:
        return None
    example = {"name": name, "answers": result["answers"], "as_of": result["as_of"].isoformat()}
    example["expected"] = try_form.cleaned_data.get("expected") or "eligible"
    return example


def rule_builder_view(request, pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    bank = Bank()
    editable = can_change and version.is_editable
    checked = trial = None
    general: list[str] = []
    if request.method != "POST":
        rows, values = rule_rows(version.eligibility_rules, bank.types)
        formset = _formset(bank, rows=rows)
        rule = version.eligibility_rules or {}
    else:
        values = _posted_values(request.POST.get("values_json"))
        formset = _formset(bank, data=request.POST)
        action = request.POST.get("action", "check")
        verb = parse_action(action)
        if verb is not None:
            rows = [form.raw_row() for form in formset.forms]
            formset = _formset(bank, rows=apply_action(rows, *verb))
            rule = None
        else:
            rule, general = _check(formset, bank, values)
            checked = rule is not None
            if rule is not None and action == "save" and editable:
                services.program_version_update(version=version, eligibility_rules=rule)
                messages.success(request, _("The rule is saved."))
                return redirect(request.path)
    questions = bank.used_by(rule) if rule is not None else []
    try_form = TryItForm(
        request.POST if request.POST.get("action") in ("try", "add_example") else None,
        questions=questions,
        examples=version.examples or [],
    )
    if rule is not None and request.POST.get("action") in ("try", "add_example"):
        trial = _try(try_form, rule, bank, version)
        example = _example(try_form, trial) if request.POST.get("action") == "add_example" else None
        if example is not None and editable:
            services.program_version_update(
                version=version, examples=[*(version.examples or []), example]
            )
            messages.success(request, _("Example “%(name)s” added.") % {"name": example["name"]})
    summary = [item for form in formset.forms for item in summary_items(form)]
    summary += [{"href": "rule-rows", "message": error} for error in general]
    context = {
        "version": version,
        "program": version.program,
        "editable": editable,
        "formset": formset,
        "summary": summary,
        "general_errors": general,
        "checked": checked,
        "lines": Describer(bank.infos, bank.tables).lines(rule) if rule is not None else [],
        "rule_json": json.dumps(rule, indent=2, ensure_ascii=False) if rule is not None else "",
        "values_json": json.dumps(values) if values else "",
        "try_form": try_form,
        "trial": trial,
        "bank": bank.questions.values(),
        "member_fields": bank.member_fields(),
    }
    return TemplateResponse(request, "programs/builder/rule.html", context)


def _posted_values(text):
    """The rule's named values, carried unchanged through the page (never edited here)."""
    try:
        values = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    return values if isinstance(values, dict) else None
