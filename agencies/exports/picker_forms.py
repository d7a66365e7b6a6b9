"""Forms of the export column picker: choose a program, then tick and number columns.

Plain server-rendered fields, so the picker works without JavaScript: each column is a
checkbox (include it) and a number (its position); `ordered_keys` turns them into the
preset's ordered keys.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.exports.presets import ColumnChoice, PresetScope, ordered_keys
from agencies.review.selectors import agencies_for_user, programs_for_user


class PresetProgramForm(forms.Form):
    """One program, or every program of an agency (value "all-<agency id>")."""

    program = forms.ChoiceField(label=_("Program"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies_for_user(user=user).order_by("name")}
        self.programs = {
            p.pk: p
            for p in programs_for_user(user=user)
            .filter(agency_id__in=self.agencies)
            .order_by("name")
        }
        self.fields["program"].choices = [
            (
                agency.name,
                [
                    (
                        f"all-{agency.pk}",
                        gettext("All programs of %(agency)s") % {"agency": agency.name},
                    ),
                    *(
                        (str(p.pk), str(p))
                        for p in self.programs.values()
                        if p.agency_id == agency.pk
                    ),
                ],
            )
            for agency in self.agencies.values()
        ]

    @staticmethod
    def value_for(preset) -> str:
        return str(preset.program_id) if preset.program_id else f"all-{preset.agency_id}"

    def scope(self) -> PresetScope | None:
        """The chosen scope, or None when nothing (valid) was chosen."""
        if not self.is_valid():
            return None
        value = self.cleaned_data["program"]
        if value.startswith("all-"):
            return PresetScope(agency=self.agencies[int(value[4:])])
        program = self.programs[int(value)]
        return PresetScope(agency=self.agencies[program.agency_id], program=program)


class ColumnPickerForm(forms.Form):
    name = forms.CharField(label=_("Preset name"), max_length=100)
    drop_empty_columns = forms.BooleanField(
        label=_("Drop columns that are empty in every row"), required=False
    )

    def __init__(self, *args, choices: list[ColumnChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            self.fields[f"include:{choice.key}"] = forms.BooleanField(
                label=choice.text, required=False, initial=choice.position is not None
            )
            self.fields[f"position:{choice.key}"] = forms.IntegerField(
                label=gettext("Position of “%(question)s”") % {"question": choice.text},
                required=False,
                min_value=1,
                max_value=999,
                initial=choice.position,
                widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
            )

    def rows(self):
        """(choice, include field, position field) for the template's table."""
        return [
            (choice, self[f"include:{choice.key}"], self[f"position:{choice.key}"])
            for choice in self.choices
        ]

    def question_keys(self) -> list[str]:
        data = self.cleaned_data
        picked = [
            (choice.key, data.get(f"position:{choice.key}"), index)
            for index, choice in enumerate(self.choices)
            if data.get(f"include:{choice.key}")
        ]
        return ordered_keys(picked)
