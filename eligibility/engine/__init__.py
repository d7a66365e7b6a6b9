"""CiviPortal's eligibility rules engine: plain data in, explained results out.

No Django and no database: rules are JSON, answers are a ``dict``, tables are dated periods in
a ``TableSet`` (the seed document in ``tables/``, or the database on the Django side).
See docs/eligibility-rules.md for the rule language.
"""

from .analysis import RuleError, RuleValidationError, validate_rule
from .estimates import CompiledEstimate, EstimatedValue, compile_estimate
from .examples import ExampleFailure, check_examples
from .questions import QUESTION_TYPES, QuestionInfo
from .rules import CompiledRule, Evaluation, compile_rule
from .screening import CompiledScreening, compile_screening
from .table_documents import TableDocumentInvalid, table_document_errors, tables_from_document
from .tables import NoPeriodInEffect, Table, TableError, TableSet, load_tables

__all__ = [
    "QUESTION_TYPES",
    "CompiledEstimate",
    "CompiledRule",
    "CompiledScreening",
    "EstimatedValue",
    "Evaluation",
    "ExampleFailure",
    "NoPeriodInEffect",
    "QuestionInfo",
    "RuleError",
    "RuleValidationError",
    "Table",
    "TableDocumentInvalid",
    "TableError",
    "TableSet",
    "check_examples",
    "compile_estimate",
    "compile_rule",
    "compile_screening",
    "load_tables",
    "table_document_errors",
    "tables_from_document",
    "validate_rule",
]
