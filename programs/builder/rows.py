"""A rule as an outline of form rows, and back.

The builder shows a rule as a flat list of rows, each with a depth: a group row (all / any /
not) holds the rows indented under it, a condition row is one comparison, and a row *kept as
written* carries JSON the form fields cannot say exactly (arithmetic, a complex `where`),
shown read-only. Reading a rule into rows checks each part turns back into the very same
JSON, and keeps it as written otherwise, so rows -> JSON always gives back the rule it was
read from. The rule's named `values` are kept beside the rows, unchanged.

Engine errors carry JSON paths (`$.any[0].lte[1].percent`); `error_field` turns them back into
the row and form field to mark, because an admin edits rows, not paths.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .calculations import (
    EXPRESSION_KINDS,
    calculation_node,
    calculation_rows,
    has_calculation,
    holds_rows,
)
from .operands import (
    CONDITION_FIELDS,
    REASON_FIELDS,
    SIDE_FIELDS,
    RowProblem,
    condition_fields,
    condition_node,
    reason_fields,
    reason_node,
)
from .row_base import RowError, children_of, depth_of
from .values import value_error_field

GROUPS = ("all", "any", "not")
KINDS = (*GROUPS, "condition", "kept")
# label and rounding: for the rows of a calculation under a condition (`calculations.py`).
ROW_FIELDS = (
    "kind",
    "depth",
    *CONDITION_FIELDS,
    *REASON_FIELDS,
    "label_en",
    "label_es",
    "rounding",
    "json",
)


def blank_row(kind: str = "condition", depth: int = 0) -> dict:
    row = dict.fromkeys(ROW_FIELDS, "")
    row.update(kind=kind, depth=depth)
    if kind == "condition":
        row.update(left="answer", op="eq", right="value")
    return row


def _row(kind: str, depth: int, fields: dict) -> dict:
    row = blank_row(kind, depth)
    row.update(fields)
    return row


def kept_row(node, depth: int) -> dict:
    return _row("kept", depth, {"json": json.dumps(node, ensure_ascii=False, sort_keys=True)})


# -- JSON -> rows -----------------------------------------------------------------------------


def rule_rows(rule, types: dict) -> tuple[list[dict], dict | None]:
    """`(rows, values)` for a stored rule; `types` maps question keys (and
    `key:member_field`) to their types, to read literals back as the same JSON."""
    if not isinstance(rule, dict) or not rule:
        return [], None
    values = rule.get("values")
    body = {key: value for key, value in rule.items() if key != "values"}
    rows: list[dict] = []
    _append(body, 0, rows, types)
    return rows, values


def _append(node, depth: int, rows: list[dict], types: dict) -> None:
    start = len(rows)
    try:
        group = _group_op(node)
        if group:
            rows.append(_row(group, depth, reason_fields(node.get("reason"))))
            children = [node[group]] if group == "not" else node[group]
            for child in children:
                _append(child, depth + 1, rows, types)
        else:
            try:
                rows.append(_row("condition", depth, condition_fields(node)))
            except LookupError:  # perhaps a calculation on one side
                rows.extend(calculation_rows(node, depth, types, _row))
    except (LookupError, TypeError, AttributeError):
        del rows[start:]
        rows.append(kept_row(node, depth))
        return
    rebuilt = [{**row, "depth": int(row["depth"]) - depth} for row in rows[start:]]
    try:
        same = rows_rule(rebuilt, types)[0] == node
    except RowProblem:
        same = False
    if not same:
        del rows[start:]
        rows.append(kept_row(node, depth))


def _group_op(node) -> str | None:
    if not isinstance(node, dict):
        raise LookupError("not an object")
    ops = [key for key in node if key != "reason"]
    if len(ops) == 1 and ops[0] in GROUPS:
        if ops[0] != "not" and not (isinstance(node[ops[0]], list) and node[ops[0]]):
            raise LookupError("an empty group")
        return ops[0]
    return None


# -- rows -> JSON -----------------------------------------------------------------------------


def rows_rule(rows: list[dict], types: dict, values=None):
    """`(rule, errors, paths)`: the JSON for `rows` (with `values` put back), every
    problem found as a `RowError`, and each row's JSON path (for `error_field`)."""
    paths = [""] * len(rows)
    errors: list[RowError] = []
    if not rows:
        return ({"values": values} if values else {}), errors, paths
    for index, row in enumerate(rows[1:], start=1):
        if depth_of(row) == 0:
            message = _(
                "Only one row can be at the top: put these rows in a group (all, any or not)."
            )
            errors.append(RowError(index, None, message))
        elif depth_of(row) > depth_of(rows[index - 1]) + 1:
            errors.append(
                RowError(index, None, _("This row is indented too far: move it out one level."))
            )
        elif (
            depth_of(row) > depth_of(rows[index - 1])
            and rows[index - 1]["kind"] not in GROUPS
            and not holds_rows(rows[index - 1])
        ):
            message = _(
                "Only a group, or a condition compared with a calculation, can hold other "
                "rows: move this row out one level."
            )
            errors.append(RowError(index, None, message))
    if errors:
        return None, errors, paths
    node, _next = _build(rows, 0, "$", types, errors, paths)
    if errors:
        return None, errors, paths
    if values:
        node = {"values": values, **node}
    return node, errors, paths


