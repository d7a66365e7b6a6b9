"""Forms of the export pages in the admin; choices are limited to the user's agencies."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.exports.csv_export import program_questions
from agencies.exports.models import ExportPreset
from agencies.review.selectors import agencies_for_user, programs_for_user


def _preset_keys(preset: ExportPreset, program) -> list[str]:
    """The preset's columns; one made for all the agency's programs keeps those `program`
    asks (a question of another program has no column here)."""
    keys = list(preset.question_keys)
    if preset.program_id is None and program is not None:
        asked = {question.key for question in program_questions(program)}
        keys = [key for key in keys if key in asked]
    return keys


class _RangeForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"))
    since = forms.DateField(
        label=_("Submitted on or after"), required=False, help_text=_("YYYY-MM-DD; optional.")
    )
    until = forms.DateField(
        label=_("Submitted on or before"), required=False, help_text=_("YYYY-MM-DD; optional.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["program"].queryset = programs_for_user(user=user).select_related("agency")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("This date is before the first one."))
        return data


class BatchRequestForm(_RangeForm):
    pass


class CsvExportForm(_RangeForm):
    preset = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Saved columns"),
        help_text=_(
            "Use a saved preset's columns; the fields below are then ignored. Build presets "
            "by ticking columns under Export presets."
        ),
    )
    question_keys = forms.CharField(
        label=_("Columns (question keys)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question key per line, in the order wanted; empty for every question."),
    )
    drop_empty_columns = forms.BooleanField(
        label=_("Drop columns that are empty in every row"),
        required=False,
        help_text=_("Reads the applications twice, so a large export takes longer."),
    )
    bom = forms.BooleanField(
        label=_("For Excel (UTF-8 with byte order mark)"), required=False, initial=True
    )
    save_as = forms.CharField(
        label=_("Save these columns as a preset named"), required=False, max_length=100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["preset"].queryset = ExportPreset.objects.filter(
            agency__in=agencies_for_user(user=user)
        )

    def clean(self):
        data = super().clean()
        preset, program = data.get("preset"), data.get("program")
        if preset and program and preset.agency_id != program.agency_id:
            self.add_error("preset", _("This preset belongs to another agency."))
        if preset and preset.program_id and program and preset.program_id != program.pk:
            self.add_error("preset", _("This preset is for another program."))
        data["keys"] = (
            _preset_keys(preset, program)
            if preset
            else [
                line.strip() for line in data.get("question_keys", "").splitlines() if line.strip()
            ]
        )
        if preset and preset.question_keys and not data["keys"]:
            # Empty would mean every column: the opposite of what the preset asks.
            self.add_error("preset", _("None of this preset's columns is asked by this program."))
        if preset:
            data["drop_empty_columns"] = preset.drop_empty_columns
        return data
