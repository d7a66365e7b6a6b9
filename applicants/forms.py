"""Forms of the resident journey: answers to bank questions, household members, accounts.

Answer fields come from `programs.question_types.form_field_for`, whose `clean()` gives
the canonical JSON value stored in `Answer.value`. Field names are question keys with
dots replaced (dots are legal in HTML names but awkward in ids and fragment links).
"""

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from applicants.contact import contact_errors
from programs.question_types import form_field_for, initial_for_form


def field_name(question_key: str) -> str:
    return question_key.replace(".", "__")


def question_key(name: str) -> str:
    return name.replace("__", ".")


class AnswersForm(forms.Form):
    """One field per question, pre-filled from the resident's profile.

    `questions` is a list of (Question, required) pairs; `answers` the current profile.
    """

    def __init__(self, *args, questions=(), answers=None, language=None, **kwargs):

        answers = answers or {}
        initial = kwargs.pop("initial", None) or {}
        for question, _required in questions:
            if question.key in answers and field_name(question.key) not in initial:
                initial[field_name(question.key)] = initial_for_form(
                    question, answers[question.key]
                )
        super().__init__(*args, initial=initial, **kwargs)
        self.questions = [question for question, _required in questions]
        for question, required in questions:
            self.fields[field_name(question.key)] = form_field_for(
                question, required=required, language=language
            )

    def clean(self):

        cleaned = super().clean()
        values = {q.key: cleaned.get(field_name(q.key)) for q in self.questions}
        # A chosen way of contact needs its address; the other two stay optional.
        for key, message in contact_errors(values).items():
            if field_name(key) not in self.errors:
                self.add_error(field_name(key), message)
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers as {question_key: canonical value}."""
        return {
            question.key: self.cleaned_data.get(field_name(question.key))
            for question in self.questions
        }


class ReviewForm(forms.Form):
    """The intake review step: the resident confirms what they entered."""


class ChooseProgramsForm(forms.Form):
    programs = forms.MultipleChoiceField(
        label=_("Programs to apply to"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one program to apply to.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = choices


class SubmitForm(forms.Form):
    submit_token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RemoveMemberForm(forms.Form):
    """Confirms removing a person (a POST, so a link crawler never deletes anyone)."""


# Accounts -----------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send your confirmation and any updates here."),
    )
    password1 = forms.CharField(
        label=_("Create a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # Whether the address already has an account is never said here: the answer is
    # the same "check your email" page, and the email tells the owner (accounts.py).
    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1 and cleaned.get("email"):
            user = get_user_model()(username=cleaned["email"], email=cleaned["email"])
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.user = authenticate(
                self.request, username=normalise_email(email), password=password
            )
            if self.user is None or not self.user.is_active:
                raise forms.ValidationError(
                    _("The email address or password is not right. Check them and try again."),
                    code="invalid_login",
                )
        return cleaned


class ClaimForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=24,
        help_text=_("From your confirmation page or email, for example CP-7K2M-Q9XD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label=_("Your date of birth"),
        help_text=_("As you gave it on the application."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
