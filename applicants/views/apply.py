"""Applying to the chosen programs: only the questions still missing, one review page
with every answer once, submit once, confirmation.

The chosen programs live in the session (`applicants.chosen`); the steps are the merged
screens of their published versions (`applicants.steps`). The sequence of steps a
resident is walked through (`applicants.plan`) is fixed when they choose, so the step
indicator does not jump as questions get answered; a step that only becomes visible
because of an answer given on the way joins the plan in its place.
"""

import secrets
from datetime import datetime
from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applicants import identity
from applicants.contact import guest_status_path, preferred_contact
from applicants.forms import AnswersForm, SubmitForm
from applicants.models import Application, Submission
from applicants.screening import screen_answers
from applicants.selectors import (
    applicant_answer_rows,
    submission_for_applicant,
    versions_for_journey,
)
from applicants.services import answers_save
from applicants.steps import merged_steps, version_missing_required
from applicants.submission import SubmissionNotAllowed, submission_create
from applicants.views.common import (
    CHOSEN,
    CHOSEN_AT,
    CHOSEN_VERSIONS,
    PLAN,
    entry_by,
    household_blocks,
    is_household,
    language_of,
)
from programs.question_types import format_member, format_value

SUBMIT_TOKEN = "applicants.submit_token"  # noqa: S105 (a session key)


class Journey:
    """The state of one resident's application in progress, loaded once per request."""

    def __init__(self, request, *, read_answers: bool = True):
        self.request = request
        self.language = language_of(request)
        # The applicant and their answers in one query. Submitting reads the answers
        # inside its transaction, under the applicant's lock, and nowhere else.
        self._answer_rows = None
        if read_answers:
            self.applicant, self._answer_rows = identity.current_applicant_and_answer_rows(request)
        else:
            self.applicant = identity.current_applicant(request)
        self.slugs = list(request.session.get(CHOSEN) or [])
        started = request.session.get(CHOSEN_VERSIONS) or {}
        self.versions = (
            versions_for_journey(chosen={slug: started.get(slug) for slug in self.slugs})
            if self.slugs
            else []
        )
        order = {slug: n for n, slug in enumerate(self.slugs)}
        self.versions.sort(key=lambda version: order.get(version.program.slug, 0))
        self.steps = merged_steps(self.versions)
        self.by_key = {step.key: step for step in self.steps}

    @property
    def answer_rows(self) -> dict:
        """{question key: Answer}, with when each was given (the review page)."""
        if self._answer_rows is None:
            self._answer_rows = applicant_answer_rows(applicant=self.applicant)
        return self._answer_rows

    @cached_property
    def answers(self) -> dict:
        return {key: row.value for key, row in self.answer_rows.items()}

    @property
    def programs(self):
        return [version.program for version in self.versions]

    def missing_items(self, step):
        return [item for item in step.visible_items(self.answers) if item.key not in self.answers]

    def plan(self) -> list[str]:
        """The steps this resident is walked through, in order (see the module docstring)."""
        stored = self.request.session.get(PLAN)
        if stored is None:
            plan = [step.key for step in self.steps if self.missing_items(step)]
        else:
            plan_set = set(stored)
            plan = [
                step.key for step in self.steps if step.key in plan_set or self.missing_items(step)
            ]
        plan = [key for key in plan if self.by_key[key].visible_items(self.answers)]
        if stored != plan:  # a page view that changes nothing writes no session
            self.request.session[PLAN] = plan
        return plan

    def next_step_after(self, key: str | None) -> str | None:
        plan = self.plan()
        start = plan.index(key) + 1 if key in plan else 0
        for step_key in plan[start:]:
            if self.missing_items(self.by_key[step_key]):
                return step_key
        return None


def _needs_programs(request):
    messages.info(request, _("Choose the programs you want to apply to first."))
    return redirect("applicants:results")


@require_GET
def questions(request):
    """Go to the first step with a question still missing, or to the review page."""
    journey = Journey(request)
    if not journey.versions:
        return _needs_programs(request)
    next_key = journey.next_step_after(None)
    if next_key is None:
        return redirect("applicants:review")
    return redirect("applicants:question_step", step=next_key)


# Over 60 lines: the GET and the POST of one step; most of it is the template's context.
@require_http_methods(["GET", "POST"])
def question_step(request, step):
    journey = Journey(request)
    if not journey.versions:
        return _needs_programs(request)
    current = journey.by_key.get(step)
    if current is None:
        raise Http404
    visible = current.visible_items(journey.answers)
    if not visible:
        return redirect("applicants:questions")
    missing = journey.missing_items(current)
    # Forward, only what is missing; "change" (edit) or a step already complete: all of it.
    editing = request.GET.get("edit") == "1" or not missing
    asked = visible if editing else missing
    posted = request.method == "POST"
    form = AnswersForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        questions=[
            (item.question, item.required) for item in asked if not is_household(item.question)
        ],
        answers=journey.answers,
        language=journey.language,
    )
    if request.method == "POST" and form.is_valid():
        applicant = identity.current_applicant_or_create(request)
        values = form.answers()
        for item in asked:
            if is_household(item.question) and item.key not in journey.answers:
                values[item.key] = []
        answers_save(applicant=applicant, values=values, **entry_by(request, applicant))
        journey.answers.update(values)
        if request.GET.get("return") == "review":
            return redirect("applicants:review")
        next_key = journey.next_step_after(step)
        if next_key is None:
            return redirect("applicants:review")
        return redirect("applicants:question_step", step=next_key)

    plan = journey.plan()
    position = plan.index(step) + 1 if step in plan else None
    previous = plan[plan.index(step) - 1] if step in plan and plan.index(step) > 0 else None
    back_url = (
        reverse("applicants:question_step", kwargs={"step": previous}) + "?edit=1"
        if previous
        else reverse("applicants:results")
    )
    here = request.get_full_path()
    return render(
        request,
        "applicants/apply/step.html",
        {
            "form": form,
            "step": current,
            "title": current.title(journey.language),
            "description": current.description(journey.language),
            "position": position,
            "total": len(plan) + 1,  # the review page is the last step
            "back_url": back_url,
            "programs_by_key": {
                item.key: [p.text("name", journey.language) for p in item.programs]
                for item in asked
            },
            "households": household_blocks(
                [item.question for item in asked], journey.answers, here, journey.language
            ),
            "editing": editing,
            "programs": [p.text("name", journey.language) for p in journey.programs],
        },
        status=400 if form.errors else 200,
    )


