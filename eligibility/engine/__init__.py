"""CiviPortal's eligibility rules engine: plain data in, explained results out.

No Django and no database: rules are JSON, answers are a ``dict``, tables are JSON files in
``tables/``. See docs/eligibility-rules.md for the rule language.
"""

from .analysis import RuleError, RuleValidationError, validate_rule
from .estimates import CompiledEstimate, EstimatedValue, compile_estimate
from .examples import ExampleFailure, check_examples
from .questions import QUESTION_TYPES, QuestionInfo
from .rules import CompiledRule, Evaluation, compile_rule
from .tables import Table, TableError, TableSet, load_tables

__all__ = [
    "QUESTION_TYPES",
    "CompiledEstimate",
    "CompiledRule",
    "EstimatedValue",
    "Evaluation",
    "ExampleFailure",
    "QuestionInfo",
    "RuleError",
    "RuleValidationError",
    "Table",
    "TableError",
    "TableSet",
    "check_examples",
    "compile_estimate",
    "compile_rule",
    "load_tables",
    "validate_rule",
]
