"""Forms of the community navigators' pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.forms import AnswersForm, field_name
from applicants.navigators.services import (
    CLIENT_BIRTH_DATE_KEY,
    CLIENT_EMAIL_KEY,
    CLIENT_KEYS,
    CLIENT_NAME_KEY,
    CLIENT_PHONE_KEY,
)
from programs.models import Question

REQUIRED_CLIENT_KEYS = (CLIENT_NAME_KEY, CLIENT_BIRTH_DATE_KEY)


def client_questions() -> list[tuple[Question, bool]]:
    """The bank questions of the "add a client" form, as (question, required) pairs, in
    intake order; a key the bank does not have is left out."""
    by_key = {q.key: q for q in Question.objects.filter(key__in=CLIENT_KEYS)}
    return [(by_key[key], key in REQUIRED_CLIENT_KEYS) for key in CLIENT_KEYS if key in by_key]


# The bank's labels speak to the resident ("Your full name"); this form is the navigator's.
NAVIGATOR_LABELS = {
    CLIENT_NAME_KEY: _("Client's full name"),
    CLIENT_BIRTH_DATE_KEY: _("Client's date of birth"),
    CLIENT_EMAIL_KEY: _("Client's email address"),
    CLIENT_PHONE_KEY: _("Client's phone number"),
}


class ClientAddForm(AnswersForm):
    """Name, birth date and a way to reach the client, as the intake's own questions, so
    they are stored exactly as the resident's intake would store them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in NAVIGATOR_LABELS.items():
            field = self.fields.get(field_name(key))
            if field is not None:
                field.label = label
                field.help_text = ""

    def clean(self):
        cleaned = super().clean()
        present = [
            field_name(key)
            for key in (CLIENT_EMAIL_KEY, CLIENT_PHONE_KEY)
            if field_name(key) in self.fields
        ]
        if present and not any(cleaned.get(name) for name in present) and not self.errors:
            self.add_error(
                present[0], _("Enter an email address or a phone number to reach the client.")
            )
        return cleaned


class LinkCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The resident's code"),
        help_text=_(
            "8 letters and numbers, e.g. 4K7P-2M9Q. The resident sees it on their "
            "“Let an organization help me” page."
        ),
        max_length=20,
        error_messages={"required": _("Enter the code the resident gave you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != 8:
            raise forms.ValidationError(
                _("A code has 8 letters and numbers, e.g. 4K7P-2M9Q."), code="length"
            )
        return code


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search clients"),
        help_text=_("Name, email, phone or application reference."),
        required=False,
        max_length=100,
    )
