"""One rule edited as rows on a page: the eligibility rule of a version, or a screen's
`visible_if`. The page posts the rows back on every button; `RuleEditor` reads them, applies
a row button or checks the rule, and gives the template what it shows."""

from __future__ import annotations

import json

from .. import eligibility_glue
from ..documents.export import referenced_question_keys
from ..models import Question
from ..templatetags.portal_forms import summary_items
from .forms import RuleRowFormSet
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


def _posted_values(text):
    """The rule's named values, carried unchanged through the page (never edited here)."""
    try:
        values = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    return values if isinstance(values, dict) else None


class RuleEditor:
    """Rows for `stored` on a GET; on a POST, the posted rows after the pressed button.

    `rule` is the checked JSON (None after a row button, or when anything is wrong: the
    problems are then on the rows' fields and in `general_errors`)."""

    def __init__(self, request, stored, bank: Bank, *, empty: str = "") -> None:
        self.bank = bank
        self.empty = empty
        self.general_errors: list[str] = []
        self.checked = False
        self.action = request.POST.get("action", "check") if request.method == "POST" else ""
        form_kwargs = {"table_choices": bank.table_choices(), "types": bank.types}
        kwargs = {"form_kwargs": form_kwargs, "prefix": "rows"}
        if request.method != "POST":
            rows, self.values = rule_rows(stored, bank.types)
            self.formset = RuleRowFormSet(initial=rows, **kwargs)
            self.rule = stored or {}
            return
        self.values = _posted_values(request.POST.get("values_json"))
        self.formset = RuleRowFormSet(request.POST, **kwargs)
        verb = parse_action(self.action)
        if verb is not None:
            rows = [form.raw_row() for form in self.formset.forms]
            self.formset = RuleRowFormSet(initial=apply_action(rows, *verb), **kwargs)
            self.rule = None
        else:
            self.rule = self._check()
            self.checked = self.rule is not None

    def _check(self) -> dict | None:
        self.formset.is_valid()  # cleans each form, so that errors can be added to it
        rows = [form.raw_row() for form in self.formset.forms]
        rule, row_errors, paths = rows_rule(rows, self.bank.types, self.values)
        problems = [(e.row, e.field, e.message) for e in row_errors]
        if rule is not None:
            for path, message in eligibility_glue.rule_errors(rule, self.bank.infos, prefix="$"):
                problems.append((*error_field(rows, paths, path), message))
        for row, field, message in problems:
            if row is None:
                self.general_errors.append(message)
            else:
                form = self.formset.forms[row]
                form.add_error(field if field in form.fields else None, message)
        return None if problems else rule

    def summary(self) -> list[dict]:
        """Error summary items linking to each field (and the rows heading)."""
        items = [item for form in self.formset.forms for item in summary_items(form)]
        return items + [{"href": "rule-rows", "message": e} for e in self.general_errors]

    def describer(self) -> Describer:
        return Describer(self.bank.infos, self.bank.tables)

    def context(self) -> dict:
        rule = self.rule
        return {
            "formset": self.formset,
            "checked": self.checked,
            "general_errors": self.general_errors,
            "lines": Describer(self.bank.infos, self.bank.tables).lines(rule)
            if rule is not None
            else [],
            "rule_json": json.dumps(rule, indent=2, ensure_ascii=False) if rule is not None else "",
            "values_json": json.dumps(self.values) if self.values else "",
            "bank": self.bank.questions.values(),
            "member_fields": self.bank.member_fields(),
        }
