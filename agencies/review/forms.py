"""Forms of the caseworker review pages in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.review.selectors import assignable_users
from agencies.review.workflow import (
    NOTE_REQUIRED,
    InvalidStatusTransition,
    Status,
    allowed_transitions,
    check_transition,
)
from programs.models import Question, QuestionType


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Internal: only staff see it. Required for a denial or a request for more information."
        ),
    )
    resident_message = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Shown on the resident's application page and in their email: why it was "
            "decided, or what is needed."
        ),
    )
    requested_documents = forms.MultipleChoiceField(
        label=_("Documents needed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With more information needed: the resident can upload these."),
    )
    requested_questions = forms.MultipleChoiceField(
        label=_("Answers to correct"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With more information needed: the resident can answer these again."),
    )

    def __init__(self, *args, application, **kwargs):

        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["status"].choices = [
            (value, label)
            for value, label in Status.choices
            if value in allowed_transitions(application.status)
        ]
        questions = (
            Question.objects.filter(screen_uses__screen__version_id=application.program_version_id)
            .exclude(type__in=[QuestionType.STATIC, QuestionType.HOUSEHOLD_MEMBERS])
            .distinct()
            .order_by("key")
        )
        documents, others = [], []
        for question in questions:
            target = documents if question.type == QuestionType.FILE else others
            target.append((question.key, question.label))
        self.fields["requested_documents"].choices = documents
        self.fields["requested_questions"].choices = others
        asking_possible = Status.MORE_INFO_NEEDED in allowed_transitions(application.status)
        for name in ("requested_documents", "requested_questions"):
            if not asking_possible or not self.fields[name].choices:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status:
            try:
                check_transition(
                    current=self.application.status, requested=status, note=cleaned.get("note")
                )
            except InvalidStatusTransition as error:
                field = "note" if status in NOTE_REQUIRED else "status"
                self.add_error(field, str(error))
        if status != Status.MORE_INFO_NEEDED:
            # Only a request for information names what is needed.
            cleaned["requested_documents"] = []
            cleaned["requested_questions"] = []
        return cleaned


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded on every changed application; required for denials."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in NOTE_REQUIRED and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note",
                _("Moving applications to %(status)s needs a note saying why.")
                % {"status": Status(cleaned["status"]).label},
            )
        return cleaned


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=None,
        required=False,
        empty_label=_("Nobody (unassigned)"),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(application=application)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Add a note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Seen by staff only, kept in the application's history."),
    )

    def __init__(self, *args, **kwargs):
        # Shown on the same page as the status form's "note": without its own ids, both
        # textareas were id_note and this one's label pointed at the other.
        kwargs.setdefault("auto_id", "id_staff_%s")
        super().__init__(*args, **kwargs)


class CsvUploadForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: reference, status, note (first row names them). Status is a code "
            "such as in_review or its label. Nothing changes until you confirm the preview."
        ),
    )
