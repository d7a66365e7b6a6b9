"""The rule builder page: rows, live check, try-it panel (admin only; see `programs.admin`).

Everything the admin changes travels in the page's one form until "Save the rule": moving,
nesting, adding and removing rows, checking and trying the rule all post the rows back and
render them again, so the page works without JavaScript and nothing is lost between steps.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from eligibility.engine import NoPeriodInEffect

from .. import eligibility_glue, services
from ..models import ProgramVersion
from ..templatetags.portal_forms import summary_items
from .editor import Bank, RuleEditor
from .forms import EXPECTED_CHOICES, TryItForm

TRY_ACTIONS = ("try", "add_example")


def _try(try_form, rule, bank, version):
    """The outcome for the try-it answers (or the chosen example's), or None."""
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
    try:
        result = eligibility_glue.evaluate(
            rule, answers, bank.infos, as_of=as_of, language=language
        )
    except NoPeriodInEffect as error:
        message = _("No period of the table %(table)s is in effect on %(day)s.")
        try_form.add_error("as_of", message % {"table": error.table_id, "day": as_of})
        return None
    except ArithmeticError:  # a division by an answer of 0
        try_form.add_error(None, _("These answers make the rule divide by zero."))
        return None
    outcome = dict(EXPECTED_CHOICES).get(result.outcome, result.outcome) if result else None
    return {"answers": answers, "as_of": as_of, "result": result, "outcome": outcome}


def _example(try_form, trial) -> dict | None:
    """The try-it answers as a new example, when a name was given."""
    name = (try_form.cleaned_data.get("example_name") or "").strip()
    if not name or trial is None:
        return None
    example = {"name": name, "answers": trial["answers"], "as_of": trial["as_of"].isoformat()}
    example["expected"] = try_form.cleaned_data.get("expected") or "eligible"
    return example


def rule_builder_view(request, pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    bank = Bank()
    editable = can_change and version.is_editable
    editor = RuleEditor(request, version.eligibility_rules, bank, with_values=True)
    rule = editor.rule
    if rule is not None and editor.action == "save" and editable:
        services.program_version_update(version=version, eligibility_rules=rule)
        messages.success(request, _("The rule is saved."))
        return redirect(request.path)
    trying = rule is not None and editor.action in TRY_ACTIONS
    try_form = TryItForm(
        request.POST if trying else None,
        questions=bank.used_by(rule) if rule is not None else [],
        examples=version.examples or [],
    )
    trial = _try(try_form, rule, bank, version) if trying else None
    example = _example(try_form, trial) if trying and editor.action == "add_example" else None
    if example is not None and editable:
        examples = [*(version.examples or []), example]
        services.program_version_update(version=version, examples=examples)
        messages.success(request, _("Example “%(name)s” added.") % {"name": example["name"]})
    context = {
        **editor.context(),
        "version": version,
        "program": version.program,
        "editable": editable,
        "summary": editor.summary() + _summary_of(try_form if trying else None),
        "try_form": try_form,
        "trial": trial,
    }
    return TemplateResponse(request, "programs/builder/rule.html", context)


def _summary_of(form) -> list[dict]:
    return summary_items(form) if form is not None and form.is_bound else []