def _build(rows, index, path, types, errors, paths):
    row = rows[index]
    paths[index] = path
    kind = row.get("kind") or "condition"
    try:
        if kind == "kept":
            return json.loads(row.get("json") or "null"), None
        if kind in EXPRESSION_KINDS:
            message = _("Put this part of a calculation under a condition compared with it.")
            raise RowProblem("kind", message)
        if kind not in GROUPS and has_calculation(row):
            return calculation_node(rows, index, path, types, errors, paths), None
        if kind not in GROUPS:
            return condition_node(row, types), None
        children = children_of(rows, index)
        if not children or (kind == "not" and len(children) != 1):
            message = (
                _("This group needs exactly one row indented under it.")
                if kind == "not"
                else _("This group needs at least one row indented under it.")
            )
            errors.append(RowError(index, None, message))
            return None, None
        here = f"{path}.not" if kind == "not" else None
        built = [
            _build(rows, child, here or f"{path}.{kind}[{n}]", types, errors, paths)[0]
            for n, child in enumerate(children)
        ]
        node = {kind: built[0] if kind == "not" else built}
        reason = reason_node(row)
        if reason:
            node["reason"] = reason
        return node, None
    except RowProblem as problem:
        errors.append(RowError(index, problem.field, problem.message))
    except json.JSONDecodeError:
        errors.append(RowError(index, None, _("This row's stored rule is damaged: remove it.")))
    return None, None


# -- engine errors -> rows --------------------------------------------------------------------


def error_field(
    rows: list[dict], paths: list[str], error_path: str
) -> tuple[int | None, str | None]:
    """The row (index) and form field an engine error at `error_path` belongs to."""
    best = None
    for index, path in enumerate(paths):
        inside = path and (error_path == path or error_path.startswith((path + ".", path + "[")))
        if inside and (best is None or len(path) > len(paths[best])):
            best = index
    if best is None:
        return None, None
    if rows[best].get("kind") in EXPRESSION_KINDS:
        return value_error_field(rows, paths, error_path)
    row = rows[best]
    rest = error_path[len(paths[best]) :]
    if row.get("kind") != "condition":
        return best, "reason_en" if rest.startswith(".reason") else None
    return best, _condition_field(row, rest)


def _condition_field(row: dict, rest: str) -> str | None:
    if rest.startswith(".reason"):
        return "reason_en"
    op = row.get("op") or ""
    rest = rest.removeprefix(f".{op}")
    if not rest:
        return "op"
    if op == "is_answered":
        return "left_question"
    side = rest[:3]
    detail = rest[3:].lstrip(".").split(".")[0].split("[")[0]
    if side == "[0]":
        if detail == "where":
            return "where_field" if "[0]" in rest[3:].split("where", 1)[1][:12] else "where_value"
        return SIDE_FIELDS.get(detail, "left_question") if detail else "left_question"
    if side == "[2]":
        return "right_high"
    if row.get("right") == "table" and detail in SIDE_FIELDS:
        return SIDE_FIELDS[detail]
    if row.get("right") in ("answer", "age", "named"):
        return "right_question"
    return "table_id" if row.get("right") == "table" else "right_value"
