"""One rule edited as rows on a page: the eligibility rule of a version, or a screen's
`visible_if`. The page posts the rows back on every button; `RuleEditor` reads them, applies
a row button or checks the rule, and gives the template what it shows."""

from __future__ import annotations

import json

from .. import eligibility_glue
from ..documents.export import referenced_question_keys
from ..models import Question
from ..templatetags.portal_forms import summary_items
from .calculations import EXPRESSION_KINDS
from .forms import RuleRowFormSet, ValueRowFormSet
from .outline import apply_action, apply_value_action, parse_action, parse_value_action
from .rows import error_field, rows_rule, rule_rows
from .sentences import Describer
from .values import OPERATORS, rows_values, value_error_field, values_rows


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


class RuleEditor:
    """Rows for `stored` on a GET; on a POST, the posted rows after the pressed button.

    The rule's named values are rows of their own (`values_formset`, see `values.py`), on
    the rule page only (`with_values`); a screen's `visible_if` has none.

    `rule` is the checked JSON (None after a row button, or when anything is wrong: the
    problems are then on the rows' fields and in `general_errors`)."""

    def __init__(self, request, stored, bank: Bank, *, empty: str = "", with_values=False):
        self.bank = bank
        self.empty = empty
        self.with_values = with_values
        self.general_errors: list[str] = []
        self.checked = False
        self.action = request.POST.get("action", "check") if request.method == "POST" else ""
        form_kwargs = {"table_choices": bank.table_choices(), "types": bank.types}
        kwargs = {"form_kwargs": form_kwargs, "prefix": "rows"}
        value_kwargs = {"form_kwargs": {"table_choices": bank.table_choices()}, "prefix": "values"}
        if request.method != "POST":
            rows, values = rule_rows(stored, bank.types)
            self.formset = RuleRowFormSet(initial=rows, **kwargs)
            self.values_formset = ValueRowFormSet(
                initial=values_rows(values, bank.types), **value_kwargs
            )
            self.rule = stored or {}
            return
        self.formset = RuleRowFormSet(request.POST, **kwargs)
        # A post without the value rows (not from this page's form) keeps the stored values.
        if with_values and "values-TOTAL_FORMS" in request.POST:
            self.values_formset = ValueRowFormSet(request.POST, **value_kwargs)
        else:
            stored_values = (
                stored.get("values") if with_values and isinstance(stored, dict) else None
            )
            self.values_formset = ValueRowFormSet(
                initial=values_rows(stored_values, bank.types), **value_kwargs
            )
        verb = parse_action(self.action)
        value_verb = parse_value_action(self.action)
        self.rule = None
        if verb is not None:
            rows = [form.raw_row() for form in self.formset.forms]
            self.formset = RuleRowFormSet(initial=apply_action(rows, *verb), **kwargs)
        elif value_verb is not None:
            rows = [form.raw_row() for form in self.values_formset.forms]
            self.values_formset = ValueRowFormSet(
                initial=apply_value_action(rows, *value_verb), **value_kwargs
            )
        else:
            self.rule = self._check()
            self.checked = self.rule is not None

    def _check(self) -> dict | None:
        self.formset.is_valid()  # cleans each form, so that errors can be added to it
        self.values_formset.is_valid()
        # Rows that did not all arrive (no management form: a post not from this page) or
        # more than the page takes: saving what did arrive would drop conditions.
        incomplete = [*self.formset.non_form_errors(), *self.values_formset.non_form_errors()]
        if incomplete:
            self.general_errors.extend(incomplete)
            return None
        rows = [form.raw_row() for form in self.formset.forms]
        value_rows = [form.raw_row() for form in self.values_formset.forms]
        values, value_errors, value_paths = rows_values(value_rows, self.bank.types)
        rule, row_errors, paths = rows_rule(rows, self.bank.types, values)
        problems = [(self.formset, e.row, e.field, e.message) for e in row_errors]
        problems += [(self.values_formset, e.row, e.field, e.message) for e in value_errors]
        if rule is not None and not value_errors:
            for path, message in eligibility_glue.rule_errors(rule, self.bank.infos, prefix="$"):
                if path.startswith("$.values.") and value_rows:
                    place = value_error_field(value_rows, value_paths, path)
                    problems.append((self.values_formset, *place, message))
                else:
                    problems.append((self.formset, *error_field(rows, paths, path), message))
        for formset, row, field, message in problems:
            if row is None:
                self.general_errors.append(message)
            else:
                form = formset.forms[row]
                form.add_error(field if field in form.fields else None, message)
        return None if problems else rule

    def summary(self) -> list[dict]:
        """Error summary items linking to each field (and the rows heading)."""
        forms = [*self.values_formset.forms, *self.formset.forms]
        items = [item for form in forms for item in summary_items(form)]
        return items + [{"href": "rule-rows", "message": e} for e in self.general_errors]

    def describer(self) -> Describer:
        return Describer(self.bank.infos, self.bank.tables)

    def context(self) -> dict:
        rule = self.rule
        describer = Describer(self.bank.infos, self.bank.tables)
        value_lines = describer.value_lines(rule.get("values")) if rule is not None else []
        value_names = [form["value_name"].value() for form in self.values_formset.forms]
        return {
            "formset": self.formset,
            "checked": self.checked,
            "general_errors": self.general_errors,
            "lines": describer.lines(rule) if rule is not None else [],
            "value_lines": value_lines,
            "value_names": [name for name in value_names if name],
            "rule_json": json.dumps(rule, indent=2, ensure_ascii=False) if rule is not None else "",
            "values_formset": self.values_formset,
            "expression_kinds": EXPRESSION_KINDS,
            "operator_kinds": OPERATORS,
            "with_values": self.with_values,
            "bank": self.bank.questions.values(),
            "member_fields": self.bank.member_fields(),
        }
