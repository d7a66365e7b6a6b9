"""A question's `validation` and a household question's `member_fields` as form fields, so
the question bank is edited without JSON.

Validation settings are one field each (minimum, maximum, pattern…); a field left empty
leaves its key out. Member fields are a formset, one form per field, in order. Keys and
languages the forms do not show are kept as they were, so saving an unchanged question
stores the same JSON. `definition_errors` (the document checks) then run on the result and
each problem is put on the field it names.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import QuestionType
from ..templatetags.portal_forms import summary_items
from .texts import OPTIONS_HELP, options_text, parse_options

NUMBER = re.compile(r"-?\d+(\.\d+)?")
# The validation keys, in the order the form shows them: a household member's field takes
# the first ones (a one-value answer's); a whole question takes the rest too.
MEMBER_VALIDATION_KEYS = (
    "min",
    "max",
    "decimal_places",
    "max_length",
    "pattern",
    "pattern_description",
    "display",
)
VALIDATION_KEYS = (
    *MEMBER_VALIDATION_KEYS,
    "min_members",
    "max_members",
    "allowed_extensions",
    "max_size_bytes",
)
COUNTS = {"decimal_places", "max_length", "min_members", "max_members", "max_size_bytes"}
DISPLAY_CHOICES = [
    ("", gettext_lazy("The default")),
    ("radio", gettext_lazy("Radio buttons")),
    ("dropdown", gettext_lazy("A dropdown list")),
]


def _validation_field(key: str) -> forms.Field:
    label = {
        "min": gettext_lazy("Minimum"),
        "max": gettext_lazy("Maximum"),
        "decimal_places": gettext_lazy("Decimal places allowed"),
        "max_length": gettext_lazy("Longest answer (characters)"),
        "pattern": gettext_lazy("Pattern the answer must match (regular expression)"),
        "pattern_description": gettext_lazy("The pattern in words, shown when it is not met"),
        "display": gettext_lazy("Show the choices as"),
        "min_members": gettext_lazy("Fewest people listed"),
        "max_members": gettext_lazy("Most people listed"),
        "allowed_extensions": gettext_lazy("File types allowed (e.g. pdf, jpg, png)"),
        "max_size_bytes": gettext_lazy("Largest file (bytes)"),
    }[key]
    if key in COUNTS:
        return forms.IntegerField(label=label, required=False, min_value=0)
    if key == "display":
        return forms.ChoiceField(label=label, choices=DISPLAY_CHOICES, required=False)
    help_text = (
        gettext_lazy("A number (money in cents), or a date as YYYY-MM-DD or “today”.")
        if key in ("min", "max")
        else ""
    )
    return forms.CharField(label=label, required=False, help_text=help_text)


def validation_field_names(keys=VALIDATION_KEYS) -> list[str]:
    """The validation fields' names in the order a page shows them: the pattern's Spanish
    words (`pattern_description_es`, kept in `translations`) after its English ones."""
    names = []
    for key in keys:
        names.append(f"validation_{key}")
        if key == "pattern_description":
            names.append("pattern_description_es")
    return names


def validation_form_fields(keys=VALIDATION_KEYS) -> dict[str, forms.Field]:
    return {f"validation_{key}": _validation_field(key) for key in keys}


def validation_initial(validation, keys=VALIDATION_KEYS) -> dict:
    validation = validation if isinstance(validation, dict) else {}
    initial = {}
    for key in keys:
        value = validation.get(key)
        if key == "allowed_extensions" and isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        initial[f"validation_{key}"] = "" if value is None else value
    return initial


def validation_of(form, qtype: str, previous, keys=VALIDATION_KEYS) -> dict:
    """The `validation` dict from `form.cleaned_data`; unknown keys of `previous` kept.
    A bound that is not a number (for a non-date type) is a field error."""
    kept = {k: v for k, v in (previous or {}).items() if k not in keys}
    data = form.cleaned_data
    for key in keys:
        value = data.get(f"validation_{key}")
        if value in (None, ""):
            continue
        if key in ("min", "max") and qtype != QuestionType.DATE:
            value = value.strip()
            if not NUMBER.fullmatch(value):
                form.add_error(f"validation_{key}", _("Enter a number, such as 0 or 20."))
                continue
            value = float(value) if "." in value else int(value)
        elif key == "allowed_extensions":
            value = [part.strip().lower().lstrip(".") for part in value.split(",") if part.strip()]
        kept[key] = value
    return kept


class MemberFieldForm(forms.Form):
    key = forms.CharField(
        label=gettext_lazy("Key"),
        required=False,
        help_text=gettext_lazy("Lower-case letters, digits and _, such as birth_date."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    label = forms.CharField(label=gettext_lazy("Label (English)"), required=False)
    label_es = forms.CharField(label=gettext_lazy("Label (Spanish)"), required=False)
    help_text = forms.CharField(label=gettext_lazy("Help text (English)"), required=False)
    help_text_es = forms.CharField(label=gettext_lazy("Help text (Spanish)"), required=False)
    pattern_description_es = forms.CharField(
        label=gettext_lazy("The pattern in words (Spanish)"), required=False
    )
    optional = forms.BooleanField(
        label=gettext_lazy("Optional: people may leave it empty"), required=False
    )
    options_text = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OPTIONS_HELP,
    )
    # Which stored field this form shows (its index), to keep what the form does not show.
    original = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(validation_form_fields(MEMBER_VALIDATION_KEYS))
        excluded = {"household_members", "file", "static"}
        self.fields["type"].choices = [("", _("- Choose a type -"))] + [
            (value, label) for value, label in QuestionType.choices if value not in excluded
        ]

    def validation_fields(self):
        return [self[name] for name in validation_field_names(MEMBER_VALIDATION_KEYS)]


MemberFieldFormSet = forms.formset_factory(
    MemberFieldForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


def member_initial(member_fields) -> list[dict]:
    initial = []
    for index, field in enumerate(member_fields or []):
        if not isinstance(field, dict):
            continue
        spanish = (field.get("translations") or {}).get("es") or {}
        initial.append(
            {
                "key": field.get("key", ""),
                "type": field.get("type", ""),
                "label": field.get("label", ""),
                "label_es": spanish.get("label", ""),
                "help_text": field.get("help_text", ""),
                "help_text_es": spanish.get("help_text", ""),
                "pattern_description_es": spanish.get("pattern_description", ""),
                "optional": field.get("required") is False,
                "options_text": options_text(field.get("options")),
                "original": index,
                **validation_initial(field.get("validation"), MEMBER_VALIDATION_KEYS),
            }
        )
    return initial


def members_of(formset, previous) -> list[tuple[forms.Form, dict]]:
    """`[(form, member field)]` for the formset's filled, undeleted forms, in order."""
    previous = [field for field in previous or [] if isinstance(field, dict)]
    members = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not (data.get("key") or data.get("label")):
            continue
        original = data.get("original")
        old = previous[original] if original is not None and 0 <= original < len(previous) else {}
        members.append((form, _member(form, data, old)))
    return members


