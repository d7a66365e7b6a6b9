"""Preview a version's screens as a resident would see them (admin only, nothing saved).

The page uses the resident templates and the question bank's own form fields, so what an
admin checks here is what residents get: labels, hints, fieldsets and error messages.
Submitting a screen validates the answers and moves to the next screen.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from .models import ProgramVersion
from .question_types import form_field_for
from .selectors import version_with_screens


def field_name(key: str) -> str:
    # Dots are legal in HTML ids, but not in CSS selectors or Django's error anchors.
    return key.replace(".", "__")


def screen_form(screen, data=None) -> forms.Form:
    form = forms.Form(data=data)
    language = get_language()
    for screen_question in screen.screen_questions.all():
        form.fields[field_name(screen_question.question.key)] = form_field_for(
            screen_question.question, required=screen_question.required, language=language
        )
    return form


def preview_view(request, pk):
    get_object_or_404(ProgramVersion, pk=pk)
    version = version_with_screens(version_id=pk)
    screens = list(version.screens.all())
    try:
        step = max(1, min(int(request.GET.get("step", 1)), len(screens) or 1))
    except ValueError:
        step = 1
    screen = screens[step - 1] if screens else None
    form = None
    accepted = False
    if screen is not None:
        form = screen_form(screen, request.POST if request.method == "POST" else None)
        accepted = request.method == "POST" and form.is_valid()
    return render(
        request,
        "programs/preview.html",
        {
            "version": version,
            "program": version.program,
            "screens": screens,
            "screen": screen,
            "step": step,
            "total": len(screens),
            "form": form,
            "accepted": accepted,
            "next_step": step + 1 if step < len(screens) else None,
            "previous_step": step - 1 if step > 1 else None,
        },
    )
