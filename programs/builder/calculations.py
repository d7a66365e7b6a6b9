"""A comparison with a calculation on one side (or both), as rows: the condition row says
"a calculation" for that side and the calculation's rows, the same rows as a named value's
(`values.py`), are indented under it, the left side's first. "Twelve times the monthly
income is below the limit" is then rows, not JSON kept as written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .operands import (
    COMPARE_OPS,
    COMPUTED_SIZE,
    RowProblem,
    left_fields,
    left_node,
    reason_fields,
    reason_node,
    right_fields,
    right_node,
    table_fields_computed_size,
)
from .row_base import children_of
from .values import (
    OPERANDS,
    OPERATORS,
    append_expression,
    computed_size,
    expression_node,
    holds,
    operator_of,
)

COMPUTED = "computed"
EXPRESSION_KINDS = (*OPERATORS, *OPERANDS)
CALCULATION_OPS = tuple(op for op in COMPARE_OPS if op != "between")


def has_calculation(row: dict) -> bool:
    return row.get("left") == COMPUTED or row.get("right") == COMPUTED or _sized(row)


def _sized(row: dict) -> bool:
    """Whether the row's table limit has a calculated household size."""
    return row.get("right") == "table" and row.get("table_size") == COMPUTED_SIZE


def holds_rows(row: dict) -> bool:
    """Whether rows may be indented under this one as a calculation's."""
    if row.get("kind") in ("condition", "", None):
        return has_calculation(row)
    return holds(row)


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
    sized = computed_size(args[1])
    if not (any(computed) or sized):
        raise LookupError("no calculation")
    fields = {"op": op, **reason_fields(node.get("reason"))}
    fields.update({"left": COMPUTED} if computed[0] else left_fields(args[0]))
    if computed[1]:
        fields["right"] = COMPUTED
    else:
        fields.update(table_fields_computed_size(args[1]) if sized else right_fields(args[1]))
    rows = [new_row("condition", depth, fields)]
    for side, is_computed in zip(args, computed, strict=True):
        if is_computed:
            append_expression(side, depth + 1, rows, types)
    if sized:
        append_expression(args[1]["household_size"], depth + 1, rows, types)
    return rows


def calculation_node(rows, index, path, types, errors, paths) -> dict:
    """The JSON of a condition row with a calculated side; RowProblem names the field."""
    row = rows[index]
    op = row.get("op") or "eq"
    if op not in CALCULATION_OPS:
        raise RowProblem("op", _("Compare a calculation with is, is not, is below or is above."))
    sides = [row.get("left") == COMPUTED, row.get("right") == COMPUTED]
    children = children_of(rows, index)
    needed = sum(sides) + _sized(row)
    if len(children) != needed:
        field = "left" if sides[0] else "right" if sides[1] else "table_size"
        message = (
            _("Indent one row under this one: the calculation.")
            if needed == 1
            else _(
                "Indent a row under this one for each calculation: the left side's first, "
                "then the right side's or the household size's."
            )
        )
        raise RowProblem(field, message)
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
    if _sized(row) and not sides[1]:
        size_path = f"{path}.{op}[1].household_size"
        right["household_size"] = expression_node(
            rows, next(under), size_path, types, errors, paths
        )
    node = {op: [left, right]}
    reason = reason_node(row)
    if reason:
        node["reason"] = reason
    return node