def _member(form, data: dict, old: dict) -> dict:
    member = {k: v for k, v in old.items() if k not in ("translations", "options", "validation")}
    member.update(key=data["key"].strip(), type=data["type"], label=data["label"].strip())
    if data.get("help_text"):
        member["help_text"] = data["help_text"]
    else:
        member.pop("help_text", None)
    if data.get("optional"):
        member["required"] = False
    elif old.get("required") is not True:
        member.pop("required", None)
    try:
        options = parse_options(data.get("options_text", ""), old.get("options"))
    except forms.ValidationError as error:
        form.add_error("options_text", error)
        options = old.get("options") or []
    if options or "options" in old:
        member["options"] = options
    validation = validation_of(form, data["type"], old.get("validation"), MEMBER_VALIDATION_KEYS)
    if validation or "validation" in old:
        member["validation"] = validation
    translations = {k: v for k, v in (old.get("translations") or {}).items() if k != "es"}
    spanish = {k: v for k, v in ((old.get("translations") or {}).get("es") or {}).items()}
    for name in ("label", "help_text", "pattern_description"):
        spanish.pop(name, None)
        if data.get(f"{name}_es"):
            spanish[name] = data[f"{name}_es"]
    if spanish:
        translations["es"] = spanish
    if translations or "translations" in old:
        member["translations"] = translations
    return member


def error_place(path: str) -> tuple[int | None, str | None]:
    """`(member index or None, form field)` for a definition error's path ("$.min" style
    paths under `$.validation` and `$.member_fields[i]`)."""
    rest = path[2:] if path.startswith("$.") else ""
    member = None
    found = re.match(r"member_fields\[(\d+)\]\.?(.*)", rest)
    if found:
        member, rest = int(found.group(1)), found.group(2)
    elif rest.startswith("member_fields"):
        return None, "member_fields"
    head, _dot, tail = rest.partition(".")
    head = head.split("[")[0]
    if head == "validation":
        return member, f"validation_{tail.split('.')[0]}" if tail else None
    if head == "options":
        return member, "options_text"
    return member, head or None


def question_error_summary(form, member_formset, member_problems) -> list[dict]:
    """The question page's error summary: each error a link to its field, a member field's
    errors named by its number (the form's own copies of them, `member_problems`, left out)."""
    items = [item for item in summary_items(form) if str(item["message"]) not in member_problems]
    if not member_formset.is_bound:
        return items
    items += [
        {"href": "member-fields-title", "message": error}
        for error in member_formset.non_form_errors()
    ]
    for number, member in enumerate(member_formset.forms, start=1):
        for item in summary_items(member):
            message = _("Member field %(number)d: %(message)s")
            items.append(
                {**item, "message": message % {"number": number, "message": item["message"]}}
            )
    return items
