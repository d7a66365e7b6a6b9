"""Screening: evaluate every published program's rules against one resident's answers.

The engine core (`eligibility.engine`) is plain Python; this module is the Django side:
it loads published versions, compiles their rules once per version (cached in process —
a published version never changes), and turns engine results into `ProgramScreening`
objects shared by the results page, the API and the CLI.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eligibility.engine import CompiledEstimate, CompiledRule, compile_estimate, compile_rule
from eligibility.models import ScreeningRecord
from programs.eligibility_glue import question_infos, reference_tables
from programs.models import Program, ProgramVersion, Question, Screen

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
    outcome: str  # "eligible" | "ineligible" | "unknown"
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


@dataclass(frozen=True)
class CompiledVersion:
    rule: CompiledRule | None
    estimate: CompiledEstimate | None


# Keyed by (version id, published_at): published versions are immutable, so an entry can
# only go stale if a version were re-published, which gives it a new timestamp.
_compiled_versions: dict[tuple[int, object], CompiledVersion] = {}
_compiled_screens: dict[int, CompiledRule | None] = {}
_cache_lock = threading.Lock()


def clear_compiled_cache() -> None:
    with _cache_lock:
        _compiled_versions.clear()
        _compiled_screens.clear()


def _version_key(version: ProgramVersion) -> tuple[int, object]:
    return (version.pk, version.published_at)


def _compile_versions(versions: list[ProgramVersion]) -> dict[tuple[int, object], CompiledVersion]:
    """Compiled rules for `versions`; one query for the question bank on a cache miss,
    none on a hit."""
    missing = [v for v in versions if _version_key(v) not in _compiled_versions]
    if missing:
        infos = question_infos(Question.objects.all())
        tables = reference_tables()
        with _cache_lock:
            for version in missing:
                rule = version.eligibility_rules or None
                estimate = version.estimated_value or None
                _compiled_versions[_version_key(version)] = CompiledVersion(
                    rule=compile_rule(rule, infos, tables) if rule else None,
                    estimate=compile_estimate(estimate, infos, tables) if estimate else None,
                )
    return {_version_key(v): _compiled_versions[_version_key(v)] for v in versions}


def published_versions(
    *, program_slugs: list[str] | None = None, display_modes=SCREENED_BY_DEFAULT
) -> list[ProgramVersion]:
    """Published versions to screen, in catalog order, programs and agencies joined:
    those named, or else every program in one of `display_modes`."""
    versions = ProgramVersion.objects.filter(status=ProgramVersion.Status.PUBLISHED)
    if program_slugs is None:
        versions = versions.filter(program__display_mode__in=display_modes)
    else:
        versions = versions.filter(
            program__slug__in=program_slugs, program__display_mode__in=SCREENABLE
        )
    versions = list(versions.select_related("program", "program__agency").order_by("program__name"))
    if program_slugs is not None:
        found = {version.program.slug for version in versions}
        unknown = [slug for slug in program_slugs if slug not in found]
        if unknown:
            raise UnknownPrograms(unknown)
    return versions


def screen(
    *,
    answers: dict,
    program_slugs: list[str] | None = None,
    as_of: date | None = None,
    language: str | None = None,
    versions: list[ProgramVersion] | None = None,
    display_modes=SCREENED_BY_DEFAULT,
    explain_keys: bool = False,
) -> list[ProgramScreening]:
    """Screen `answers` (canonical values keyed by question key) against every published
    public program, or those named, in catalog order.

    One query loads the published versions; compiled rules come from the in-process cache.
    Raises `UnknownPrograms` when a named program has no published version.
    """
    if versions is None:
        versions = published_versions(program_slugs=program_slugs, display_modes=display_modes)
    compiled = _compile_versions(versions)
    as_of = as_of or timezone.localdate()
    language = (language or translation.get_language() or "en").split("-")[0]
    results = []
    with translation.override(language):
        open_to_all = _("This program has no eligibility limits: anyone may apply.")
    for version in versions:
        entry = compiled[_version_key(version)]
        if entry.rule is None:
            outcome, reasons, missing, threshold = "eligible", [open_to_all], [], None
            reason_keys = [[]] if explain_keys else None
        else:
            evaluation = entry.rule.evaluate(
                answers, as_of=as_of, language=language, explain_keys=explain_keys
            )
            outcome, reasons = evaluation.outcome, evaluation.reasons
            reason_keys = evaluation.reason_keys
            missing, threshold = evaluation.missing, evaluation.threshold
        estimate = None
        if entry.estimate is not None and outcome != "ineligible":
            estimate = entry.estimate.evaluate(answers, as_of=as_of)
        results.append(
            ProgramScreening(
                program=version.program,
                version=version,
                outcome=outcome,
                reasons=list(reasons),
                missing=list(missing),
                threshold=threshold,
                estimated_value_cents=estimate.amount_cents if estimate else None,
                estimated_value_period=estimate.period if estimate else None,
                estimate_explanation=estimate.explained(language) if estimate else "",
                estimate_source=estimate.source if estimate else None,
                reason_keys=reason_keys,
                gating=version.eligibility_gating,
            )
        )
    return results


def screen_visible(screen_: Screen, answers: dict, *, as_of: date | None = None) -> bool:
    """Whether a program screen applies to these answers.

    A screen is hidden only when its condition is known to be false: while an earlier
    answer it depends on is missing, asking is safer than silently skipping.
    """
    if not screen_.visible_if:
        return True
    compiled = _compiled_screens.get(screen_.pk)
    if compiled is None:
        compiled = compile_rule(
            screen_.visible_if, question_infos(Question.objects.all()), reference_tables()
        )
        if screen_.version.status != ProgramVersion.Status.DRAFT:
            with _cache_lock:
                _compiled_screens[screen_.pk] = compiled
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