def _review_groups(journey: Journey):
    rows = journey.answer_rows
    chosen_at = journey.request.session.get(CHOSEN_AT)
    chosen_at = datetime.fromisoformat(chosen_at) if chosen_at else None
    groups = []
    for step in journey.steps:
        items = []
        for item in step.visible_items(journey.answers):
            answer = rows.get(item.key)
            value = answer.value if answer else None
            items.append(
                {
                    "key": item.key,
                    "label": item.question.text("label", journey.language),
                    "required": item.required,
                    "answered": answer is not None,
                    "text": format_value(item.question, value, language=journey.language)
                    if answer is not None
                    else "",
                    "people": [
                        format_member(item.question, member, language=journey.language)
                        for member in (value or [])
                    ]
                    if is_household(item.question) and answer is not None
                    else [],
                    "programs": [p.text("name", journey.language) for p in item.programs],
                    # Answered before this application was started: say when.
                    "answered_on": answer.updated_at
                    if answer and chosen_at and answer.updated_at < chosen_at
                    else None,
                    "change_url": reverse("applicants:question_step", kwargs={"step": step.key})
                    + "?edit=1&return=review",
                }
            )
        if items:
            groups.append({"title": step.title(journey.language), "items": items})
    return groups


@require_http_methods(["GET", "POST"])
def review(request):
    journey = Journey(request, read_answers=request.method != "POST")
    if request.method == "POST":
        return _submit(request, journey)
    if not journey.versions:
        return _needs_programs(request)
    return _render_review(request, journey)


def _render_review(request, journey, status=200, form=None):
    token = request.session.get(SUBMIT_TOKEN)
    if not token:
        token = request.session[SUBMIT_TOKEN] = secrets.token_urlsafe(32)
    missing = [
        {
            "program": version.program.text("name", journey.language),
            "question": question.text("label", journey.language),
        }
        for version in journey.versions
        for question in version_missing_required(version, journey.answers)
    ]
    return render(
        request,
        "applicants/apply/review.html",
        {
            "groups": _review_groups(journey),
            "programs": [p.text("name", journey.language) for p in journey.programs],
            "form": form or SubmitForm(initial={"submit_token": token}),
            "missing": missing,
        },
        status=status,
    )


def _submit(request, journey):
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _render_review(request, journey, status=400)
    token = form.cleaned_data["submit_token"]
    applicant = journey.applicant
    if token != request.session.get(SUBMIT_TOKEN):
        # A resent form (back button, double click after the first went through).
        existing = (
            Submission.objects.filter(submit_token=token, applicant=applicant).first()
            if applicant
            else None
        )
        if existing is not None:
            return redirect("applicants:confirmation", reference=existing.reference)
        messages.error(request, _("This page had expired. Check your answers and submit again."))
        return redirect("applicants:review")
    if not journey.versions or applicant is None:
        return _needs_programs(request)
    try:
        submission = submission_create(
            applicant=applicant,
            programs=journey.programs,
            versions=journey.versions,
            submit_token=token,
            language=journey.language,
            **entry_by(request, applicant),
        )
    except SubmissionNotAllowed as error:
        for message in error.messages:
            messages.error(request, message)
        return _render_review(request, journey, status=400)
    for key in (CHOSEN, CHOSEN_AT, CHOSEN_VERSIONS, PLAN, SUBMIT_TOKEN):
        request.session.pop(key, None)
    return redirect("applicants:confirmation", reference=submission.reference)


@require_GET
def confirmation(request, reference):
    applicant, answers = identity.current_applicant_and_answers(request)
    submission = submission_for_applicant(applicant=applicant, reference=reference)
    language = language_of(request)
    applications = list(submission.applications.all())
    # Not only this submission's programs: anything this resident ever applied to.
    applied = set(
        Application.objects.filter(submission__applicant=applicant).values_list(
            "program_id", flat=True
        )
    )
    others = [
        s
        for s in screen_answers(
            answers=answers,
            language=language,
            for_navigator=bool(getattr(request, "acting", None)),
            # Only the programs' names and summaries are shown: no reason is written.
            explain=False,
        )
        if s.program.pk not in applied and s.may_apply and s.outcome in {"eligible", "unknown"}
    ]
    return render(
        request,
        "applicants/apply/confirmation.html",
        {
            "submission": submission,
            "applications": [
                {"application": a, "program": a.program.text("name", language)}
                for a in applications
            ],
            "others": [
                {
                    "screening": s,
                    "name": s.program.text("name", language),
                    "summary": s.program.text("summary", language),
                }
                for s in others
            ],
            "signed_in": request.user.is_authenticated,
            "contact": preferred_contact(applicant),
            "status_url": request.build_absolute_uri(guest_status_path(submission)),
        },
    )
