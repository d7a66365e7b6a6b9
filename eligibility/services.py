"""Screening: evaluate every published program's rules against one resident's answers.

The engine core (`eligibility.engine`) is plain Python; this module is the Django side:
it loads published versions, takes their compiled rules and the one function screening
them all from the in-process caches (`eligibility.compiled`: a published version never
changes), and turns engine results into `ProgramScreening` objects shared by the results
page, the API and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eligibility.compiled import (
    CompiledVersion,
    clear_compiled_cache,
    compile_versions,
    compiled_screen_condition,
    compiled_screening,
    screening_failure_record,
)
from eligibility.engine import Evaluation, NoPeriodInEffect
from eligibility.models import ScreeningFailure, ScreeningRecord
from eligibility.published import versions_in_effect
from programs.models import Program, ProgramVersion, Screen

__all__ = ["clear_compiled_cache", "screen", "screen_visible", "screening_failure_record"]

# The outcome of a program whose rules failed to compile or raised while evaluating.
UNCHECKED = "unchecked"

# Programs a resident is screened for unless they name others: what the catalog offers.
SCREENED_BY_DEFAULT = (Program.DisplayMode.PUBLIC,)
# Programs that may be named explicitly (hidden ones are reachable by link).
SCREENABLE = (
    Program.DisplayMode.PUBLIC,
    Program.DisplayMode.HIDDEN,
    Program.DisplayMode.NAVIGATORS_ONLY,
)


class UnknownPrograms(ValueError):
    def __init__(self, slugs: list[str]):
        super().__init__(", ".join(slugs))
        self.slugs = slugs


@dataclass(frozen=True)
class ProgramScreening:
    program: Program
    version: ProgramVersion
    outcome: str  # "eligible" | "ineligible" | "unknown" | "unchecked" (rules failed)
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # question keys that would decide it
    threshold: dict | None = None
    estimated_value_cents: int | None = None
    estimated_value_period: str | None = None  # "monthly" | "yearly"
    estimate_explanation: str = ""  # "how we estimated this", in the screening's language
    estimate_source: dict | None = None  # {"citation": ..., "url": ...} of the amounts
    # Per reason, the question keys whose values it may print (only with ``explain_keys``).
    reason_keys: list[list[str]] | None = None
    gating: bool = False
    # The reference-table periods the rule read on the screening date, with their sources.
    tables_used: list[dict] = field(default_factory=list)

    @property
    def may_apply(self) -> bool:
        """Gating programs refuse residents found ineligible; others let them apply."""
        return not (self.gating and self.outcome == "ineligible")

    @property
    def monthly_value_cents(self) -> int | None:
        if self.estimated_value_cents is None:
            return None
        if self.estimated_value_period == "yearly":
            return self.estimated_value_cents // 12
        return self.estimated_value_cents


def published_versions(
    *, program_slugs: list[str] | None = None, display_modes=SCREENED_BY_DEFAULT
) -> list[ProgramVersion]:
    """Published versions to screen, in catalog order, from the in-process cache
    (`eligibility.published`): those named, or else every program in one of `display_modes`."""
    versions = versions_in_effect()
    if program_slugs is None:
        return [v for v in versions if v.program.display_mode in display_modes]
    named = set(program_slugs)
    versions = [
        v for v in versions if v.program.slug in named and v.program.display_mode in SCREENABLE
    ]
    found = {version.program.slug for version in versions}
    unknown = [slug for slug in program_slugs if slug not in found]
    if unknown:
        raise UnknownPrograms(unknown)
    return versions


# Over 60 lines: each version is compiled and evaluated behind its own guard (a failure is
# recorded, not raised); the loop is that guard.
def screen(
    *,
    answers: dict,
    program_slugs: list[str] | None = None,
    as_of: date | None = None,
    language: str | None = None,
    versions: list[ProgramVersion] | None = None,
    display_modes=SCREENED_BY_DEFAULT,
    explain_keys: bool = False,
    explain: bool = True,
) -> list[ProgramScreening]:
    """Screen `answers` (canonical values keyed by question key) against every published
    public program, or those named, in catalog order.

    Published versions and compiled rules come from the in-process caches (one signature
    query per request). With `explain` False the results carry no reasons, threshold or
    estimate explanation, and none is written: outcomes, missing keys, estimates and the
    tables used only. Raises `UnknownPrograms` when a named program has no published version.
    """
    # The catalog's programs are screened by one function (see `_decisions`); a set the
    # caller names (programs in an API request, the versions a resident chose) by each
    # program's own rule: such sets are many and small, and compiling a function for each
    # would cost more than it saves (and let an API client make the server compile at will).
    whole_catalog = versions is None and program_slugs is None
    if versions is None:
        versions = published_versions(program_slugs=program_slugs, display_modes=display_modes)
    compiled = compile_versions(versions)
    as_of = as_of or timezone.localdate()
    language = (language or translation.get_language() or "en").split("-")[0]
    with translation.override(language):
        texts = {
            "open_to_all": _("This program has no eligibility limits: anyone may apply."),
            "no_period": _(
                "We cannot check this program for %(date)s: no published figures are in "
                "effect on that date."
            )
            % {"date": as_of.isoformat()},
            "unchecked": _("We could not check this program. You may still apply."),
        }
    context = _Context(answers, as_of, language, texts, explain, explain_keys)
    decided = _decisions(versions, compiled, context) if whole_catalog else [None] * len(versions)
    return [
        _screen_version(version, entry, decision, context)
        for version, entry, decision in zip(versions, compiled, decided, strict=True)
    ]


@dataclass(frozen=True)
class _Context:
    """What every program of one screening shares."""

    answers: dict
    as_of: date
    language: str
    texts: dict
    explain: bool
    explain_keys: bool


def _decisions(versions, entries: list[CompiledVersion], context: _Context) -> list:
    """Per version, its rule's ``Evaluation`` or the exception its evaluation raised, all
    decided by one function for the whole screening (engine/screening.py: the answers, ages
    and household aggregates read once); None for a version without a rule, and for every
    version when fewer than two have one or that function could not be compiled (each is
    then evaluated on its own)."""
    screening = compiled_screening(versions, entries)
    if screening is None:
        return [None] * len(entries)
    results = iter(
        screening.screen(context.answers, context.as_of, context.language, context.explain_keys)
    )
    return [None if entry.rule is None else next(results) for entry in entries]


def _screen_version(
    version, entry: CompiledVersion, decision, context: _Context
) -> ProgramScreening:
    evaluation = estimate = None
    tables_used: list[dict] = []
    if entry.error is not None:
        outcome, reasons = UNCHECKED, [context.texts["unchecked"]]
    else:
        try:
            evaluation, estimate, tables_used = _evaluate(entry, decision, context)
            outcome = evaluation.outcome if evaluation else "eligible"
            reasons = None if evaluation else [context.texts["open_to_all"]]
        except NoPeriodInEffect:
            # Publishing checks that a period covers every date the version can be used
            # on; only an as_of chosen outside them (API, CLI) gets here.
            outcome, reasons = "unknown", [context.texts["no_period"]]
        except Exception as error:
            # One program's failure (a division by an answer of 0, a bug) is its own:
            # every other program is still screened.
            screening_failure_record(
                version=version, stage=ScreeningFailure.Stage.EVALUATE, error=error
            )
            outcome, reasons = UNCHECKED, [context.texts["unchecked"]]
    return _screening(version, outcome, reasons, evaluation, estimate, tables_used, context)


def _evaluate(entry: CompiledVersion, decision, context: _Context):
    """(evaluation or None for a rule-less version, estimate, tables used) of one compiled
    version, given its ``decision`` (see ``_decisions``). Its sentences are written here when
    wanted, inside the caller's isolation."""
    evaluation, tables_used = None, []
    if entry.rule is not None:
        if decision is None:
            evaluation = entry.rule.evaluate(
                context.answers,
                as_of=context.as_of,
                language=context.language,
                explain_keys=context.explain_keys,
            )
        elif isinstance(decision, Evaluation):
            evaluation = decision
        else:  # what evaluating it raised, raised here, in its own isolation
            raise decision
        if context.explain:
            evaluation.reasons, evaluation.threshold  # noqa: B018 - written now, not later
        tables_used = entry.rule.periods_in_effect(context.as_of)
    estimate = None
    outcome = evaluation.outcome if evaluation else "eligible"
    if entry.estimate is not None and outcome != "ineligible":
        estimate = entry.estimate.evaluate(context.answers, as_of=context.as_of)
    return evaluation, estimate, tables_used


