"""The shared intake: a django-formtools wizard whose steps are computed from the
published programs (`applicants.intake`), plus the household members pages.

The profile, not the wizard's session storage, is the source of truth: every step is
saved to the profile when it is completed and every form is pre-filled from it, so a
resident who leaves and comes back (on another device once signed in) resumes at the
first unanswered step with everything filled in.
"""

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from formtools.wizard.views import NamedUrlSessionWizardView

from applicants import identity
from applicants.forms import AnswersForm, RemoveMemberForm, ReviewForm
from applicants.intake import (
    REVIEW_STEP,
    first_unanswered_step,
    intake_minutes,
    intake_steps,
    missing_required,
)
from applicants.selectors import applicant_answer_rows
from applicants.services import answers_save
from applicants.views.common import (
    entry_by,
    household_blocks,
    is_household,
    language_of,
    safe_next,
)
from programs.models import Question, QuestionType
from programs.question_types import clean_value, format_member, format_value, member_form_class

RETURN_TO_REVIEW = "review"


@require_GET
def start(request):
    steps = intake_steps()
    _applicant, answers = identity.current_applicant_and_answers(request)
    resume_step = first_unanswered_step(steps, answers) if answers else None
    minutes = intake_minutes(steps)
    return render(
        request,
        "applicants/start.html",
        {
            "steps": steps,
            "step_titles": [step.title(language_of(request)) for step in steps],
            "minutes": minutes,
            "has_progress": bool(answers),
            "resume_step": resume_step,
        },
    )


@require_GET
def intake_resume(request):
    """Continue the intake where the resident left it: the first unanswered step."""
    steps = intake_steps()
    if not steps:
        messages.info(request, _("There are no programs to screen for yet."))
        return redirect("applicants:start")
    _applicant, answers = identity.current_applicant_and_answers(request)
    step = first_unanswered_step(steps, answers)
    return redirect("applicants:intake_step", step=step.key if step else REVIEW_STEP)


@require_GET
def resume(request):
    """Where "continue" leads: the chosen programs' questions, else the intake, else results."""
    if request.session.get("applicants.chosen"):
        return redirect("applicants:questions")
    steps = intake_steps()
    _applicant, answers = identity.current_applicant_and_answers(request)
    if not answers:
        return redirect("applicants:start")
    if first_unanswered_step(steps, answers):
        return redirect("applicants:intake")
    return redirect("applicants:results")


