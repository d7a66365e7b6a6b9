"""Form fields for question types: `form_field_for` and `member_form_class`.

Every field's `clean()` returns the same canonical value as `clean_value`, so a view can
store `form.cleaned_data[...]` as the answer directly.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programs.models import QuestionType

from . import widgets as w
from .display import initial_for_form
from .scalars import is_empty
from .spec import ADDRESS_PARTS, NAME_PARTS, PART_LABELS, US_STATES, as_spec, member_specs
from .spec import option_choices as _option_choices
from .uploads import CONTENT_TYPES, allowed_extensions, store_upload
from .values import clean_value

REQUIRED_MESSAGES = {
    QuestionType.DATE: _("Enter a date."),
    QuestionType.YES_NO: _("Select yes or no."),
    QuestionType.SINGLE_CHOICE: _("Select an option."),
    QuestionType.MULTIPLE_CHOICE: _("Select at least one option."),
    QuestionType.EMAIL: _("Enter an email address."),
    QuestionType.PHONE: _("Enter a phone number."),
    QuestionType.NAME: _("Enter a first and last name."),
    QuestionType.ADDRESS: _("Enter an address."),
    QuestionType.HOUSEHOLD_MEMBERS: _("Add at least one person."),
    QuestionType.FILE: _("Choose a file to upload."),
    QuestionType.CURRENCY: _("Enter an amount."),
    QuestionType.NUMBER: _("Enter a number."),
}


def flatten_errors(exc: ValidationError) -> ValidationError:
    """Form fields may only raise list errors; keep each message (they name their part)."""
    if not hasattr(exc, "error_dict"):
        return exc
    flat = []
    for part, errors in exc.error_dict.items():
        for error in errors:
            # Kept so the error summary can link to the sub-input ("zip") that is wrong.
            error.params = {**(error.params or {}), "part": part}
            flat.append(error)
    return ValidationError(flat)


class QuestionFieldMixin:
    """Runs Django's own checks (required, choice membership), then `clean_value`."""

    spec = None

    def clean(self, value):
        value = super().clean(value)
        try:
            return clean_value(self.spec, value)
        except ValidationError as exc:
            raise flatten_errors(exc) from None


class TextField(QuestionFieldMixin, forms.CharField):
    pass


class ChoiceField(QuestionFieldMixin, forms.ChoiceField):
    pass


class MultipleChoiceField(QuestionFieldMixin, forms.MultipleChoiceField):
    pass


class CompoundField(forms.MultiValueField):
    """Name, address and memorable date: several inputs, one canonical value."""

    parts: tuple[str, ...] = ()

    def __init__(self, spec, **kwargs):
        self.spec = spec
        fields = [forms.CharField(required=False) for _part in self.parts]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def raw_from_list(self, values):
        return dict(zip(self.parts, values, strict=False))

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        raw = self.raw_from_list(list(value) + [""] * (len(self.parts) - len(value)))
        if is_empty(raw):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        try:
            return clean_value(self.spec, raw)
        except ValidationError as exc:
            raise flatten_errors(exc) from None

    def compress(self, data_list):  # clean() above does the work; kept for the ABC
        return self.raw_from_list(data_list)


class NameField(CompoundField):
    parts = NAME_PARTS


class AddressField(CompoundField):
    parts = ADDRESS_PARTS


class MemorableDateField(CompoundField):
    parts = ("month", "day", "year")

    def raw_from_list(self, values):
        # A list keeps month/day/year order and lets clean_value name the missing part.
        return list(values[:3])


class HouseholdMembersField(forms.Field):
    """The whole household as JSON in a hidden input.

    Residents edit people one at a time on screens built with `member_form_class`; this
    field carries the list through generic forms (admin preview, review) unchanged.
    """

    widget = w.HiddenInput

    def __init__(self, spec, **kwargs):
        self.spec = spec
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return json.dumps(value)
        return value

    def clean(self, value):
        raw = value
        if isinstance(value, str):
            if not value.strip():
                raw = None
            else:
                try:
                    raw = json.loads(value)
                except ValueError:
                    raise ValidationError(
                        _("The household list could not be read. Add the people again."),
                        code="invalid",
                    ) from None
        if is_empty(raw):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        try:
            return clean_value(self.spec, raw)
        except ValidationError as exc:
            raise flatten_errors(exc) from None


class FileQuestionField(forms.FileField):
    """Validates and stores an upload, returning its metadata dict.

    The file is stored when the field cleans (so a resident does not re-upload if another
    field on the page fails); with no new upload the stored `initial` metadata is kept.
    """

    widget = w.FileInput

    def __init__(self, spec, **kwargs):
        self.spec = spec
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            if isinstance(initial, dict) and initial:
                return initial
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        data = super().clean(data, initial)
        return store_upload(self.spec, data)

    def has_changed(self, initial, data):
        return bool(data)


class StaticTextField(forms.Field):
    """A question of type static: text shown on the page, no input, no value."""

    widget = w.StaticTextWidget
    is_static = True

    def __init__(self, spec, **kwargs):
        self.spec = spec
        kwargs["required"] = False
        super().__init__(**kwargs)

    def clean(self, value):
        return None


def _attrs(**attrs):
    return {key.replace("_", "-"): value for key, value in attrs.items()}


