"""The admin's forms for the question bank, programs, versions and screens: Spanish beside
English (kept in `translations`), options as lines of text, categories as checkboxes, and
rules checked by the engine on save with their errors on the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .builder.texts import (
    OPTIONS_HELP,
    SpanishTextsMixin,
    options_text,
    parse_options,
    spanish_field,
)
from .documents.definitions import definition_errors
from .documents.validate import FROZEN
from .models import Program, ProgramCategory, ProgramVersion, Question, Screen


class QuestionAdminForm(SpanishTextsMixin, forms.ModelForm):
    spanish_fields = ("label", "help_text")
    label_es = spanish_field(_("label (Spanish)"))
    help_text_es = spanish_field(_("help text (Spanish)"), long=True)
    options_text = forms.CharField(
        label=_("options"), required=False, widget=forms.Textarea, help_text=OPTIONS_HELP
    )

    class Meta:
        model = Question
        fields = [
            "key",
            "type",
            "label",
            "help_text",
            "sensitive",
            "validation",
            "member_fields",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = options_text(self.instance.options)

    def clean_options_text(self):
        options = parse_options(self.cleaned_data["options_text"], self.instance.options)
        self.instance.options = options
        return options

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        definition = {
            "key": cleaned.get("key"),
            "type": cleaned.get("type"),
            "options": cleaned.get("options_text") or [],
            "validation": cleaned.get("validation") or {},
            "member_fields": cleaned.get("member_fields") or [],
        }
        for error in definition_errors(definition, "$"):
            field = error.path[2:].split(".")[0].split("[")[0] or None
            field = "options_text" if field == "options" else field
            field = field if field in self.fields else None
            self.add_error(field, f"{error.path}: {error.message}")
        instance = self.instance
        if (
            instance.pk
            and "type" in self.changed_data
            and instance.screen_uses.filter(screen__version__status__in=FROZEN).exists()
        ):
            self.add_error(
                "type",
                _(
                    "Published program versions ask this question, so answers of the old type "
                    "may exist. Create a question with a new key instead."
                ),
            )
        return cleaned


class ProgramAdminForm(SpanishTextsMixin, forms.ModelForm):
    spanish_fields = ("name", "summary", "description", "how_to_apply", "closed_message")
    name_es = spanish_field(_("name (Spanish)"))
    summary_es = spanish_field(_("summary (Spanish)"))
    description_es = spanish_field(_("what it provides (Spanish)"), long=True)
    how_to_apply_es = spanish_field(_("how to apply (Spanish)"), long=True)
    closed_message_es = spanish_field(_("message when closed (Spanish)"), long=True)
    categories = forms.MultipleChoiceField(
        label=_("categories"),
        choices=ProgramCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "agency",
            "summary",
            "description",
            "how_to_apply",
            "time_to_complete_minutes",
            "external_url",
            "categories",
            "display_mode",
            "closed_message",
            "source",
        ]


class ScreenAdminForm(SpanishTextsMixin, forms.ModelForm):
    """A screen's texts; when it is shown (`visible_if`) is edited on the screen's builder
    page, with the rule rows."""

    spanish_fields = ("title", "description")
    title_es = spanish_field(_("title (Spanish)"))
    description_es = spanish_field(_("description (Spanish)"), long=True)

    class Meta:
        model = Screen
        fields = ["order", "key", "title", "description"]


class ProgramVersionAdminForm(forms.ModelForm):
    """Only the program and gating: the rule, estimate and examples have builder pages."""

    class Meta:
        model = ProgramVersion
        fields = ["program", "eligibility_gating"]