class IntakeWizard(NamedUrlSessionWizardView):
    # formtools needs a form list when the URLconf loads; the real one is computed per
    # request from the published programs (get_form_list).
    form_list = [(REVIEW_STEP, ReviewForm)]
    template_name = "applicants/intake/step.html"
    # A page view writes no session (the profile holds the answers).
    storage_name = "applicants.wizard_storage.ChangedOnlySessionStorage"

    def dispatch(self, request, *args, **kwargs):
        self.intake = intake_steps()
        if not self.intake:
            messages.info(request, _("There are no programs to screen for yet."))
            return redirect("applicants:start")
        self.steps_by_key = {step.key: step for step in self.intake}
        self.applicant, self.answers = identity.current_applicant_and_answers(request)
        self.language = language_of(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_list(self):
        form_list = OrderedDict((step.key, AnswersForm) for step in self.intake)
        form_list[REVIEW_STEP] = ReviewForm
        # formtools clears these after each valid step; our list does not depend on them.
        self._resolved_form_list = form_list
        self._cache_signature = None
        return form_list

    def post(self, *args, **kwargs):
        # The step in the URL is the one being answered, even in a fresh wizard session
        # (another tab, a resumed visit) where formtools would assume the first step.
        step = kwargs.get("step")
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if posted_step is not None and posted_step not in self.get_form_list():
            # Only a hand-made request names a step that does not exist: show the page.
            if step in self.get_form_list():
                return redirect(self.get_step_url(step))
            return redirect("applicants:intake")
        if step in self.get_form_list() and not self.request.POST.get("wizard_goto_step"):
            self.storage.current_step = step
        return super().post(*args, **kwargs)

    def get_form_kwargs(self, step=None):
        intake_step = self.steps_by_key.get(step)
        if intake_step is None:
            return {}
        return {
            "questions": [
                (q.question, q.required)
                for q in intake_step.questions
                if not is_household(q.question)
            ],
            "answers": self.answers,
            "language": self.language,
        }

    def get_form(self, step=None, data=None, files=None):
        # Forms are bound only to what was just posted; otherwise they show the profile.
        if self.request.method != "POST":
            data = files = None
        return super().get_form(step, data, files)

    def process_step(self, form):
        applicant = identity.current_applicant_or_create(self.request)
        self.applicant = applicant
        values = form.answers() if isinstance(form, AnswersForm) else {}
        intake_step = self.steps_by_key.get(self.steps.current)
        if intake_step is not None:
            for q in intake_step.questions:
                # Continuing past the household step with nobody added means "just me".
                if is_household(q.question) and q.key not in self.answers:
                    values[q.key] = []
        answers_save(applicant=applicant, values=values, **entry_by(self.request, applicant))
        self.answers.update(values)
        # The profile holds the answers; the wizard's session storage keeps nothing.
        return {}

    def render_next_step(self, form, **kwargs):
        if self.request.GET.get("return") == RETURN_TO_REVIEW:
            self.storage.current_step = REVIEW_STEP
            return redirect(self.get_step_url(REVIEW_STEP))
        return super().render_next_step(form, **kwargs)

    def render_done(self, form, **kwargs):
        missing = missing_required(self.intake, self.answers)
        if missing:
            step, question = missing[0]
            messages.error(
                self.request,
                _("Please answer “%(question)s” before continuing.")
                % {"question": question.text("label", self.language)},
            )
            self.storage.current_step = step.key
            return redirect(self.get_step_url(step.key))
        self.storage.reset()
        return redirect("applicants:results")

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        intake_step = self.steps_by_key.get(current)
        step_url = self.get_step_url(current)
        context.update(
            {
                "intake_step": intake_step,
                "step_title": intake_step.title(self.language)
                if intake_step
                else _("Check your answers"),
                "step_description": intake_step.description(self.language) if intake_step else "",
                "return_to_review": self.request.GET.get("return") == RETURN_TO_REVIEW,
            }
        )
        if intake_step is not None:
            context["households"] = household_blocks(
                [q.question for q in intake_step.questions], self.answers, step_url, self.language
            )
        else:
            context["review_groups"] = self._review_groups()
            context["missing"] = [
                {"step": step, "label": question.text("label", self.language)}
                for step, question in missing_required(self.intake, self.answers)
            ]
        return context

    def _review_groups(self):

        rows = applicant_answer_rows(applicant=self.applicant)
        groups = []
        for step in self.intake:
            change_url = self.get_step_url(step.key) + f"?return={RETURN_TO_REVIEW}"
            items = []
            for q in step.questions:
                answer = rows.get(q.key)
                value = answer.value if answer else None
                people = []
                if is_household(q.question) and value:
                    people = [format_member(q.question, m, language=self.language) for m in value]
                items.append(
                    {
                        "key": q.key,
                        "label": q.question.text("label", self.language),
                        "answered": answer is not None,
                        "text": format_value(q.question, value, language=self.language)
                        if answer is not None
                        else "",
                        "people": people,
                        "updated_at": answer.updated_at if answer else None,
                    }
                )
            groups.append(
                {
                    "step": step,
                    "title": step.title(self.language),
                    "change_url": change_url,
                    "items": items,
                }
            )
        return groups


# Household members ----------------------------------------------------------------------


def _household_question(key: str) -> Question:
    question = Question.objects.filter(key=key, type=QuestionType.HOUSEHOLD_MEMBERS).first()
    if question is None:
        raise Http404
    return question


def _member_form(question, data=None, member=None, language=None):

    form_class = member_form_class(question, language=language)
    initial = form_class.initial_from_member(member) if member is not None else None
    return form_class(data=data, initial=initial)


def _members_clean(question, members: list, form) -> list | None:
    """The whole list, validated as one answer (e.g. the most people a household may have);
    errors go on the person's form so nothing typed is lost."""

    try:
        return clean_value(question, members) or []
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None


def _save_members(request, question, members: list) -> None:
    applicant = identity.current_applicant_or_create(request)
    answers_save(
        applicant=applicant,
        values={question.key: members},
        **entry_by(request, applicant),
    )


@require_http_methods(["GET", "POST"])
def member_edit(request, key, index=None):
    """Add a person (no index) or change one, then go back to the step they came from."""
    question = _household_question(key)
    language = language_of(request)
    back = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("applicants:intake")
    )
    _applicant, answers = identity.current_applicant_and_answers(request)
    members = list(answers.get(key) or [])
    if index is not None and not 0 <= index < len(members):
        raise Http404
    member = members[index] if index is not None else None
    form = _member_form(
        question,
        data=request.POST if request.method == "POST" else None,
        member=member,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        updated = list(members)
        if index is None:
            updated.append(form.member_value())
        else:
            updated[index] = form.member_value()
        cleaned = _members_clean(question, updated, form)
        if cleaned is not None:
            _save_members(request, question, cleaned)
            messages.success(request, _("Person added.") if index is None else _("Changes saved."))
            return redirect(back)
    return render(
        request,
        "applicants/intake/member_form.html",
        {
            "form": form,
            "question": question,
            "label": question.text("label", language),
            "index": index,
            "number": (index + 1) if index is not None else len(members) + 1,
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def member_remove(request, key, index):
    question = _household_question(key)
    language = language_of(request)
    back = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("applicants:intake")
    )
    _applicant, answers = identity.current_applicant_and_answers(request)
    members = list(answers.get(key) or [])
    if not 0 <= index < len(members):
        raise Http404

    form = RemoveMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        del members[index]
        _save_members(request, question, members)
        messages.success(request, _("Person removed."))
        return redirect(back)
    return render(
        request,
        "applicants/intake/member_remove.html",
        {
            "form": form,
            "question": question,
            "rows": format_member(question, members[index], language=language),
            "number": index + 1,
            "back": back,
        },
    )
