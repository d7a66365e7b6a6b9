"""Accessible widgets for question fields, rendered from `templates/forms/widgets/`.

They render through the project's template engine rather than the form renderer, so the
portal keeps Django's default `FORM_RENDERER` (other forms are unaffected) while these
widgets can live with the project's templates.
"""

from __future__ import annotations

import datetime

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class PortalTemplateMixin:
    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))  # noqa: S308  (escaped template)


class TextInput(PortalTemplateMixin, forms.TextInput):
    template_name = "forms/widgets/input.html"


class EmailInput(PortalTemplateMixin, forms.EmailInput):
    template_name = "forms/widgets/input.html"


class TelInput(TextInput):
    input_type = "tel"


class HiddenInput(PortalTemplateMixin, forms.HiddenInput):
    template_name = "forms/widgets/input.html"


class Textarea(PortalTemplateMixin, forms.Textarea):
    template_name = "forms/widgets/textarea.html"


class Select(PortalTemplateMixin, forms.Select):
    template_name = "forms/widgets/select.html"


class RadioSelect(PortalTemplateMixin, forms.RadioSelect):
    template_name = "forms/widgets/choices.html"


class CheckboxSelectMultiple(PortalTemplateMixin, forms.CheckboxSelectMultiple):
    template_name = "forms/widgets/choices.html"


class FileInput(PortalTemplateMixin, forms.FileInput):
    """A plain file input that also says which file is already stored, if any."""

    template_name = "forms/widgets/file.html"

    def format_value(self, value):
        return value if isinstance(value, dict) else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["current_name"] = value.get("name") if isinstance(value, dict) else ""
        return context


class StaticTextWidget(PortalTemplateMixin, forms.Widget):
    """Static text has no input; `templates/forms/field.html` shows its text instead."""

    template_name = "forms/widgets/static.html"

    def value_from_datadict(self, data, files, name):
        return None

    def value_omitted_from_data(self, data, files, name):
        return False


class LabelledMultiWidget(PortalTemplateMixin, forms.MultiWidget):
    """Several inputs for one answer, each with its own visible label (name, address).

    `parts` is [(key, label, widget), ...]. Subinputs get Django's index suffixes
    (`<name>_0`, id `id_<name>_0`, ...); the error summary links to the first one.
    """

    template_name = "forms/widgets/labelled_multi.html"

    def __init__(self, parts, attrs=None):
        self.parts = [(key, label) for key, label, _widget in parts]
        super().__init__([widget for _key, _label, widget in parts], attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get(key, "") for key, _label in self.parts]
        return [None] * len(self.parts)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        for subwidget, (key, label) in zip(subwidgets, self.parts, strict=True):
            subwidget["label"] = label
            subwidget["part"] = key
        return context


class MemorableDateWidget(LabelledMultiWidget):
    """The USWDS memorable date: month, day and year as three labelled text inputs."""

    template_name = "forms/widgets/memorable_date.html"

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "class": "date-part", "pattern": "[0-9]*"}
        super().__init__(
            [
                ("month", _("Month"), TextInput({**numeric, "maxlength": "2"})),
                ("day", _("Day"), TextInput({**numeric, "maxlength": "2"})),
                ("year", _("Year"), TextInput({**numeric, "maxlength": "4"})),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.month), str(value.day), str(value.year)]
        if isinstance(value, str) and len(value) == 10:
            year, month, day = value.split("-")
            return [str(int(month)), str(int(day)), year]
        return [None, None, None]
