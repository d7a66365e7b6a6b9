"""compile_screening: every rule of a screening compiled into one function.

A screening checks one resident's answers against every published program. Evaluated one rule
at a time, each rule reads and normalises the answers it uses, works out the ages and household
counts it needs and looks its shared household aggregates up in a dict (``shared.py``): across
50 programs most of that is the same work done again, and a call per rule on top. The function
generated here does that work once, at its top, then runs every rule's own decision in turn,
each behind its own ``try`` (free in CPython until something is raised), so that one rule that
fails (a division by an answer of 0) fails alone, as it does when evaluated by itself.

Each rule's part is generated from its checked tree by the same generator as its ``evaluate``,
with names of its own (a counter starting at a rule's own offset) and the answers, ages,
counts and shared aggregates of the screening in common. Its items and slots come out in the
same order as its own function's, so its ``Evaluation`` is explained by the rule's own
explainer and reads exactly as ``evaluate``'s (``tests/eligibility/test_screening.py``).
"""

from __future__ import annotations

from datetime import date
from itertools import count

from .codegen import Generator, build
from .rules import CompiledRule, Evaluation, evaluation_names

_serial = count(1)
# A rule's names start at its own multiple of this (no rule comes near a million names).
NAMES_PER_RULE = 1_000_000


class CompiledScreening:
    """The rules of one screening in one function; see the module docstring.

    ``screen(answers, as_of, language="en", explain_keys=False)`` gives, in the rules' order,
    each rule's ``Evaluation`` (equal to ``rule.evaluate(answers, as_of=…, language=…,
    explain_keys=…)``) or, for a rule whose evaluation raised, the exception it raised.
    """

    def __init__(self, rules: list[CompiledRule]) -> None:
        self.rules = list(rules)
        self.source, namespace = screening_source(self.rules)
        self._function = build(
            self.source, namespace, "_screen", f"<eligibility-screening-{next(_serial)}>"
        )

    def screen(
        self, answers: dict, as_of: date | str, language: str = "en", explain_keys: bool = False
    ) -> list[Evaluation | Exception]:
        try:
            return self._function(answers, as_of, language, explain_keys)
        except Exception:
            # The answers every rule reads are loaded once, before any rule's own ``try``: a
            # value that cannot be read there (a date answer that is no date) would fail
            # every rule. Evaluated one by one, only the rules reading it fail.
            return [
                self._alone(rule, answers, as_of, language, explain_keys) for rule in self.rules
            ]

    @staticmethod
    def _alone(rule: CompiledRule, answers, as_of, language, explain_keys):
        try:
            return rule.evaluate(answers, as_of, language, explain_keys)
        except Exception as error:
            return error


def compile_screening(rules: list[CompiledRule]) -> CompiledScreening:
    """One function screening answers against every rule of ``rules`` (compiled rules)."""
    return CompiledScreening(rules)


def screening_source(rules: list[CompiledRule]) -> tuple[str, dict[str, object]]:
    """The source of ``_screen`` and the namespace it runs in."""
    common = Generator()  # the answers, ages, counts and aggregates every rule reads
    common.shared_locals = {}
    namespace = dict(common.namespace)
    sections: list[str] = []
    for index, rule in enumerate(rules):
        generator = Generator()
        generator.counter = (index + 1) * NAMES_PER_RULE
        generator.answer_vars = common.answer_vars
        generator.answer_questions = common.answer_questions
        generator.date_values = common.date_values
        generator.hoisted_vars = common.hoisted_vars
        generator.shared_locals = common.shared_locals
        truth, deciders = generator.decide(rule.root)
        explainer = rule._explainer
        if len(generator.items) != len(explainer.items):
            raise AssertionError("a rule compiled again must give the same explanation items")
        name = f"_explainer{index}"
        namespace.update(generator.namespace)
        namespace[name] = explainer
        common.functions.extend(generator.functions)
        common.uses_ages = common.uses_ages or generator.uses_ages
        lines = [
            *generator.rule_setup(),
            *generator.lines,
            f"    S = ({generator.slots_tuple()})",
            *generator.evaluation_lines(truth, deciders, name),
            f"    r{index} = e",
        ]
        sections.extend(["    try:", *("    " + line for line in lines)])
        sections.extend(["    except Exception as error:", f"        r{index} = error"])
    head = [
        "def _screen(A, as_of, language, explain_keys):",
        "    if as_of.__class__ is not _date: as_of = _as_date(as_of)",
        "    if language not in _LANGUAGES: language = _language(language)",
        *common.answer_loads(),
    ]
    if common.shared_locals:
        head.append(f"    {' = '.join(common.shared_locals.values())} = _MISS")
    results = "".join(f"r{index}, " for index in range(len(rules)))
    body = "\n".join([*head, *sections, f"    return [{results}]"])
    namespace.update(evaluation_names())
    return "\n\n".join([*common.functions, body]) + "\n", namespace