def _screening(version, outcome, reasons, evaluation, estimate, tables_used, context):
    """The `ProgramScreening`, with sentences only when the caller wants them (`explain`)."""
    explain = context.explain
    reason_keys = threshold = None
    missing: list[str] = []
    if evaluation is not None:
        reasons = evaluation.reasons if explain else []
        threshold = evaluation.threshold if explain else None
        reason_keys, missing = evaluation.reason_keys, evaluation.missing
    elif not explain:
        reasons = []
    if context.explain_keys and reason_keys is None:  # our own sentences print no answer
        reason_keys = [[] for _reason in reasons]
    return ProgramScreening(
        program=version.program,
        version=version,
        outcome=outcome,
        reasons=list(reasons),
        missing=list(missing),
        threshold=threshold,
        estimated_value_cents=estimate.amount_cents if estimate else None,
        estimated_value_period=estimate.period if estimate else None,
        estimate_explanation=estimate.explained(context.language) if estimate and explain else "",
        estimate_source=estimate.source if estimate else None,
        reason_keys=reason_keys,
        gating=version.eligibility_gating,
        tables_used=tables_used,
    )


def screen_visible(screen_: Screen, answers: dict, *, as_of: date | None = None) -> bool:
    """Whether a program screen applies to these answers.

    A screen is hidden only when its condition is known to be false: while an earlier
    answer it depends on is missing, asking is safer than silently skipping.
    """
    if not screen_.visible_if:
        return True
    compiled = compiled_screen_condition(screen_)
    truth = compiled.truth(answers, as_of=as_of or timezone.localdate())
    return truth is not False


def screening_record(*, applicant, results: list[ProgramScreening]) -> ScreeningRecord:
    """Keep what a resident was shown, for the city's reach figures (aggregates only)."""
    outcomes = {result.program.slug: result.outcome for result in results}
    return ScreeningRecord.objects.create(
        applicant=applicant,
        outcomes=outcomes,
        likely_eligible_count=sum(1 for outcome in outcomes.values() if outcome == "eligible"),
    )


def total_monthly_estimate_cents(results: list[ProgramScreening]) -> int:
    """The sum of likely-eligible programs' estimates, as a monthly figure."""
    return sum(
        result.monthly_value_cents or 0 for result in results if result.outcome == "eligible"
    )
