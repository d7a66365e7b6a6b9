"""Values one screening computes once for every program: household aggregates.

Screening checks one resident's answers against every published program. Programs often ask
the same question of the household ("the combined income of the adults", "the children under
18"), and an aggregate loops over every member each time. In the function that screens every
rule at once (``screening.py``) each distinct aggregate is a local of its own, computed by the
first rule that needs it and read by the others (``MISSING`` until then: an aggregate inside an
``any`` branch that never ran is not computed at all).

Two aggregates share a local only when their keys (``shared_key``) are equal: a key is written
from everything the value depends on besides the answers and the date, namely its function,
collection, field, filter and the types of the questions it reads. Equal keys mean equal values;
rules that differ anywhere get different keys and compute their own.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from fractions import Fraction

from .questions import QuestionInfo

MISSING = object()  # "not computed yet": None is a value (an unknown aggregate)

# Attributes that never change a value: where a node is in its rule, and what it is called.
_NOT_VALUE = frozenset({"path", "label", "reason"})
# Attributes that never change how a computed value is written once its values are known: the
# period a table limit comes from (its amount is one of the values).
_NOT_TEXT = frozenset({"path", "reason", "limit", "dated"})
_PLAIN = (str, int, float, bool, Fraction, date)


def shared_key(node: object) -> str:
    """A key for ``node``'s value that is equal for two nodes only when they compute the same
    value from the same answers on the same date."""
    return repr(_structure(node, _NOT_VALUE))


def text_key(node: object, language: str) -> str:
    """A key for how a computed operand is explained in ``language``, given its values: equal
    for two operands only when they are written alike (labels included)."""
    return repr((language, _structure(node, _NOT_TEXT)))


def _structure(value: object, skip: frozenset[str]) -> object:
    if isinstance(value, QuestionInfo):
        if skip is _NOT_TEXT:
            return ("question", repr(value))  # every label and option text
        # The type decides how a blank answer is read; labels never change a value.
        members = tuple(sorted((value.member_fields or {}).items()))
        return ("question", value.key, value.type, members)
    if is_dataclass(value) and not isinstance(value, type):
        parts = tuple(
            (item.name, _structure(getattr(value, item.name), skip))
            for item in fields(value)
            if item.name not in skip
        )
        return (type(value).__name__, parts)
    if isinstance(value, dict):
        return ("dict", tuple((key, _structure(item, skip)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_structure(item, skip) for item in value)
    if value is None or isinstance(value, _PLAIN):
        return (type(value).__name__, repr(value))  # 1, 1.0 and True stay apart
    # Anything else (a table, its periods) is itself: shared only by rules holding that very
    # object, which lives as long as they do.
    return ("object", id(value))
