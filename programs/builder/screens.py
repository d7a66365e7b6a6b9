"""The screen builder: a version's screens, and one screen's texts (English and Spanish
side by side), questions from the bank (optional unless ticked) and the condition that
shows it, edited with the same rows as the eligibility rule and checked on save."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ProgramVersion, PublishedVersionIsImmutable, Screen
from ..templatetags.portal_forms import summary_items
from . import services
from .editor import Bank, RuleEditor


class NewScreenForm(forms.Form):
    key = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and dashes, unique in this version, e.g. income."),
    )
    title = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200)
    title_es = forms.CharField(
        label=gettext_lazy("Title (Spanish)"), max_length=200, required=False
    )


class ScreenTextsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200)
    title_es = forms.CharField(
        label=gettext_lazy("Title (Spanish)"), max_length=200, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_es = forms.CharField(
        label=gettext_lazy("Description (Spanish)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScreenQuestionForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question"),
        required=False,
        widget=forms.TextInput(attrs={"list": "builder-questions", "autocomplete": "off"}),
        help_text=gettext_lazy("Type part of the key or the question text and pick from the list."),
    )
    required = forms.BooleanField(label=gettext_lazy("Residents must answer it"), required=False)

    def __init__(self, *args, bank: Bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = bank

    def clean_question(self):
        key = self.cleaned_data["question"].strip()
        if key and key not in self.bank.questions:
            raise forms.ValidationError(
                _("There is no question %(key)s in the bank.") % {"key": key}
            )
        return key


ScreenQuestionFormSet = forms.formset_factory(
    ScreenQuestionForm, extra=2, can_delete=True, max_num=200, validate_max=True
)


def screens_view(request, pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    editable = can_change and version.is_editable
    form = NewScreenForm(request.POST if request.method == "POST" and editable else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if version.screens.filter(key=data["key"]).exists():
            form.add_error("key", _("This version already has a screen with this key."))
        else:
            screen = services.screen_create(version=version, **data)
            messages.success(request, _("Screen “%(title)s” added.") % {"title": screen.title})
            return redirect(reverse("admin:programs_programversion_screen", args=[pk, screen.pk]))
    context = {
        "version": version,
        "program": version.program,
        "editable": editable,
        "screens": version.screens.prefetch_related("screen_questions__question").order_by(
            "order", "id"
        ),
        "form": form,
        "summary": summary_items(form) if form.is_bound else [],
    }
    return TemplateResponse(request, "programs/builder/screens.html", context)


def _initial(screen: Screen) -> tuple[dict, list[dict]]:
    spanish = (screen.translations or {}).get("es", {})
    texts = {
        "title": screen.title,
        "title_es": spanish.get("title", ""),
        "description": screen.description,
        "description_es": spanish.get("description", ""),
    }
    asked = [
        {"question": sq.question.key, "required": sq.required}
        for sq in screen.screen_questions.select_related("question").order_by("order", "id")
    ]
    return texts, asked


def screen_view(request, pk, screen_pk, *, can_change: bool):
    version = get_object_or_404(ProgramVersion.objects.select_related("program"), pk=pk)
    screen = get_object_or_404(Screen, pk=screen_pk, version=version)
    editable = can_change and version.is_editable
    bank = Bank()
    editor = RuleEditor(request, screen.visible_if, bank, empty=_("Always shown: no condition."))
    texts, asked = _initial(screen)
    posted = request.POST if request.method == "POST" else None
    texts_form = ScreenTextsForm(posted, initial=texts)
    questions = ScreenQuestionFormSet(
        posted, initial=asked, prefix="questions", form_kwargs={"bank": bank}
    )
    if (
        editor.action == "save"
        and editable
        and _save(request, screen, editor, texts_form, questions, bank)
    ):
        return redirect(request.path)
    summary = editor.summary()
    if posted is not None:
        summary = (
            summary_items(texts_form)
            + [i for f in questions.forms for i in summary_items(f)]
            + summary
        )
    context = {
        **editor.context(),
        "version": version,
        "program": version.program,
        "screen": screen,
        "editable": editable,
        "texts_form": texts_form,
        "questions": questions,
        "summary": summary,
    }
    return TemplateResponse(request, "programs/builder/screen.html", context)


def _save(request, screen, editor, texts_form, questions, bank) -> bool:
    if editor.rule is None or not (texts_form.is_valid() and questions.is_valid()):
        return False
    chosen, seen = [], set()
    for form in questions.forms:
        key = form.cleaned_data.get("question")
        if not key or form.cleaned_data.get("DELETE"):
            continue
        if key in seen:
            form.add_error("question", _("This question is already on this screen."))
            return False
        seen.add(key)
        chosen.append((bank.questions[key], form.cleaned_data.get("required", False)))
    data = texts_form.cleaned_data
    try:
        services.screen_update(
            screen=screen,
            title=data["title"],
            description=data["description"],
            spanish={"title": data["title_es"], "description": data["description_es"]},
            visible_if=editor.rule,
            questions=chosen,
        )
    except (PublishedVersionIsImmutable, IntegrityError) as error:
        messages.error(request, str(error))
        return False
    messages.success(request, _("The screen is saved."))
    return True
