"""Which questions form the shared intake, computed from the published programs.

The intake is made of the questions at least half of the published program versions ask
(`INTAKE_SHARE`): those are the answers that pre-fill most applications and decide most
screenings, so asking them once up front saves the most typing. A question every program
only asks behind a condition (`Screen.visible_if` on all its uses) stays with the
programs, where the condition is applied. Static text and file uploads are never part of
the intake.

Questions are grouped by the screen key they most often appear under, and the groups
are ordered by where programs place those screens on average (relative position, so a
short and a long program weigh the same): programs put "about you" before "household"
before "income", and the intake follows. A household members question joins the intake as
soon as any published program asks it (household composition decides many screenings) and
always gets a step of its own (a repeating group: add, edit, remove a person).

The result is cached in process and recomputed when the published programs or the
question bank change: the signature of `eligibility.published` decides, one aggregate query
per request shared with screening.
"""

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.text import slugify

from applicants.selectors import published_versions
from applicants.steps import UNANSWERABLE_TYPES
from eligibility.published import published_signature
from programs.models import ProgramVersion, Question, QuestionType, Screen

INTAKE_SHARE = 0.5
REVIEW_STEP = "review"
RESERVED_STEPS = {REVIEW_STEP, "done"}
CACHE_SECONDS = 300
# Documents belong to the program that asks for them, after the resident has chosen it;
# the shared intake asks only what screening needs.
NOT_IN_INTAKE = {*UNANSWERABLE_TYPES, QuestionType.FILE}


@dataclass(frozen=True)
class IntakeQuestion:
    question: Question
    required: bool

    @property
    def key(self) -> str:
        return self.question.key


@dataclass(frozen=True)
class IntakeStep:
    key: str
    screen: Screen  # the screen whose title and description name the step
    questions: tuple[IntakeQuestion, ...]

    @property
    def is_household(self) -> bool:
        return len(self.questions) == 1 and (
            self.questions[0].question.type == QuestionType.HOUSEHOLD_MEMBERS
        )

    @property
    def household_question(self) -> Question | None:
        return self.questions[0].question if self.is_household else None

    def title(self, language: str | None = None) -> str:
        # The people step shares its screen with the household size; its own question's
        # label tells the two steps apart in the step list.
        if self.is_household:
            return self.household_question.text("label", language)
        return self.screen.text("title", language)

    def description(self, language: str | None = None) -> str:
        return self.screen.text("description", language)

    def question_keys(self) -> list[str]:
        return [q.key for q in self.questions]


_lock = threading.Lock()
_cache: dict = {"signature": None, "steps": None, "at": 0.0}


def _signature():
    # The signature the screening cache checks too: one query per request for both.
    return published_signature()


def intake_steps() -> list[IntakeStep]:
    """The intake's steps (without the review step), in order. Two queries when cached."""
    signature = _signature()
    now = time.monotonic()
    with _lock:
        if _cache["signature"] == signature and now - _cache["at"] < CACHE_SECONDS:
            return _cache["steps"]
    steps = compute_intake_steps()
    with _lock:
        _cache.update(signature=signature, steps=steps, at=now)
    return steps


def clear_cache() -> None:
    with _lock:
        _cache.update(signature=None, steps=None, at=0.0)


# Over 60 lines: one pass tallies each question's uses, a second builds the steps from those
# tallies.
def compute_intake_steps(versions: list[ProgramVersion] | None = None) -> list[IntakeStep]:
    """Compute the intake from `versions` (default: every published version)."""

    versions = published_versions() if versions is None else versions
    if not versions:
        return []
    uses: dict[str, int] = Counter()  # versions asking the question unconditionally
    question_of: dict[str, Question] = {}
    required_votes: dict[str, int] = Counter()
    screen_votes: dict[str, Counter] = defaultdict(Counter)
    first_screen: dict[str, Screen] = {}
    positions: dict[str, list[float]] = defaultdict(list)
    question_position: dict[str, list[float]] = defaultdict(list)

    for version in versions:
        screens = list(version.screens.all())
        seen_in_version = set()
        for index, screen in enumerate(screens):
            relative = index / max(len(screens) - 1, 1)
            first_screen.setdefault(screen.key, screen)
            positions[screen.key].append(relative)
            for order, screen_question in enumerate(screen.screen_questions.all()):
                question = screen_question.question
                if question.type in NOT_IN_INTAKE or screen.visible_if:
                    continue
                if question.key in seen_in_version:
                    continue
                seen_in_version.add(question.key)
                uses[question.key] += 1
                question_of[question.key] = question
                required_votes[question.key] += int(screen_question.required)
                screen_votes[question.key][screen.key] += 1
                question_position[question.key].append(relative + order / 1000)

    threshold = INTAKE_SHARE * len(versions)
    # Household composition decides many screenings and is the one repeating group, so a
    # household members question joins the intake as soon as any program asks it.
    chosen = [
        key
        for key, count in uses.items()
        if count >= threshold or question_of[key].type == QuestionType.HOUSEHOLD_MEMBERS
    ]
    groups: dict[str, list[str]] = defaultdict(list)
    for key in chosen:
        # The most common screen; ties go to the screen that comes first on average.
        votes = screen_votes[key]
        best = max(votes.items(), key=lambda item: (item[1], -_mean(positions[item[0]])))[0]
        groups[best].append(key)

    ordered_groups = sorted(
        groups, key=lambda screen_key: (_mean(positions[screen_key]), screen_key)
    )
    steps: list[IntakeStep] = []
    used_keys = set(RESERVED_STEPS)
    for screen_key in ordered_groups:
        keys = sorted(groups[screen_key], key=lambda k: (_mean(question_position[k]), k))
        plain = [k for k in keys if question_of[k].type != QuestionType.HOUSEHOLD_MEMBERS]
        members = [k for k in keys if question_of[k].type == QuestionType.HOUSEHOLD_MEMBERS]
        screen = first_screen[screen_key]
        if plain:
            steps.append(
                IntakeStep(
                    key=_unique(slugify(screen_key) or "step", used_keys),
                    screen=screen,
                    questions=tuple(
                        _intake_question(k, question_of, required_votes) for k in plain
                    ),
                )
            )
        for key in members:
            steps.append(
                IntakeStep(
                    key=_unique(slugify(key.replace(".", "-")), used_keys),
                    screen=screen,
                    questions=(_intake_question(key, question_of, required_votes),),
                )
            )
    return steps


def _intake_question(key, question_of, required_votes) -> IntakeQuestion:
    # Required when any program requires it: the intake feeds every screening.
    return IntakeQuestion(question=question_of[key], required=required_votes[key] > 0)


def _mean(values) -> float:
    return sum(values) / len(values) if values else 0.0


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate = f"{key}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def first_unanswered_step(steps: list[IntakeStep], answers: dict) -> IntakeStep | None:
    """Where a returning resident resumes: the first step with a question not answered."""
    for step in steps:
        if any(q.key not in answers for q in step.questions):
            return step
    return None


def missing_required(steps: list[IntakeStep], answers: dict) -> list[tuple[IntakeStep, Question]]:
    return [
        (step, q.question)
        for step in steps
        for q in step.questions
        if q.required and q.key not in answers
    ]


def intake_minutes(steps=None) -> int:
    """About how long the intake takes, in minutes: two a step plus two to read the
    results, never under five. The one estimate the home page and /apply/ both show."""
    steps = intake_steps() if steps is None else steps
    return max(5, 2 * len(steps) + 2)
