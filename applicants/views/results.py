"""Screener results: every published public program, grouped by the engine's outcome,
with its reasons, what it provides, an estimated value, and a box to apply."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applicants import identity
from applicants.forms import ChooseProgramsForm
from applicants.result_cards import render_result_cards
from applicants.screening import estimate_totals, screen_answers, screening_groups
from applicants.selectors import open_applications_by_program
from applicants.views.common import CHOSEN, CHOSEN_AT, CHOSEN_VERSIONS, PLAN, language_of
from eligibility.services import screening_record

RECORDED = "applicants.screening_recorded"


def _record_screening(request, applicant, screenings) -> None:
    """Keep what the resident was shown for the city's reach figures: once per distinct
    set of results in a session, so reloading the page does not count twice."""
    if applicant is None or not screenings:
        return
    signature = ",".join(f"{s.program.slug}:{s.outcome}" for s in screenings)
    if request.session.get(RECORDED) == signature:
        return

    screening_record(applicant=applicant, results=screenings)
    request.session[RECORDED] = signature


@require_http_methods(["GET", "POST"])
def results(request):
    language = language_of(request)
    applicant, answers = identity.current_applicant_and_answers(request)
    screenings = screen_answers(
        answers=answers, language=language, for_navigator=bool(getattr(request, "acting", None))
    )
    # A program with an open application is marked, not offered again. A resident who
    # never submitted has none (known from the answers' query): most of those who see
    # this page are applying for the first time.
    open_ones = (
        {}
        if identity.never_submitted(request)
        else open_applications_by_program(applicant=applicant)
    )
    choices = [
        (s.program.slug, s.program.text("name", language))
        for s in screenings
        if s.may_apply and s.program.pk not in open_ones
    ]
    form = ChooseProgramsForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["programs"])
        # Catalog order, whatever order the boxes were posted in.
        request.session[CHOSEN] = [s.program.slug for s in screenings if s.program.slug in chosen]
        request.session[CHOSEN_AT] = timezone.now().isoformat()
        request.session[CHOSEN_VERSIONS] = {
            s.program.slug: s.version.pk for s in screenings if s.program.slug in chosen
        }
        request.session.pop(PLAN, None)
        return redirect("applicants:questions")
    if request.method == "POST":
        messages.error(request, _("Choose at least one program to apply to."))
    else:
        _record_screening(request, applicant, screenings)
    previously_chosen = set(request.POST.getlist("programs") or request.session.get(CHOSEN, []))
    groups = screening_groups(screenings, language=language, chosen=previously_chosen)
    for group in groups:
        for item in group.items:
            item["open_application"] = open_ones.get(item["screening"].program.pk)
    render_result_cards(groups, language=language)
    return render(
        request,
        "applicants/results.html",
        {
            "form": form,
            "groups": groups,
            "has_answers": bool(answers),
            "totals": estimate_totals(screenings),
        },
        status=400 if form.errors else 200,
    )
