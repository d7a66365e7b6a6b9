"""Benchmark the eligibility engine against rule-engine, json-logic and hand-written Python.

    python bench/bench_engine.py [--applicants N] [--programs N] [--sample N] [--rounds N]
                                 [--seed N] [--no-arithmetic] [--quick]

Workload: generated programs of ~10 conditions (comparisons, poverty-guideline and median-income
table limits, household aggregates, nested all/any/not) and generated applicants (seeded, about
one in five with some answers left blank). By default (issue 16) about one condition in twelve
compares a named value, ``net_income`` (income minus a quarter of it, the rent up to a cap and
the SNAP standard deduction read from its federal-fiscal-year period), with a table limit, and
table limits ask for a period by date: the period in effect on the screening date, at the last
1 April or 1 October, or a pinned year. ``--no-arithmetic`` generates the earlier workload
(year pins, no computed operands, screening date 2025-06-01). Every engine gets the same
rules, translated from the engine's JSON by the translators below, and the same answer dicts.

* "engine": with explanations (every result's reasons, and missing keys), in English,
  screening as ``eligibility.services.screen`` does: each applicant against every program in
  one call of the function that ``compile_screening`` generates for all 50 rules (answers,
  ages and household aggregates read once per applicant, see
  ``eligibility/engine/screening.py``), then each program's reasons read. Its time per
  evaluation is the applicant's time divided by the number of programs. Compiling that
  function is done once, before timing, and reported.
* "engine, each program alone": ``CompiledRule.evaluate`` per program with its reasons read,
  every rule reading its own answers and computing its own aggregates.
* "hand-written": generated Python in the plain style a developer would write for one program:
  read the answers, return "unknown" if any is blank, then one boolean expression. It produces
  no explanation, so it is the practical speed limit.
* "rule-engine" (PyPI rule-engine) and "json-logic" (PyPI panzi-json-logic): each rule is
  translated once (and for rule-engine parsed once into a ``Rule``), then interpreted per
  applicant.

Measurement: the machine is shared and noisy, so the engines are interleaved. In each of
``--rounds`` rounds every engine runs over the same slice (the first ``--sample`` applicants,
all programs), starting from a different engine each round; the table and the ratios use each
engine's best (minimum) round, with the median alongside to show the spread. The two compiled
engines also run over all ``--applicants`` applicants each round (the whole-workload rate and
the per-applicant time). The garbage collector is paused while an engine is timed, for all
engines alike. The engine's date and age memos (see ``eligibility/engine/values.py``) are
emptied before each of its passes, so no pass reuses dates parsed in an earlier one. The output
starts with the machine (cores, CPU model, load average).

Whole-year age has no built-in in either library, so both get a one-line ``age`` helper (a
json-logic custom operation, a rule-engine ``$age`` builtin). Table limits are precomputed with
the engine's own exact arithmetic into a list indexed by household size (see ``limit_list``),
from the period the engine reads on the screening date; named values are written out in place
(``inline_named``): neither library has either.

All engines must agree on every applicant whose answers are complete; the script exits with an
error otherwise.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rule_engine
from json_logic import jsonLogic
from json_logic.builtins import BUILTINS
from rule_engine import builtins as rule_engine_builtins

from bench.common import cpu_model
from eligibility.engine import QuestionInfo, compile_rule, compile_screening, load_tables
from eligibility.engine.tables import PERIODS, TableLimit, last_anniversary
from eligibility.engine.values import age_on, clear_memos

# The screening date: the earlier workload's, or (with arithmetic) one where the switch dates
# pick different periods (the last 1 October reads the 2025 guidelines, the last 1 April 2026's).
AS_OF = date(2026, 6, 1)
EARLIER_AS_OF = date(2025, 6, 1)
MAX_TABLE_SIZE = 20  # generated households have at most 8 people; limits go to 20
STATES = ["WA", "OR", "ID", "CA"]
BENEFITS = ["SNAP", "TANF", "SSI", "WIC"]
RELATIONSHIPS = ["self", "spouse", "child", "parent", "other"]

# Computed operands in the workload (``--no-arithmetic`` generates the earlier workload).
ARITHMETIC = True

ENGINE = "engine (with explanations)"
ENGINE_ALONE = "engine, each program alone"
HAND = "hand-written Python"
JSON_LOGIC = "json-logic"
RULE_ENGINE = "rule-engine"

QUESTIONS = {
    q.key: q
    for q in [
        QuestionInfo("income_monthly", "currency", {"en": "Your household's monthly income"}),
        QuestionInfo("household_size", "number", {"en": "Your household size"}),
        QuestionInfo("birth_date", "date", {"en": "Your date of birth"}),
        QuestionInfo("state", "single_choice", {"en": "Your state"}, options=STATES),
        QuestionInfo("veteran", "yes_no", {"en": "Whether you are a veteran"}),
        QuestionInfo("disabled", "yes_no", {"en": "Whether you have a disability"}),
        QuestionInfo("rent", "currency", {"en": "Your monthly rent"}),
        QuestionInfo("utility_bill", "currency", {"en": "Your monthly utility bill"}),
        QuestionInfo("benefits", "multiple_choice", {"en": "Benefits you get"}, options=BENEFITS),
        QuestionInfo(
            "members",
            "household_members",
            {"en": "Your household"},
            member_fields={
                "name": "name",
                "birth_date": "date",
                "relationship": "single_choice",
                "income_monthly": "currency",
            },
        ),
    ]
}
TABLES = load_tables()


# -- generated programs ----------------------------------------------------------------------


def table_operand(rng: random.Random) -> dict:
    table_id, year = rng.choice(
        [("hhs_poverty_guidelines", 2025), ("hhs_poverty_guidelines", 2026)] * 3
        + [("wa_state_median_income", 2024)]
    )
    size = rng.choice([{"answer": "household_size"}, {"count": "members"}])
    return {
        "table": table_id,
        "household_size": size,
        "percent": rng.choice([100, 130, 138, 150, 185, 200, 250]),
        "period": "monthly",
        "rounding": rng.choice(["up_dollar", "down_dollar", "nearest_dollar", "cent"]),
        **(period_choice(rng, year) if ARITHMETIC else {"year": year}),
    }


def period_choice(rng: random.Random, year: int) -> dict:
    """How a dated lookup picks its period: on the screening date (the default), at a switch
    date, or pinned to a year."""
    return rng.choice(
        [
            {},
            {"in_effect_on": {"last": "04-01"}},
            {"in_effect_on": {"last": "10-01"}},
            {"year": year},
        ]
    )


def net_income(rng: random.Random) -> dict:
    """A named value in the shape of a net-income test: income minus a quarter of it, the rent
    up to a cap and the SNAP standard deduction of the federal fiscal year, never below zero.
    A quarter (not SNAP's 20%) keeps the float arithmetic of the interpreted engines exact, so
    all engines can be checked to agree."""
    income = {"answer": "income_monthly"}
    cap = {"dollars": rng.choice([600, 744, 900])}
    standard = {
        "table": "usda_snap_standard_deduction",
        "in_effect_on": {"last": "10-01"},
        "household_size": {"answer": "household_size"},
        "percent": 100,
        "period": "monthly",
        "rounding": "cent",
    }
    deductions = {
        "add": [{"percent": 25, "of": income}, {"min": [{"answer": "rent"}, cap]}, standard]
    }
    return {
        "max": [{"sub": [income, deductions]}, {"dollars": 0}],
        "label": {"en": "Your net income"},
    }


def leaf(rng: random.Random) -> dict:
    choice = rng.randrange(12 if ARITHMETIC else 11)
    if choice == 11:
        return {rng.choice(["lte", "lt"]): [{"named": "net_income"}, table_operand(rng)]}
    if choice <= 1:
        op = rng.choice(["lte", "lt"])
        return {op: [{"answer": "income_monthly"}, table_operand(rng)]}
    if choice == 2:
        return {
            rng.choice(["gte", "lt"]): [{"age": "birth_date"}, {"value": rng.choice([18, 60, 65])}]
        }
    if choice == 3:
        return {rng.choice(["in", "not_in"]): [{"answer": "state"}, rng.sample(STATES, 2)]}
    if choice == 4:
        return {
            "eq": [{"answer": rng.choice(["veteran", "disabled"])}, {"value": rng.random() < 0.5}]
        }
    if choice == 5:
        where = {"in": [{"member": "relationship"}, rng.sample(RELATIONSHIPS, 2)]}
        total = {"sum": "members", "field": "income_monthly", "where": where}
        return {"lte": [total, {"dollars": rng.randrange(1000, 6000)}]}
    if choice == 6:
        where = {"lt": [{"member_age": "birth_date"}, {"value": 18}]}
        return {"gte": [{"count": "members", "where": where}, {"value": rng.randrange(1, 3)}]}
    if choice == 7:
        answer = rng.choice(["rent", "utility_bill"])
        return {
            rng.choice(["gte", "gt"]): [{"answer": answer}, {"dollars": rng.randrange(50, 900)}]
        }
    if choice == 8:
        return {"in": [{"answer": "benefits"}, rng.sample(BENEFITS, 2)]}
    if choice == 9:
        low = rng.randrange(18, 50)
        return {"between": [{"age": "birth_date"}, {"value": low}, {"value": low + 30}]}
    return {"lte": [{"answer": "household_size"}, {"value": rng.randrange(2, 8)}]}


def program(rng: random.Random, conditions: int = 10) -> dict:
    """An ``all`` of about ``conditions`` leaves, with nested any/all/not groups, and the named
    value its net-income conditions use."""
    definition = net_income(rng) if ARITHMETIC else None
    parts: list[dict] = []
    remaining = conditions
    while remaining > 0:
        kind = rng.random()
        if kind < 0.55 or remaining < 3:
            parts.append(leaf(rng))
            remaining -= 1
        elif kind < 0.8:
            parts.append({"any": [leaf(rng) for _ in range(3)]})
            remaining -= 3
        elif kind < 0.9:
            parts.append({"any": [{"all": [leaf(rng), leaf(rng)]}, leaf(rng)]})
            remaining -= 3
        else:
            parts.append({"not": leaf(rng)})
            remaining -= 1
    if definition is not None and '"named"' in json.dumps(parts):
        return {"values": {"net_income": definition}, "all": parts}
    return {"all": parts}


def inline_named(node, values: dict | None = None):
    """The rule with each named value written out where it is used, for the translators."""
    if isinstance(node, dict):
        if values is None and "values" in node:
            values = node["values"]
            node = {key: value for key, value in node.items() if key != "values"}
        if "named" in node:
            return inline_named(values[node["named"]], values)
        return {key: inline_named(value, values) for key, value in node.items() if key != "label"}
    if isinstance(node, list):
        return [inline_named(item, values) for item in node]
    return node


def applicant(rng: random.Random) -> dict:
    def birth(young: bool) -> str:
        year = rng.randrange(2008, 2024) if young else rng.randrange(1935, 2006)
        return date(year, rng.randrange(1, 13), rng.randrange(1, 29)).isoformat()

    members = [
        {
            "name": "Applicant",
            "birth_date": birth(False),
            "relationship": "self",
            "income_monthly": rng.randrange(0, 500000),
        }
    ]
    for _ in range(rng.randrange(0, 6)):
        young = rng.random() < 0.5
        members.append(
            {
                "name": "Member",
                "birth_date": birth(young),
                "relationship": "child" if young else rng.choice(RELATIONSHIPS[1:]),
                "income_monthly": 0 if young else rng.randrange(0, 300000),
            }
        )
    answers = {
        "income_monthly": sum(m["income_monthly"] for m in members),
        "household_size": len(members) + rng.choice([0, 0, 0, 1]),
        "birth_date": members[0]["birth_date"],
        "state": rng.choice(STATES),
        "veteran": rng.random() < 0.2,
        "disabled": rng.random() < 0.2,
        "rent": rng.randrange(0, 300000),
        "utility_bill": rng.randrange(0, 60000),
        "benefits": rng.sample(BENEFITS, rng.randrange(1, 3)),
        "members": members,
    }
    if rng.random() < 0.2:  # a partly filled form
        # Unanswered is None or "": an empty list is an answer ("none of these", nobody else).
        for key in rng.sample(sorted(answers), rng.randrange(1, 4)):
            answers[key] = rng.choice([None, ""])
    return answers


def complete(answers: dict) -> bool:
    return all(answers.get(key) not in (None, "", []) for key in QUESTIONS)


# -- translations ----------------------------------------------------------------------------


def limit_list(node: dict) -> list[int]:
    """The table operand as data: limits in cents indexed by household size (index 0 unused).

    Both libraries can index a list but have no exact percent/period/rounding arithmetic, so the
    limits are precomputed once per rule with the engine's own exact arithmetic.
    """
    if "year" in node:
        table = TABLES.get(node["table"], node["year"])
    else:  # the period the engine reads on the screening date
        on = AS_OF
        if "in_effect_on" in node:
            month, day = (int(part) for part in node["in_effect_on"]["last"].split("-"))
            on = last_anniversary(AS_OF, month, day)
        table = TABLES.in_effect(node["table"], on)
    limit = TableLimit(
        table,
        percent=node["percent"],
        period=node.get("period", PERIODS[0]),
        rounding=node.get("rounding", "cent"),
    )
    return [0] + [limit(size) for size in range(1, MAX_TABLE_SIZE + 1)]


PY_OPS = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


class HandWritten:
    """Plain Python for one program, as a developer would write it by hand."""

    def __init__(self, rule: dict, name: str) -> None:
        self.constants: dict[str, object] = {}
        self.keys: set[str] = set()
        expression = self.condition(rule, "a")
        keys = ", ".join(repr(k) for k in sorted(self.keys))
        self.source = (
            f"def {name}(a, as_of):\n"
            f"    for key in ({keys},):\n"
            f"        if a.get(key) in (None, '', []):\n"
            f"            return 'unknown'\n"
            f"    if {expression}:\n"
            f"        return 'eligible'\n"
            f"    return 'ineligible'\n"
        )
        namespace = {"age": lambda iso, as_of: age_on(date.fromisoformat(iso), as_of)}
        namespace.update(self.constants)
        exec(compile(self.source, f"<{name}>", "exec"), namespace)  # noqa: S102
        self.function = namespace[name]

    def condition(self, node: dict, scope: str) -> str:
        ((op, args),) = node.items()
        if op in ("all", "any"):
            joiner = " and " if op == "all" else " or "
            return "(" + joiner.join(self.condition(c, scope) for c in args) + ")"
        if op == "not":
            return f"(not {self.condition(args, scope)})"
        if op in PY_OPS:
            left, right = (self.operand(a, scope) for a in args)
            return f"{left} {PY_OPS[op]} {right}"
        if op == "between":
            value, low, high = (self.operand(a, scope) for a in args)
            return f"{low} <= {value} <= {high}"
        value = self.operand(args[0], scope)
        choices = repr(set(args[1]))
        if args[0].get("answer") == "benefits":
            test = f"any(b in {choices} for b in {value})"
        else:
            test = f"{value} in {choices}"
        return test if op == "in" else f"not {test}"

    def operand(self, node: dict, scope: str) -> str:
        if "sub" in node or "add" in node:
            op = "sub" if "sub" in node else "add"
            joiner = " - " if op == "sub" else " + "
            return "(" + joiner.join(self.operand(a, scope) for a in node[op]) + ")"
        if "min" in node or "max" in node:
            op = "min" if "min" in node else "max"
            return f"{op}({', '.join(self.operand(a, scope) for a in node[op])})"
        if "percent" in node and "of" in node:
            return f"({self.operand(node['of'], scope)} * {node['percent'] / 100!r})"
        if "value" in node:
            return repr(node["value"])
        if "dollars" in node:
            return repr(node["dollars"] * 100)
        if "answer" in node:
            self.keys.add(node["answer"])
            return f"a[{node['answer']!r}]"
        if "age" in node:
            self.keys.add(node["age"])
            return f"age(a[{node['age']!r}], as_of)"
        if "member" in node:
            return f"m[{node['member']!r}]"
        if "member_age" in node:
            return f"age(m[{node['member_age']!r}], as_of)"
        if "count" in node or "sum" in node:
            self.keys.add("members")
            where = f" if {self.condition(node['where'], 'm')}" if "where" in node else ""
            if "count" in node:
                return f"sum(1 for m in a['members']{where})"
            return f"sum(m[{node['field']!r}] for m in a['members']{where})"
        name = f"LIMITS_{len(self.constants)}"
        self.constants[name] = limit_list(node)
        return f"{name}[{self.operand(node['household_size'], scope)}]"


def to_rule_engine(node: dict) -> str:
    ((op, args),) = node.items()
    if op in ("all", "any"):
        joiner = " and " if op == "all" else " or "
        return "(" + joiner.join(to_rule_engine(c) for c in args) + ")"
    if op == "not":
        return f"(not {to_rule_engine(args)})"
    if op in PY_OPS:
        return f"({rule_engine_operand(args[0])} {PY_OPS[op]} {rule_engine_operand(args[1])})"
    if op == "between":
        value, low, high = (rule_engine_operand(a) for a in args)
        return f"({low} <= {value} and {value} <= {high})"
    value, choices = rule_engine_operand(args[0]), repr(list(args[1]))
    if args[0].get("answer") == "benefits":
        test = f"$any([b in {choices} for b in {value}])"
    else:
        test = f"{value} in {choices}"
    return f"({test})" if op == "in" else f"(not {test})"


def rule_engine_operand(node: dict) -> str:
    if "sub" in node or "add" in node:
        op = "sub" if "sub" in node else "add"
        joiner = " - " if op == "sub" else " + "
        return "(" + joiner.join(rule_engine_operand(a) for a in node[op]) + ")"
    if "min" in node or "max" in node:
        op = "min" if "min" in node else "max"
        return f"${op}([{', '.join(rule_engine_operand(a) for a in node[op])}])"
    if "percent" in node and "of" in node:
        return f"({rule_engine_operand(node['of'])} * {node['percent'] / 100!r})"
    if "value" in node:
        value = node["value"]
        return ("true" if value else "false") if isinstance(value, bool) else repr(value)
    if "dollars" in node:
        return repr(node["dollars"] * 100)
    if "answer" in node:
        return node["answer"]
    if "age" in node:
        return f"$age({node['age']})"
    if "member" in node:
        return f"m[{node['member']!r}]"
    if "member_age" in node:
        return f"$age(m[{node['member_age']!r}])"
    if "count" in node or "sum" in node:
        where = f" if {to_rule_engine(node['where'])}" if "where" in node else ""
        if "count" in node:
            return f"[m for m in members{where}].length"
        return f"$sum([m[{node['field']!r}] for m in members{where}])"
    # The limit list is written into the rule text as an array literal indexed by the size.
    return f"{limit_list(node)!r}[{rule_engine_operand(node['household_size'])}]"


def to_json_logic(node: dict, tables: dict[str, list[int]]) -> dict:
    ((op, args),) = node.items()
    ops = {"eq": "===", "ne": "!==", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
    if op in ("all", "any"):
        return {"and" if op == "all" else "or": [to_json_logic(c, tables) for c in args]}
    if op == "not":
        return {"!": to_json_logic(args, tables)}
    if op in ops:
        return {ops[op]: [json_logic_operand(a, tables) for a in args]}
    if op == "between":
        value, low, high = (json_logic_operand(a, tables) for a in args)
        return {"<=": [low, value, high]}
    value = json_logic_operand(args[0], tables)
    if args[0].get("answer") == "benefits":
        test = {"some": [value, {"in": [{"var": ""}, list(args[1])]}]}
    else:
        test = {"in": [value, list(args[1])]}
    return test if op == "in" else {"!": test}


def json_logic_operand(node: dict, tables: dict[str, list[int]]):
    for op, logic in (("sub", "-"), ("add", "+"), ("min", "min"), ("max", "max")):
        if op in node:
            return {logic: [json_logic_operand(a, tables) for a in node[op]]}
    if "percent" in node and "of" in node:
        return {"*": [json_logic_operand(node["of"], tables), node["percent"] / 100]}
    if "value" in node:
        return node["value"]
    if "dollars" in node:
        return node["dollars"] * 100
    if "answer" in node:
        return {"var": node["answer"]}
    if "age" in node:
        return {"age": [{"var": node["age"]}]}
    if "member" in node:
        return {"var": node["member"]}
    if "member_age" in node:
        return {"age": [{"var": node["member_age"]}]}
    if "count" in node or "sum" in node:
        items = {"var": "members"}
        if "where" in node:
            items = {"filter": [items, to_json_logic(node["where"], tables)]}
        step = 1 if "count" in node else {"var": f"current.{node['field']}"}
        return {"reduce": [items, {"+": [{"var": "accumulator"}, step]}, 0]}
    # The limit list goes into the data under "tables"; var indexes it by the computed size.
    name = f"t{len(tables)}"
    tables[name] = limit_list(node)
    size = json_logic_operand(node["household_size"], tables)
    return {"var": {"cat": [f"tables.{name}.", size]}}


# -- running ---------------------------------------------------------------------------------


def timed(function, applicants, programs) -> tuple[float, list[list[str]]]:
    """One timed pass of ``function`` over every applicant and program: (seconds, outcomes).

    The collector is paused while timing (as ``timeit`` does) so a collection triggered by one
    engine's garbage is not billed to whichever engine happens to run next.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        outcomes = [[function(p, answers) for p in programs] for answers in applicants]
        seconds = time.perf_counter() - start
    finally:
        gc.enable()
    return seconds, outcomes


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=10_000)
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument(
        "--sample", type=int, default=500, help="applicants in the slice every engine runs on"
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (best is kept)")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument(
        "--no-arithmetic",
        action="store_true",
        help="no computed operands or dated lookups: the workload before issue 16",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short run, same comparisons: 2,000 applicants, 200 in the slice, 3 rounds",
    )
    options = parser.parse_args()
    if options.quick:
        options.applicants, options.sample, options.rounds = 2_000, 200, 3
    global ARITHMETIC, AS_OF
    ARITHMETIC = not options.no_arithmetic
    if not ARITHMETIC:
        AS_OF = EARLIER_AS_OF
    if options.rounds < 1 or options.sample < 1 or options.applicants < options.sample:
        parser.error("need --rounds >= 1 and 1 <= --sample <= --applicants")

    rng = random.Random(options.seed)
    rules = [program(rng) for _ in range(options.programs)]
    applicants = [applicant(rng) for _ in range(options.applicants)]
    sample = applicants[: options.sample]

    compiled = [compile_rule(rule, QUESTIONS, TABLES) for rule in rules]
    plain = [inline_named(rule) for rule in rules]
    hand = [HandWritten(rule, f"program_{i}").function for i, rule in enumerate(plain)]

    context = rule_engine.Context(default_value=None, mapping_attribute_lookup=False)
    context.builtins = rule_engine_builtins.Builtins.from_defaults(
        values={"age": lambda iso: age_on(date.fromisoformat(iso), AS_OF)}
    )
    rule_engine_rules = [rule_engine.Rule(to_rule_engine(rule), context=context) for rule in plain]
    logic_tables: dict[str, list[int]] = {}
    logic_rules = [to_json_logic(rule, logic_tables) for rule in plain]
    logic_ops = {**BUILTINS, "age": lambda data, iso: age_on(date.fromisoformat(iso), AS_OF)}

    # As ``eligibility.services.screen`` does: one call screens an applicant against every
    # program (engine/screening.py), made when the applicant's first program is asked for; the
    # harness then asks for each program's result in turn. Telling a new applicant by identity
    # is part of the measured work.
    started = time.perf_counter()
    screening = compile_screening(compiled)
    compile_ms = (time.perf_counter() - started) * 1000
    screened: list = [None, None]

    def run_engine(index, answers):
        if answers is not screened[0]:
            screened[0], screened[1] = answers, screening.screen(answers, AS_OF)
        result = screened[1][index]
        result.reasons  # noqa: B018 - explanations are part of the measured work
        return result.outcome

    def run_engine_alone(rule, answers):
        result = rule.evaluate(answers, AS_OF)
        result.reasons  # noqa: B018 - explanations are part of the measured work
        return result.outcome

    def run_hand(function, answers):
        return function(answers, AS_OF)

    def run_rule_engine(rule, answers):
        try:
            return "eligible" if rule.matches(answers) else "ineligible"
        except rule_engine.EngineError:
            return "unknown"
        except TypeError:
            return "unknown"

    def run_json_logic(rule, answers):
        try:
            data = {**answers, "tables": logic_tables}
            return "eligible" if jsonLogic(rule, data, logic_ops) else "ineligible"
        except (TypeError, ValueError):
            return "unknown"

    engines = {
        ENGINE: (run_engine, list(range(len(compiled)))),
        ENGINE_ALONE: (run_engine_alone, compiled),
        HAND: (run_hand, hand),
        JSON_LOGIC: (run_json_logic, logic_rules),
        RULE_ENGINE: (run_rule_engine, rule_engine_rules),
    }
    fast = (ENGINE, HAND)
    load_before = load_average()
    # Every round times every engine on the same slice, starting from a different engine each
    # time, so a burst of load from other processes hits all of them alike; the minimum over
    # rounds is the least disturbed run of each. The two compiled engines also run over every
    # applicant each round (the throughput on the whole workload, and the agreement check).
    slice_times: dict[str, list[float]] = {name: [] for name in engines}
    full_times: dict[str, list[float]] = {name: [] for name in fast}
    outcomes: dict[str, list[list[str]]] = {}
    names = list(engines)
    for round_number in range(options.rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            function, programs = engines[name]
            clear_memos()  # the engine starts each pass with no dates or ages remembered
            screened[0] = None
            seconds, result = timed(function, sample, programs)
            slice_times[name].append(seconds)
            if name not in fast:
                outcomes.setdefault(name, result)
        for name in fast if round_number % 2 == 0 else fast[::-1]:
            function, programs = engines[name]
            clear_memos()
            screened[0] = None
            seconds, result = timed(function, applicants, programs)
            full_times[name].append(seconds)
            outcomes.setdefault(name, result)
    load_after = load_average()

    # Agreement on complete applicants (the interpreted engines on the slice only).
    disagreements = 0
    reference = outcomes[ENGINE]
    for name, result in outcomes.items():
        for index, outcome in enumerate(result):
            if complete(applicants[index]) and outcome != reference[index]:
                disagreements += 1
                if disagreements <= 5:
                    print(
                        f"DISAGREE {name} applicant {index}: {outcome} vs {reference[index]}",
                        file=sys.stderr,
                    )
    if disagreements:
        print(f"FAIL: {disagreements} applicant results where engines disagree", file=sys.stderr)
        return 1

    evaluations = len(sample) * len(rules)
    best = {name: min(times) / evaluations for name, times in slice_times.items()}
    median = {name: statistics.median(times) / evaluations for name, times in slice_times.items()}
    complete_count = sum(complete(a) for a in applicants)
    print(
        f"Machine: nproc {os.cpu_count()}, CPU {cpu_model()}, Python {platform.python_version()}, "
        f"load average (1/5/15 min) {load_before} before, {load_after} after"
    )
    print(
        f"Workload: {len(rules)} programs, {len(applicants):,} applicants "
        f"({complete_count:,} complete); {options.rounds} interleaved rounds; every engine on "
        f"the first {len(sample):,} applicants ({evaluations:,} evaluations) each round; "
        f"screening date {AS_OF.isoformat()}; "
        + (
            "a named net income (with a dated SNAP deduction) and dated table lookups"
            if ARITHMETIC
            else "the earlier workload (no computed operands, year pins)"
        )
        + "\n"
    )
    print("| engine | µs per evaluation (best) | median of rounds | evaluations/s (best) |")
    print("|---|---:|---:|---:|")
    for name in names:
        print(
            f"| {name} | {best[name] * 1e6:,.2f} | {median[name] * 1e6:,.2f} "
            f"| {1 / best[name]:,.0f} |"
        )
    all_evaluations = len(applicants) * len(rules)
    full_best = {name: min(times) / all_evaluations for name, times in full_times.items()}
    for name in fast:
        print(
            f"| {name}, all {len(applicants):,} applicants | {full_best[name] * 1e6:,.2f} "
            f"| {statistics.median(full_times[name]) / all_evaluations * 1e6:,.2f} "
            f"| {1 / full_best[name]:,.0f} |"
        )
    interpreted = min(best[JSON_LOGIC], best[RULE_ENGINE])
    fastest_name = JSON_LOGIC if best[JSON_LOGIC] <= best[RULE_ENGINE] else RULE_ENGINE
    ratio_median = min(median[JSON_LOGIC], median[RULE_ENGINE]) / median[ENGINE]
    per_applicant_ms = 1000 * len(rules) * full_best[ENGINE]
    print()
    print("| measure (best of rounds; median of rounds in brackets) | value |")
    print("|---|---:|")
    print(
        f"| engine vs the fastest interpreted engine ({fastest_name}) | "
        f"{interpreted / best[ENGINE]:,.1f}x faster ({ratio_median:,.1f}x) |"
    )
    print(
        f"| engine vs hand-written Python | {best[ENGINE] / best[HAND]:,.2f}x slower "
        f"({median[ENGINE] / median[HAND]:,.2f}x) |"
    )
    print(
        f"| one applicant against all {len(rules)} programs, with explanations | "
        f"{per_applicant_ms:.3f} ms |"
    )
    print(f"| all complete applicants agree across engines | yes ({disagreements} disagreements) |")
    print(
        f"| compiling the screening function of all {len(rules)} programs (once) "
        f"| {compile_ms:.0f} ms |"
    )
    print(
        f"engine_us={best[ENGINE] * 1e6:.2f} "
        f"json_logic/engine={best[JSON_LOGIC] / best[ENGINE]:.2f} "
        f"json_logic/engine_alone={best[JSON_LOGIC] / best[ENGINE_ALONE]:.2f} "
        f"engine/hand={best[ENGINE] / best[HAND]:.2f} applicant_ms={per_applicant_ms:.3f} "
        f"load={load_after.split(' / ')[0]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
