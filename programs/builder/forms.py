"""The builder's forms: one rule row, the try-it panel, and the example it can save.

Every row field is optional text or a choice: what a row means is decided when the rows are
turned into JSON (`rows.rows_rule`), whose problems are then shown on the field at fault.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..question_types import form_field_for
from .operands import TABLE_WHEN

OP_CHOICES = [
    ("eq", _("is")),
    ("ne", _("is not")),
    ("lt", _("is below")),
    ("lte", _("is at or below")),
    ("gt", _("is above")),
    ("gte", _("is at or above")),
    ("between", _("is between")),
    ("in", _("includes any of")),
    ("not_in", _("includes none of")),
    ("is_answered", _("is answered")),
]
ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte", "between", "is_answered")
# What the engine accepts for each question type (docs/eligibility-rules.md, Types).
OPERATORS_BY_TYPE = {
    "number": (*ORDERED, "in", "not_in"),
    "currency": ORDERED,
    "date": ORDERED,
    "yes_no": ("eq", "ne", "is_answered"),
    "multiple_choice": ("in", "not_in", "is_answered"),
    "household_members": ("is_answered",),
    "address": ("is_answered",),
    "file": ("is_answered",),
    **{
        kind: ("eq", "ne", "in", "not_in", "is_answered")
        for kind in ("short_text", "long_text", "email", "phone", "name", "identifier")
    },
    "single_choice": ("eq", "ne", "in", "not_in", "is_answered"),
}
VALUE_KIND_CHOICES = [
    ("value_name", _("Named value")),
    ("add", _("Calculation: add up")),
    ("sub", _("Calculation: the first minus the second")),
    ("mul", _("Calculation: multiply")),
    ("div", _("Calculation: the first divided by the second")),
    ("percent", _("Calculation: a percent of")),
    ("min", _("Calculation: the smallest of (a cap)")),
    ("max", _("Calculation: the largest of (a floor)")),
    ("round", _("Calculation: round")),
    ("answer", _("The answer to a question")),
    ("age", _("The age from a date question")),
    ("count", _("The number of people in the household")),
    ("sum", _("The household total of a member field")),
    ("named", _("Another named value")),
    ("value", _("A number")),
    ("dollars", _("An amount in dollars")),
    ("cents", _("An amount in cents (estimates only)")),
    ("table", _("A limit from a reference table")),
    ("kept", _("Kept as written")),
]
KIND_CHOICES = [
    ("condition", _("Condition")),
    ("all", _("Group: all of these")),
    ("any", _("Group: any of these")),
    ("not", _("Group: not this")),
    ("kept", _("Kept as written")),
    # The rows of a calculation under a condition (`calculations.py`).
    *[choice for choice in VALUE_KIND_CHOICES if choice[0] not in ("value_name", "kept")],
]
CALCULATION_CHOICE = ("computed", _("A calculation (rows indented under this one)"))
LEFT_CHOICES = [
    ("answer", _("The answer to a question")),
    ("age", _("The age from a date question")),
    ("count", _("The number of people in the household")),
    ("sum", _("The household total of a member field")),
    ("named", _("A named value of the rule")),
    CALCULATION_CHOICE,
]
RIGHT_CHOICES = [
    ("value", _("A value")),
    ("dollars", _("An amount in dollars")),
    ("table", _("A limit from a reference table")),
    ("answer", _("The answer to another question")),
    ("age", _("The age from another date question")),
    ("named", _("A named value of the rule")),
    CALCULATION_CHOICE,
]
WHERE_CHOICES = [
    ("", _("Everyone")),
    ("member", _("Only people whose member field")),
    ("member_age", _("Only people whose age (from a member date field)")),
]
WHERE_OP_CHOICES = [*OP_CHOICES[:6], *OP_CHOICES[7:9]]
JOIN_CHOICES = [
    ("", _("Only one comparison")),
    ("all", _("People matching all of the comparisons")),
    ("any", _("People matching any of the comparisons")),
]
WHEN_CHOICES = list(
    zip(
        TABLE_WHEN,
        [
            _("In effect on the screening date (default)"),
            _("In effect on the screening date (stated)"),
            _("In effect on the last switch day (MM-DD)"),
            _("The period starting in a year"),
        ],
        strict=True,
    )
)
SIZE_CHOICES = [
    ("", _("No household size (a single-value table)")),
    ("answer", _("The answer to a number question")),
    ("count", _("The number of people in a household question")),
    ("value", _("A fixed number")),
    ("computed", _("A calculation (rows indented under this one)")),
]
PERIOD_CHOICES = [("", _("The table's own")), ("monthly", _("Monthly")), ("annual", _("Annual"))]
ROUNDING_CHOICES = [
    ("", _("To the cent (default)")),
    ("cent", _("To the cent (stated)")),
    ("up_dollar", _("Up to the whole dollar")),
    ("down_dollar", _("Down to the whole dollar")),
    ("nearest_dollar", _("To the nearest dollar")),
]
EXPECTED_CHOICES = [
    ("eligible", _("Eligible")),
    ("ineligible", _("Ineligible")),
    ("unknown", _("Unknown")),
]


def _text(label, *, datalist: str = "", help_text: str = "") -> forms.CharField:
    attrs = {"list": datalist, "autocomplete": "off"} if datalist else {}
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
    )


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False)


class MemberComparisonFields(forms.Form):
    """Which members a household count or total takes (see `where.py`)."""

    where_subject = _choice(_("Count or add up"), WHERE_CHOICES)
    where_field = _text(_("Member field"), datalist="builder-member-fields")
    where_op = _choice(_("Member comparison"), WHERE_OP_CHOICES)
    where_value = _text(_("Member value"))
    where_join = _choice(_("With more than one member comparison"), JOIN_CHOICES)
    where2_subject = _choice(_("Second comparison"), WHERE_CHOICES)
    where2_field = _text(_("Second comparison: member field"), datalist="builder-member-fields")
    where2_op = _choice(_("Second comparison: comparison"), WHERE_OP_CHOICES)
    where2_value = _text(_("Second comparison: member value"))
    where3_subject = _choice(_("Third comparison"), WHERE_CHOICES)
    where3_field = _text(_("Third comparison: member field"), datalist="builder-member-fields")
    where3_op = _choice(_("Third comparison: comparison"), WHERE_OP_CHOICES)
    where3_value = _text(_("Third comparison: member value"))


class RuleRowForm(MemberComparisonFields):
    # The error summary links a row's own errors to its first field: the row type, which
    # every row shows (the member comparisons, declared first, are folded or absent).
    field_order = ["kind"]
    kind = _choice(_("Row type"), KIND_CHOICES)
    depth = forms.IntegerField(min_value=0, max_value=60, required=False, widget=forms.HiddenInput)
    left = _choice(_("Check"), LEFT_CHOICES)
    left_question = _text(
        _("Question"),
        datalist="builder-questions",
        help_text=_("Type part of the key or the question text and pick from the list."),
    )
    left_field = _text(_("Member field to add up"), datalist="builder-member-fields")
    left_name = _text(_("Named value"), datalist="builder-values")
    left_label_en = _text(_("Name of this value in reasons (English)"))
    left_label_es = _text(_("Name of this value in reasons (Spanish)"))
    op = _choice(_("Comparison"), OP_CHOICES)
    right = _choice(_("Compared with"), RIGHT_CHOICES)
    right_value = _text(
        _("Value"),
        help_text=_("For “includes”, separate the values with commas, e.g. snap, tanf."),
    )
    right_high = _text(_("Upper value (for “is between”)"))
    right_question = _text(_("Other question or named value"), datalist="builder-questions")
    table_id = _choice(_("Table"), [])
    table_when = _choice(_("Which period"), WHEN_CHOICES)
    table_when_value = _text(_("Switch day (MM-DD) or year"))
    table_size = _choice(_("Household size"), SIZE_CHOICES)
    table_size_value = _text(_("Household size question or number"), datalist="builder-questions")
    table_percent = _text(_("Percent of the table value"), help_text=_("Empty means 100."))
    table_period = _choice(_("Monthly or annual"), PERIOD_CHOICES)
    table_rounding = _choice(_("Rounding"), ROUNDING_CHOICES)
    reason_en = _text(_("Reason shown for both outcomes (English)"))
    reason_es = _text(_("Reason shown for both outcomes (Spanish)"))
    met_en = _text(_("Reason when met (English)"))
    met_es = _text(_("Reason when met (Spanish)"))
    not_met_en = _text(_("Reason when not met (English)"))
    not_met_es = _text(_("Reason when not met (Spanish)"))
    # For a row of a calculation under a condition.
    label_en = _text(_("Name shown to residents (English)"))
    label_es = _text(_("Name shown to residents (Spanish)"))
    rounding = _choice(_("Rounding"), ROUNDING_CHOICES)
    json = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, table_choices=(), types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table_id"].choices = [("", _("- Choose a table -")), *table_choices]
        self._offer_operators(types or {})

    def _offer_operators(self, types: dict) -> None:
        """Only the comparisons the chosen question's type allows (the one already chosen
        stays, so that its error can be shown on it)."""
        left = self["left"].value() or "answer"
        kind = "number" if left in ("age", "count") else None
        if left == "answer":
            kind = types.get((self["left_question"].value() or "").strip())
        allowed = OPERATORS_BY_TYPE.get(kind)
        if allowed is None:
            return
        chosen = self["op"].value()
        self.fields["op"].choices = [
            (op, label) for op, label in OP_CHOICES if op in allowed or op == chosen
        ]

    def raw_row(self) -> dict:
        """The row as posted (or as given initially), text only, without validation."""
        return {name: self[name].value() or "" for name in self.fields}


RuleRowFormSet = forms.formset_factory(RuleRowForm, extra=0, max_num=500, validate_max=True)


def _shared(name: str) -> forms.Field:
    """A field declared on the rule rows, for the same part of an operand."""
    return RuleRowForm.base_fields[name]


class ValueRowForm(MemberComparisonFields):
    """One row of a named value: the value itself, a calculation or an operand."""

    field_order = ["kind"]  # as on the rule rows
    kind = _choice(_("Row type"), VALUE_KIND_CHOICES)
    depth = forms.IntegerField(min_value=0, max_value=60, required=False, widget=forms.HiddenInput)
    value_name = _text(
        _("Name"), help_text=_("Lower-case letters, digits and _, such as net_income.")
    )
    label_en = _text(_("Name shown to residents (English)"))
    label_es = _text(_("Name shown to residents (Spanish)"))
    left_question = _shared("left_question")
    left_name = _text(_("Named value"), datalist="builder-values")
    right_value = _text(_("Number, amount in dollars or percent"))
    rounding = _choice(_("Rounding"), ROUNDING_CHOICES)
    left_field = _shared("left_field")
    table_id = _choice(_("Table"), [])
    table_when = _shared("table_when")
    table_when_value = _shared("table_when_value")
    table_size = _shared("table_size")
    table_size_value = _shared("table_size_value")
    table_percent = _shared("table_percent")
    table_period = _shared("table_period")
    table_rounding = _shared("table_rounding")
    json = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, table_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table_id"].choices = [("", _("- Choose a table -")), *table_choices]

    def raw_row(self) -> dict:
        return {name: self[name].value() or "" for name in self.fields}


ValueRowFormSet = forms.formset_factory(ValueRowForm, extra=0, max_num=500, validate_max=True)


def field_name(key: str) -> str:
    return key.replace(".", "__")


class TryItForm(forms.Form):
    """Answers to the rule's questions, or an example, and the date to screen on."""

    as_of = forms.DateField(
        label=_("Screen as of (YYYY-MM-DD)"), required=False, widget=forms.DateInput
    )
    example = forms.ChoiceField(label=_("Or use an example"), required=False)
    example_name = forms.CharField(
        label=_("Save these answers as an example named"), required=False, max_length=200
    )
    expected = forms.ChoiceField(
        label=_("Expected outcome of the example"), choices=EXPECTED_CHOICES, required=False
    )

    def __init__(self, *args, questions=(), examples=(), **kwargs):
        super().__init__(*args, prefix="try", **kwargs)
        self.fields["example"].choices = [("", _("- No example: use the answers below -"))] + [
            (str(index), example.get("name", "")) for index, example in enumerate(examples)
        ]
        self.question_keys = {}
        for question in questions:
            name = field_name(question.key)
            self.fields[name] = form_field_for(question, required=False)
            self.question_keys[name] = question.key

    def answers(self) -> dict:
        """The answers given, canonical; questions left empty are not answered."""
        return {
            key: self.cleaned_data[name]
            for name, key in self.question_keys.items()
            if self.cleaned_data.get(name) not in (None, "")
        }

    def answer_fields(self):
        return [self[name] for name in self.question_keys]
