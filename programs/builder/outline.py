"""Editing the outline of rows without JavaScript: each button posts `action=<verb>:<row>`
and the page comes back with the rows changed (nothing is saved until "Save")."""

from __future__ import annotations

from .calculations import holds_rows
from .rows import GROUPS, blank_row, depth_of
from .values import blank_value_row, holds

MOVES = ("up", "down", "indent", "outdent", "remove")
# add_operand / add_calculation: a row of a calculation under a condition compared with it.
VERBS = (*MOVES, "add_condition", "add_group", "add_operand", "add_calculation")
# The named values' rows have buttons of their own, prefixed: `value_indent:3`.
VALUE_VERBS = (*MOVES, "add_value", "add_operand", "add_calculation")
VALUE_PREFIX = "value_"


def parse_action(value: str, verbs=VERBS) -> tuple[str, int | None] | None:
    """`("indent", 3)` from `"indent:3"`; `("add_condition", None)` appends at the end."""
    verb, _, index = (value or "").partition(":")
    if verb not in verbs:
        return None
    if not index:
        return verb, None
    try:
        return verb, int(index)
    except ValueError:
        return None


def block_end(rows: list[dict], index: int) -> int:
    """One past the last row of `index`'s block (the row and the rows indented under it)."""
    depth = depth_of(rows[index])
    end = index + 1
    while end < len(rows) and depth_of(rows[end]) > depth:
        end += 1
    return end


def _previous_sibling(rows: list[dict], index: int) -> int | None:
    depth = depth_of(rows[index])
    for other in range(index - 1, -1, -1):
        if depth_of(rows[other]) < depth:
            return None
        if depth_of(rows[other]) == depth:
            return other
    return None


def _shift(rows: list[dict], index: int, by: int) -> list[dict]:
    end = block_end(rows, index)
    moved = [{**row, "depth": max(0, depth_of(row) + by)} for row in rows[index:end]]
    return rows[:index] + moved + rows[end:]


def parse_value_action(value: str) -> tuple[str, int | None] | None:
    if not (value or "").startswith(VALUE_PREFIX):
        return None
    return parse_action(value.removeprefix(VALUE_PREFIX), VALUE_VERBS)


def apply_value_action(rows: list[dict], verb: str, index: int | None) -> list[dict]:
    """The named values' rows after one button press (see `values.py`)."""
    rows = [dict(row) for row in rows]
    if verb == "add_value":
        return [*rows, blank_value_row("value_name", 0), blank_value_row("answer", 1)]
    if verb in ("add_operand", "add_calculation"):
        kind = "add" if verb == "add_calculation" else "answer"
        if index is None:  # at the end: the first row of an expression, or one more under it
            return [*rows, blank_value_row(kind, 1 if rows else 0)]
        if not 0 <= index < len(rows):
            return rows
        holder = holds(rows[index])
        depth = depth_of(rows[index]) + (1 if holder else 0)
        at = index + 1 if holder else block_end(rows, index)
        return [*rows[:at], blank_value_row(kind, depth), *rows[at:]]
    return apply_action(rows, verb, index)


def apply_action(rows: list[dict], verb: str, index: int | None) -> list[dict]:
    """The rows after one button press; an index out of range changes nothing."""
    rows = [dict(row) for row in rows]
    if index is None:
        depth = 1 if rows else 0
        kind = "all" if verb == "add_group" else "condition"
        if verb in ("add_condition", "add_group"):
            return [*rows, blank_row(kind, depth)]
        return rows
    if not 0 <= index < len(rows):
        return rows
    end = block_end(rows, index)
    if verb == "remove":
        return rows[:index] + rows[end:]
    if verb in ("add_operand", "add_calculation"):
        holder = holds_rows(rows[index])
        depth = depth_of(rows[index]) + (1 if holder else 0)
        new = blank_row("add" if verb == "add_calculation" else "answer", depth)
        at = index + 1 if holder else end
        return [*rows[:at], new, *rows[at:]]
    if verb in ("add_condition", "add_group"):
        holder = rows[index]["kind"] in GROUPS
        depth = depth_of(rows[index]) + (1 if holder else 0)
        new = blank_row("all" if verb == "add_group" else "condition", depth)
        at = index + 1 if holder else end
        return [*rows[:at], new, *rows[at:]]
    if verb == "indent":
        return _shift(rows, index, 1)
    if verb == "outdent":
        return _shift(rows, index, -1) if depth_of(rows[index]) > 0 else rows
    if verb == "up":
        before = _previous_sibling(rows, index)
        if before is None:
            return rows
        return rows[:before] + rows[index:end] + rows[before:index] + rows[end:]
    if verb == "down" and end < len(rows) and depth_of(rows[end]) == depth_of(rows[index]):
        after = block_end(rows, end)
        return rows[:index] + rows[end:after] + rows[index:end] + rows[after:]
    return rows
