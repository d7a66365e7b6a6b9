"""Screening: evaluate every published program's rules against one resident's answers.

The engine core (`eligibility.engine`) is plain Python; this module is the Django side:
it loads published versions, compiles their rules once per version (cached in process),
and turns engine results into `ProgramScreening` objects for pages, the API and the CLI.
"""

from dataclasses import dataclass, field
from datetime import date

from programs.models import Program, ProgramVersion


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
    gating: bool = False

    @property
    def may_apply(self) -> bool:
        """Gating programs refuse residents found ineligible; others let them apply."""
        return not (self.gating and self.outcome == "ineligible")


def screen(
    *,
    answers: dict,
    program_slugs: list[str] | None = None,
    as_of: date | None = None,
    language: str | None = None,
) -> list[ProgramScreening]:
    """Screen `answers` (canonical values keyed by question key) against every published
    program (or those named), in catalog order. Implemented with the engine (issue 4)."""
    raise NotImplementedError("screening lands with the eligibility engine (issue 4)")
