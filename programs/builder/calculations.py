"""A comparison with a calculation on one side (or both), as rows: the condition row says
"a calculation" for that side and the calculation's rows, the same rows as a named value's
(`values.py`), are indented under it, the left side's first. "Twelve times the monthly
income is below the limit" is then rows, not JSON kept as written.
"""

from __future__ import annotations

from .operands import (
    COMPARE_OPS,
    RowProblem,
    left_fields,
    left_node,
    reason_fields,
    reason_node,
    right_fields,
    right_node,
)
from .row_base import children_of
from .values import OPERANDS, OPERATORS, append_expression, expression_node, operator_of

COMPUTED = "computed"
EXPRESSION_KINDS = (*OPERATORS, *OPERANDS)
CALCULATION_OPS = tuple(op for op in COMPARE_OPS if op != "between")


def has_calculation(row: dict) -> bool:
    return row.get("left") == COMPUTED or row.get("right") == COMPUTED


def holds_rows(row: dict) -> bool:
    """Whether rows may be indented under this one as a calculation's."""
    return row.get("kind") in OPERATORS or (
        row.get("kind") in ("condition", "", None) and has_calculation(row)
    )


def calculation_rows(node, depth: int, types: dict, new_row) -> list[dict]:
    """The condition row and its calculations' rows (LookupError when no side is a
    calculation, or the comparison is not one rows can hold)."""
    ops = [key for key in node if key != "reason"] if isinstance(node, dict) else []
    if len(ops) != 1 or ops[0] not in CALCULATION_OPS:
        raise LookupError("not a comparison")
    op, args = ops[0], node[ops[0]]
    if not (isinstance(args, list) and len(args) == 2):
        raise LookupError("not two sides")
    computed = [operator_of(side) is not None for side in args]
    if not any(computed):
        raise LookupError("no calculation")
    fields = {"op": op, **reason_fields(node.get("reason"))}
    fields.update({"left": COMPUTED} if computed[0] else left_fields(args[0]))
    fields.update({"right": COMPUTED} if computed[1] else right_fields(args[1]))
    rows = [new_row("condition", depth, fields)]
    for side, is_computed in zip(args, computed, strict=True):
        if is_computed:
            append_expression(side, depth + 1, rows, types)
    return rows


def calculation_node(rows, index, path, types, errors, paths) -> dict:
    """The JSON of a condition row with a calculated side; RowProblem names the field."""
    row = rows[index]
    op = row.get("op") or "eq"
    if op not in CALCULATION_OPS:
        raise RowProblem("op", "Compare a calculation with is, is not, is below or is above.")
    sides = [row.get("left") == COMPUTED, row.get("right") == COMPUTED]
    children = children_of(rows, index)
    if len(children) != sum(sides):
        wanted = "two rows (the left side's first)" if all(sides) else "one row"
        field = "left" if sides[0] else "right"
        raise RowProblem(field, f"Indent {wanted} under this one: the calculation.")
    under = iter(children)
    left = (
        expression_node(rows, next(under), f"{path}.{op}[0]", types, errors, paths)
        if sides[0]
        else left_node(row, types)
    )
    right = (
        expression_node(rows, next(under), f"{path}.{op}[1]", types, errors, paths)
        if sides[1]
        else right_node(row, types)
    )
    node = {op: [left, right]}
    reason = reason_node(row)
    if reason:
        node["reason"] = reason
    return node
