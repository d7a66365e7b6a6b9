"""The examples page: a version's worked examples as forms, answered with the same fields
residents use, checked against the saved rule before they are kept (publishing requires
every example to give its expected outcome)."""

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
from ..question_types import form_field_for, initial_for_form
from ..templatetags.portal_forms import summary_items
from .editor import Bank
from .forms import EXPECTED_CHOICES, field_name


class ExampleForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the example"), max_length=200, required=False
    )
    expected = forms.ChoiceField(label=gettext_lazy("Expected outcome"), choices=EXPECTED_CHOICES)
    as_of = forms.DateField(
        label=gettext_lazy("Screened as of (YYYY-MM-DD)"),
        required=False,
        help_text=gettext_lazy("Empty: the day the example is checked."),
    )
    # Answers to questions the rule does not read, kept as they were.
    other_answers = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question_keys = {}
        for question in questions:
            name = field_name(question.key)
            self.fields[name] = form_field_for(question, required=False)
            self.question_keys[name] = question.key

    def answer_fields(self):
        return [self[name] for name in self.question_keys]

    def example(self) -> dict | None:
        """The example as stored, or None for a blank or deleted form."""
        data = self.cleaned_data
        if not data.get("name") or data.get("DELETE"):
            return None
        try:
            answers = json.loads(data.get("other_answers") or "{}")
        except json.JSONDecodeError:
            answers = {}
        for name, key in self.question_keys.items():
            if data.get(name) not in (None, ""):
                answers[key] = data[name]
        example = {"name": data["name"], "answers": answers}
        if data.get("as_of"):
            example["as_of"] = data["as_of"].isoformat()
        example["expected"] = data["expected"]
        return example


ExampleFormSet = forms.formset_factory(
    ExampleForm, extra=1, can_delete=True, max_num=200, validate_max=True
)


def _initial(examples: list, questions: list) -> list[dict]:
    by_key = {question.key: question for question in questions}
    initial = []
    for example in examples:
        answers = example.get("answers") or {}
        row = {"name": example.get("name", ""), "expected": example.get("expected")}
        row["as_of"] = example.get("as_of")
        row["other_answers"] = json.dumps({k: v for k, v in answers.items() if k not in by_key})
        for key, question in by_key.items():
            row[field_name(key)] = initial_for_form(question, answers.get(key))
        initial.append(row)
    return initial


def examples_view(request, pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    editable = can_change and version.is_editable
    bank = Bank()
    rule = version.eligibility_rules or {}
    questions = bank.used_by(rule)
    posted = request.POST if request.method == "POST" and editable else None
    formset = ExampleFormSet(
        posted,
        initial=_initial(version.examples or [], questions),
        prefix="examples",
        form_kwargs={"questions": questions},
    )
    if posted is not None and formset.is_valid() and _save(request, version, formset, bank):
        return redirect(request.path)
    context = {
        "version": version,
        "program": version.program,
        "editable": editable,
        "formset": formset,
        "summary": [i for form in formset.forms for i in summary_items(form)] if posted else [],
    }
    return TemplateResponse(request, "programs/builder/examples.html", context)


def _save(request, version, formset, bank) -> bool:
    kept = [(form, form.example()) for form in formset.forms]
    kept = [(form, example) for form, example in kept if example is not None]
    names = [example["name"] for _form, example in kept]
    for form, example in kept:
        if names.count(example["name"]) > 1:
            form.add_error("name", _("Two examples have this name: give each its own."))
    examples = [example for _form, example in kept]
    rule = version.eligibility_rules or {}
    if not any(form.errors for form, _example in kept) and not eligibility_glue.rule_errors(
        rule, bank.infos, prefix="$"
    ):
        failures = eligibility_glue.example_failures(rule, examples, bank.infos, prefix="$")
        for path, message in failures:
            index = int(path.rsplit("[", 1)[1].rstrip("]")) if path.endswith("]") else 0
            kept[index][0].add_error(None, message)
    if any(form.errors for form, _example in kept):
        return False
    services.program_version_update(version=version, examples=examples)
    messages.success(request, _("The examples are saved."))
    return True
