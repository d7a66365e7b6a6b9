"""The admin's forms for the question bank, programs, versions and screens: Spanish beside
English (kept in `translations`), options as lines of text, categories as checkboxes, and
rules checked by the engine on save with their errors on the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .builder.question_forms import (
    MemberFieldFormSet,
    error_place,
    member_initial,
    members_of,
    question_error_summary,
    validation_form_fields,
    validation_initial,
    validation_of,
)
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
    """A bank question: texts with Spanish beside English, options as lines, validation
    settings as fields and a household's member fields as a formset (`member_formset`,
    rendered by the question's change form template)."""

    spanish_fields = ("label", "help_text", "pattern_description")
    label_es = spanish_field(_("label (Spanish)"))
    help_text_es = spanish_field(_("help text (Spanish)"), long=True)
    # Spanish of the validation's "pattern in words": residents who read Spanish are told it
    # when their answer does not match (kept in `translations`, like the label's).
    pattern_description_es = spanish_field(_("the pattern in words (Spanish)"))
    options_text = forms.CharField(
        label=_("options"), required=False, widget=forms.Textarea, help_text=OPTIONS_HELP
    )

    class Meta:
        model = Question
        fields = ["key", "type", "label", "help_text", "sensitive"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = options_text(self.instance.options)
        for name, value in validation_initial(self.instance.validation).items():
            self.fields[name].initial = value
        # A post without the member formset (an older client) leaves the fields as they were.
        posted = self.is_bound and "member_fields-TOTAL_FORMS" in self.data
        self.member_formset = MemberFieldFormSet(
            self.data if posted else None,
            initial=member_initial(self.instance.member_fields),
            prefix="member_fields",
        )
        self.member_problems: list[str] = []

    def _add_member_problem(self, message) -> None:
        # Listed in the error summary by the member field's own error instead (question_forms).
        self.member_problems.append(str(message))
        self.add_error(None, message)

    def error_summary(self) -> list[dict]:
        return question_error_summary(self, self.member_formset, self.member_problems)

    def clean_options_text(self):
        options = parse_options(self.cleaned_data["options_text"], self.instance.options)
        self.instance.options = options
        return options

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("type") or self.instance.type
        validation = validation_of(self, qtype, self.instance.validation)
        members: list = []
        member_fields = self.instance.member_fields
        if self.member_formset.is_bound:
            self.member_formset.is_valid()
            members = members_of(self.member_formset, self.instance.member_fields)
            member_fields = [member for _form, member in members]
        self.instance.validation = validation
        self.instance.member_fields = member_fields
        if any(form.errors for form, _member in members):
            self._add_member_problem(_("Correct the member fields below."))
        if self.errors.keys() - {"__all__"}:
            return cleaned
        definition = {
            "key": cleaned.get("key"),
            "type": qtype,
            "options": cleaned.get("options_text") or [],
            "validation": validation,
            "member_fields": member_fields,
        }
        for error in definition_errors(definition, "$"):
            member, field = error_place(error.path)
            if member is not None and member < len(members):
                form = members[member][0]
                form.add_error(field if field in form.fields else None, error.message)
                message = _("Member field %(number)d: %(message)s")
                self._add_member_problem(message % {"number": member + 1, "message": error.message})
            else:
                self.add_error(field if field in self.fields else None, error.message)
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


# Declared after the class body so that the admin's fieldsets may name them.
QuestionAdminForm.declared_fields.update(validation_form_fields())
QuestionAdminForm.base_fields.update(validation_form_fields())


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
