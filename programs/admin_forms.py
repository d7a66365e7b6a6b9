"""The admin's forms for the question bank, programs, versions and screens: Spanish beside
English (kept in `translations`), options as lines of text, categories as checkboxes, and
rules checked by the engine on save with their errors on the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import eligibility_glue
from .builder.texts import (
    OPTIONS_HELP,
    SpanishTextsMixin,
    options_text,
    parse_options,
    spanish_field,
)
from .documents.definitions import definition_errors
from .documents.export import referenced_question_keys
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
    """A screen's `visible_if` is checked when saved, as publishing would check it."""

    spanish_fields = ("title", "description")
    title_es = spanish_field(_("title (Spanish)"))
    description_es = spanish_field(_("description (Spanish)"), long=True)

    class Meta:
        model = Screen
        fields = ["order", "key", "title", "description", "visible_if"]

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("visible_if")
        if "visible_if" not in self.errors and rule not in (None, {}):
            rule_field_errors(self, "visible_if", rule, prefix="$")
        return cleaned


def rule_field_errors(form, field, rule, *, prefix, values=None):
    """Attach the engine's errors for a rule/estimate field to that form field. An estimate
    may use the rule's named `values`, so their questions are looked up too."""
    keys = referenced_question_keys([rule, values])
    infos = eligibility_glue.question_infos(Question.objects.filter(key__in=keys))
    if field == "estimated_value":
        problems = eligibility_glue.estimate_errors(rule, infos, prefix=prefix, values=values)
    else:
        problems = eligibility_glue.rule_errors(rule, infos, prefix=prefix)
    for error_path, message in problems:
        form.add_error(field, f"{error_path}: {message}")


class ProgramVersionAdminForm(forms.ModelForm):
    class Meta:
        model = ProgramVersion
        fields = [
            "program",
            "eligibility_rules",
            "eligibility_gating",
            "estimated_value",
            "examples",
        ]

    def clean(self):
        cleaned = super().clean()
        for field in ("eligibility_rules", "estimated_value"):
            value = cleaned.get(field)
            if field in self.errors or value in (None, {}):
                continue
            if not isinstance(value, dict):
                self.add_error(field, _("Enter a JSON object, or {} for none."))
                continue
            values = eligibility_glue.rule_values(cleaned.get("eligibility_rules"))
            rule_field_errors(self, field, value, prefix="$", values=values)
        examples = cleaned.get("examples")
        if examples not in (None, []) and not isinstance(examples, list):
            self.add_error("examples", _("Enter a JSON list of examples, or [] for none."))
        return cleaned
