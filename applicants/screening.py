"""The resident journey's view of the eligibility engine: screening a profile, grouping
the results for the results page, and estimated values."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from eligibility.services import screen
from programs.models import Program

GROUP_ORDER = ("eligible", "unknown", "ineligible", "unchecked")
GROUP_TITLES = {
    "eligible": _("Likely eligible"),
    "unknown": _("Need more information"),
    "ineligible": _("Likely not eligible"),
    "unchecked": _("We could not check these programs"),
}
GROUP_INTROS = {
    "eligible": _("Based on your answers, you likely qualify for these programs."),
    "unknown": _("We need a few more answers to tell. You can still apply and answer them."),
    "ineligible": _(
        "Based on your answers, you likely do not qualify. The agency makes the final decision."
    ),
    # A program whose rules failed (eligibility.services.UNCHECKED): the others still work.
    "unchecked": _(
        "Something went wrong while checking these programs, and we have been told about it. "
        "You may still apply: the agency makes the final decision."
    ),
}
MONTHLY = "monthly"
YEARLY = "yearly"


def answers_for_screening(answers: dict) -> dict:
    """Optional questions left blank are stored as None; the engine sees them as missing."""
    return {key: value for key, value in answers.items() if value is not None}


def screen_answers(
    *, answers: dict, language: str | None = None, program_slugs=None, for_navigator=False
) -> list:
    """Screen a profile against every published program residents may see in the catalog;
    a navigator acting for a client also sees the programs offered through navigators."""

    modes = {Program.DisplayMode.PUBLIC}
    if for_navigator:
        modes.add(Program.DisplayMode.NAVIGATORS_ONLY)
    screenings = screen(
        answers=answers_for_screening(answers),
        program_slugs=program_slugs,
        language=language,
        display_modes=tuple(modes),
    )
    return [s for s in screenings if s.program.display_mode in modes]


@dataclass
class Group:
    outcome: str
    title: str
    intro: str
    items: list = field(default_factory=list)
    cards: str = ""  # their HTML, written by applicants.result_cards


@dataclass(frozen=True)
class EstimateTotals:
    """The likely value of every likely-eligible program, as a month and as a year."""

    monthly_cents: int
    yearly_cents: int
    programs: int


def estimate_totals(screenings) -> EstimateTotals | None:
    """Sums likely-eligible programs' estimates; a yearly estimate counts as a twelfth a
    month and a monthly one twelve times a year. None when no such program has one."""
    valued = [
        s for s in screenings if s.outcome == "eligible" and s.estimated_value_cents is not None
    ]
    if not valued:
        return None
    monthly = yearly = 0
    for screening in valued:
        if screening.estimated_value_period == YEARLY:
            yearly += screening.estimated_value_cents
            monthly += screening.estimated_value_cents // 12
        else:
            monthly += screening.estimated_value_cents
            yearly += screening.estimated_value_cents * 12
    return EstimateTotals(monthly, yearly, len(valued))


def screening_groups(screenings, *, language=None, chosen=frozenset()) -> list[Group]:
    # Translated once here, not each time a card names its group.
    groups = {
        outcome: Group(outcome, str(GROUP_TITLES[outcome]), str(GROUP_INTROS[outcome]))
        for outcome in GROUP_ORDER
    }
    for screening in screenings:
        group = groups.get(screening.outcome) or groups["unknown"]
        program = screening.program
        group.items.append(
            {
                "screening": screening,
                "slug": program.slug,
                "name": program.text("name", language),
                "reasons": [str(reason) for reason in screening.reasons],
                "value_cents": screening.estimated_value_cents,
                "value_period": screening.estimated_value_period,
                "value_explanation": screening.estimate_explanation,
                "value_source": screening.estimate_source or {},
                "may_apply": screening.may_apply,
                "checked": program.slug in chosen,
            }
        )
    return [groups[outcome] for outcome in GROUP_ORDER if groups[outcome].items]
