"""The program-specific part of the journey: the screens of the chosen programs' published
versions, merged into one sequence of steps and de-duplicated by question key.

Screens with the same key in several programs ("income", "contact") become one step; a
question asked by several programs is asked once, in the first place it appears, and its
answer goes to every program that asks it. Programs are walked in catalog order and their
screens in their own order, so the sequence reads the way each program was designed.
"""

from dataclasses import dataclass, field

from eligibility.services import screen_visible
from programs.models import Program, ProgramVersion, Question, QuestionType, Screen

# Questions that carry no answer (static text) or that this journey cannot take yet.
UNANSWERABLE_TYPES = {QuestionType.STATIC}


def screen_is_visible(screen: Screen, answers: dict) -> bool:
    """Whether a screen applies to these answers (its `visible_if` rule).

    An empty rule is always visible. The rule language is the eligibility engine's, so
    the engine decides; a rule it cannot decide yet (answers missing) shows the screen,
    because asking one question too many is better than skipping one a program needs.
    """
    if not screen.visible_if:
        return True
    return bool(screen_visible(screen, answers))


@dataclass
class StepQuestion:
    question: Question
    required: bool
    screens: list[Screen] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.question.key

    def visible(self, answers: dict) -> bool:
        return any(screen_is_visible(screen, answers) for screen in self.screens)


@dataclass
class Step:
    key: str
    screen: Screen  # the first screen with this key: its title and description are used
    items: list[StepQuestion] = field(default_factory=list)

    def title(self, language: str | None = None) -> str:
        return self.screen.text("title", language)

    def description(self, language: str | None = None) -> str:
        return self.screen.text("description", language)

    def visible_items(self, answers: dict) -> list[StepQuestion]:
        return [item for item in self.items if item.visible(answers)]


def merged_steps(versions: list[ProgramVersion]) -> list[Step]:
    """Merge the screens of `versions` (prefetched by `selectors.published_versions`)."""
    steps: dict[str, Step] = {}
    placed: dict[str, StepQuestion] = {}
    for version in versions:
        for screen in version.screens.all():
            for screen_question in screen.screen_questions.all():
                question = screen_question.question
                if question.type in UNANSWERABLE_TYPES:
                    continue
                item = placed.get(question.key)
                if item is None:
                    step = steps.get(screen.key)
                    if step is None:
                        step = steps[screen.key] = Step(key=screen.key, screen=screen)
                    item = StepQuestion(question=question, required=screen_question.required)
                    step.items.append(item)
                    placed[question.key] = item
                item.required = item.required or screen_question.required
                item.screens.append(screen)
                if version.program not in item.programs:
                    item.programs.append(version.program)
    return [step for step in steps.values() if step.items]


def version_questions(version: ProgramVersion, answers: dict) -> list[Question]:
    """The questions `version` asks of a resident with these answers (visible screens)."""
    questions = []
    seen = set()
    for screen in version.screens.all():
        if not screen_is_visible(screen, answers):
            continue
        for screen_question in screen.screen_questions.all():
            question = screen_question.question
            if question.type in UNANSWERABLE_TYPES or question.key in seen:
                continue
            seen.add(question.key)
            questions.append(question)
    return questions


def version_missing_required(version: ProgramVersion, answers: dict) -> list[Question]:
    """Required questions of `version`'s visible screens that have no answer yet."""
    missing = []
    for screen in version.screens.all():
        if not screen_is_visible(screen, answers):
            continue
        for screen_question in screen.screen_questions.all():
            question = screen_question.question
            if question.type in UNANSWERABLE_TYPES or not screen_question.required:
                continue
            if question.key not in answers and question not in missing:
                missing.append(question)
    return missing