# Over 60 lines: one branch per question type, in the order of the type table.
def form_field_for(question, *, required: bool = True, language: str | None = None):
    """A Django form field for `question` whose `clean()` returns the canonical value.

    Labels, help text and option labels are taken in `language` (default: the active
    language) when the field is built, so build forms per request. Grouped widgets
    (radios, checkboxes, memorable date, name, address) have `use_fieldset` set;
    `{% render_field %}` draws them as a fieldset with a legend.
    """
    spec = as_spec(question)
    kind = spec.type
    common = {
        "label": spec.text("label", language),
        "help_text": spec.text("help_text", language),
        "required": required,
    }
    if kind in REQUIRED_MESSAGES:
        common["error_messages"] = {"required": REQUIRED_MESSAGES[kind]}
    else:
        common["error_messages"] = {"required": _("Enter an answer.")}

    def text_field(widget):
        field = TextField(widget=widget, strip=False, **common)
        field.spec = spec
        return field

    if kind == QuestionType.SHORT_TEXT:
        return text_field(w.TextInput())
    if kind == QuestionType.LONG_TEXT:
        return text_field(w.Textarea(attrs={"rows": 5}))
    if kind == QuestionType.NUMBER:
        decimal = int(spec.validation.get("decimal_places") or 0) > 0
        return text_field(w.TextInput(_attrs(inputmode="decimal" if decimal else "numeric")))
    if kind == QuestionType.CURRENCY:
        return text_field(w.TextInput(_attrs(inputmode="decimal", class_="currency")))
    if kind == QuestionType.EMAIL:
        return text_field(w.EmailInput(_attrs(autocomplete="email", spellcheck="false")))
    if kind == QuestionType.PHONE:
        return text_field(w.TelInput(_attrs(autocomplete="tel")))
    if kind == QuestionType.IDENTIFIER:
        return text_field(
            w.TextInput(_attrs(autocomplete="off", spellcheck="false", autocapitalize="characters"))
        )
    if kind == QuestionType.YES_NO:
        field = ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=w.RadioSelect, **common
        )
        field.spec = spec
        return field
    if kind == QuestionType.SINGLE_CHOICE:
        choices = _option_choices(spec, language)
        if spec.validation.get("display") == "dropdown":
            field = ChoiceField(
                choices=[("", _("- Select -")), *choices], widget=w.Select, **common
            )
        else:
            field = ChoiceField(choices=choices, widget=w.RadioSelect, **common)
        field.spec = spec
        return field
    if kind == QuestionType.MULTIPLE_CHOICE:
        field = MultipleChoiceField(
            choices=_option_choices(spec, language), widget=w.CheckboxSelectMultiple, **common
        )
        field.spec = spec
        return field
    if kind == QuestionType.DATE:
        return MemorableDateField(spec, widget=w.MemorableDateWidget(), **common)
    if kind == QuestionType.NAME:
        autocomplete = {"first": "given-name", "middle": "additional-name", "last": "family-name"}
        widget = w.LabelledMultiWidget(
            [
                (part, PART_LABELS[part], w.TextInput(_attrs(autocomplete=autocomplete[part])))
                for part in NAME_PARTS
            ]
        )
        return NameField(spec, widget=widget, **common)
    if kind == QuestionType.ADDRESS:
        state_choices = [("", _("- Select -")), *((c, f"{c} - {n}") for c, n in US_STATES.items())]
        widget = w.LabelledMultiWidget(
            [
                (part, PART_LABELS[part], w.TextInput(_attrs(autocomplete=autocomplete)))
                for part, autocomplete in (
                    ("street", "address-line1"),
                    ("unit", "address-line2"),
                    ("city", "address-level2"),
                )
            ]
            + [
                (
                    "state",
                    PART_LABELS["state"],
                    w.Select(_attrs(autocomplete="address-level1"), choices=state_choices),
                ),
                (
                    "zip",
                    PART_LABELS["zip"],
                    w.TextInput(_attrs(autocomplete="postal-code", inputmode="numeric")),
                ),
            ]
        )
        return AddressField(spec, widget=widget, **common)
    if kind == QuestionType.HOUSEHOLD_MEMBERS:
        return HouseholdMembersField(spec, **common)
    if kind == QuestionType.FILE:
        extensions = allowed_extensions(spec)
        accept = sorted(
            {f".{ext}" for ext in extensions}
            | {CONTENT_TYPES[ext] for ext in extensions if ext in CONTENT_TYPES}
        )
        widget = w.FileInput(attrs={"accept": ",".join(accept)})
        return FileQuestionField(spec, widget=widget, **common)
    if kind == QuestionType.STATIC:
        common.pop("required")
        return StaticTextField(spec, **common)
    raise ValueError(f"Unknown question type {kind!r}")


class MemberForm(forms.Form):
    """Base of `member_form_class`: one household member's answers."""

    question_spec = None

    @classmethod
    def initial_from_member(cls, member: dict | None) -> dict:
        """Form initial data for editing an existing member (canonical dict)."""
        member = member or {}
        return {
            spec.key: initial_for_form(spec, member.get(spec.key))
            for spec in member_specs(cls.question_spec)
        }

    def member_value(self) -> dict:
        """The cleaned member as the canonical dict stored in the household list."""
        specs = member_specs(self.question_spec)
        return {spec.key: self.cleaned_data.get(spec.key) for spec in specs}


def member_form_class(question, *, language: str | None = None) -> type[forms.Form]:
    """A Form class for ONE household member, built from the question's `member_fields`.

    Each member field's `required` (default true) is respected. Build it per request (labels
    are taken in the active language). Use `Form.initial_from_member(member)` to edit and
    `form.member_value()` after `is_valid()` to get the member dict.
    """
    spec = as_spec(question)
    if spec.type != QuestionType.HOUSEHOLD_MEMBERS:
        raise ValueError(f"{spec.key} is not a household members question")
    declared = {
        member.key: form_field_for(member, required=member.required, language=language)
        for member in member_specs(spec)
    }
    declared["question_spec"] = spec
    return type("HouseholdMemberForm", (MemberForm,), declared)
