"""A rule's named `values` as an outline of form rows, and back.

Each named value is a *value* row (its name and the label residents read) with one
expression indented under it. An expression row is an operator (add, subtract, multiply,
divide, percent of, smallest, largest, round) holding the rows indented under it, or an
operand (a question's answer or age, a household count or total, another named value, a
number, an amount in dollars, a table limit). Operands reuse the condition rows' fields and
conversions (`operands.py`), so a table limit or a household count reads the same in both.

As with conditions, reading checks each part turns back into the very same JSON and keeps
it *as written* otherwise, so rows -> JSON always gives back the values they were read from.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from .operands import (
    COMPUTED_SIZE,
    CONDITION_FIELDS,
    SIDE_FIELDS,
    RowProblem,
    left_fields,
    left_node,
    literal_text,
    parse_number,
    right_fields,
    right_node,
    table_fields_computed_size,
    table_node,
)
from .row_base import RowError, children_of, depth_of, values_in_reading_order

LIST_OPERATORS = ("add", "sub", "mul", "div", "min", "max")
OPERATORS = (*LIST_OPERATORS, "percent", "round")
QUESTION_OPERANDS = ("answer", "age", "count", "sum", "named")
LITERAL_OPERANDS = ("value", "dollars", "cents", "table")
OPERANDS = (*QUESTION_OPERANDS, *LITERAL_OPERANDS)
VALUE_KINDS = ("value_name", *OPERATORS, *OPERANDS, "kept")
HOLDERS = ("value_name", *OPERATORS)


def holds(row: dict) -> bool:
    """Whether rows may be indented under this one: a value, a calculation, or a table
    limit whose household size is calculated by the rows under it."""
    kind = row.get("kind")
    return kind in HOLDERS or (kind == "table" and row.get("table_size") == COMPUTED_SIZE)


def computed_size(node) -> bool:
    """Whether `node` is a table lookup whose household size is a calculation."""
    size = node.get("household_size") if isinstance(node, dict) and "table" in node else None
    return operator_of(size) is not None if isinstance(size, dict) else False


VALUE_ROW_FIELDS = (
    "kind",
    "depth",
    "value_name",
    "label_en",
    "label_es",
    "rounding",
    *CONDITION_FIELDS,
    "json",
)
NAME = re.compile(r"[a-z][a-z0-9_]*")


def blank_value_row(kind: str = "answer", depth: int = 1) -> dict:
    row = dict.fromkeys(VALUE_ROW_FIELDS, "")
    row.update(kind=kind, depth=depth)
    return row


def _row(kind: str, depth: int, fields: dict) -> dict:
    row = blank_value_row(kind, depth)
    row.update(fields)
    return row


def _label_fields(node: dict) -> dict:
    label = node.get("label")
    if not isinstance(label, dict):
        return {}
    return {"label_en": label.get("en", ""), "label_es": label.get("es", "")}


# -- JSON -> rows -----------------------------------------------------------------------------


def values_rows(values, types: dict) -> list[dict]:
    """The rows for a rule's `values`, each after the values it uses."""
    rows: list[dict] = []
    if not isinstance(values, dict):
        return rows
    for name, node in values_in_reading_order(values):
        fields = {"value_name": str(name)}
        if isinstance(node, dict):
            fields.update(_label_fields(node))
            node = {key: part for key, part in node.items() if key != "label"}
        rows.append(_row("value_name", 0, fields))
        append_expression(node, 1, rows, types)
    return rows


def operator_of(node) -> str | None:
    if not isinstance(node, dict):
        raise LookupError("not an object")
    if "table" in node:  # a table lookup has a `percent` of its own
        return None
    if "of" in node:
        return "percent"
    if "round" in node:
        return "round"
    return next((op for op in LIST_OPERATORS if op in node), None)


def append_expression(node, depth: int, rows: list[dict], types: dict) -> None:
    """Rows for one expression at `depth` (kept as written where rows cannot say it)."""
    start = len(rows)
    try:
        op = operator_of(node)
        if op is None:
            rows.append(_row(_operand_kind(node), depth, _operand_fields(node)))
            if computed_size(node):
                append_expression(node["household_size"], depth + 1, rows, types)
        else:
            fields = _label_fields(node)
            if op == "percent":
                fields["right_value"] = literal_text(node["percent"]) or ""
                children = [node["of"]]
            elif op == "round":
                fields["rounding"] = str(node.get("rounding", ""))
                children = [node["round"]]
            else:
                children = node[op]
                if not isinstance(children, list) or not children:
                    raise LookupError("not a list")
            rows.append(_row(op, depth, fields))
            for child in children:
                append_expression(child, depth + 1, rows, types)
    except (LookupError, TypeError, AttributeError):
        del rows[start:]
        rows.append(kept_value_row(node, depth))
        return
    rebuilt = [{**row, "depth": depth_of(row) - depth} for row in rows[start:]]
    try:
        same = expression_node(rebuilt, 0, "$", types, [], [""] * len(rebuilt)) == node
    except RowProblem:
        same = False
    if not same:
        del rows[start:]
        rows.append(kept_value_row(node, depth))


def kept_value_row(node, depth: int) -> dict:
    return _row("kept", depth, {"json": json.dumps(node, ensure_ascii=False, sort_keys=True)})


def _operand_kind(node: dict) -> str:
    kind = next((kind for kind in OPERANDS if kind in node), None)
    if kind is None:
        raise LookupError("not an operand")
    return kind


def _operand_fields(node: dict) -> dict:
    kind = _operand_kind(node)
    if computed_size(node):
        return {**table_fields_computed_size(node), **_label_fields(node)}
    if kind == "cents":
        return {"right_value": literal_text(node["cents"]) or "", **_label_fields(node)}
    if kind in QUESTION_OPERANDS:
        fields = left_fields(node)
        fields["label_en"] = fields.pop("left_label_en", "")
        fields["label_es"] = fields.pop("left_label_es", "")
        return fields
    return {**right_fields(node), **_label_fields(node)}


# -- rows -> JSON -----------------------------------------------------------------------------


def rows_values(rows: list[dict], types: dict):
    """`(values, errors, paths)`: the `values` JSON for `rows` (None when there are none),
    every problem as a `RowError`, and each row's JSON path (for `value_error_field`)."""
    paths = [""] * len(rows)
    errors: list[RowError] = _outline_errors(rows)
    if errors:
        return None, errors, paths
    values: dict = {}
    for index, row in enumerate(rows):
        if depth_of(row) != 0:
            continue
        name = (row.get("value_name") or "").strip()
        if not NAME.fullmatch(name):
            message = _("Name the value with lower-case letters, digits and _, such as net_income.")
            errors.append(RowError(index, "value_name", message))
            continue
        if name in values:
            errors.append(RowError(index, "value_name", _("Another value has this name.")))
            continue
        paths[index] = f"$.values.{name}"
        children = children_of(rows, index)
        if len(children) != 1:
            message = _("A named value needs exactly one row indented under it.")
            errors.append(RowError(index, None, message))
            continue
        node = expression_node(rows, children[0], paths[index], types, errors, paths)
        if isinstance(node, dict) and (row.get("label_en") or row.get("label_es")):
            node = {**node, "label": _label(row, index, errors)}
        values[name] = node
    if errors:
        return None, errors, paths
    return values or None, errors, paths


def _outline_errors(rows: list[dict], *, named: bool = True) -> list[RowError]:
    """Rows out of place; `named`: the rows of named values (else one expression)."""
    errors = []
    for index, row in enumerate(rows):
        depth, kind = depth_of(row), row.get("kind") or "answer"
        above = rows[index - 1] if index else None
        if not named and (kind == "value_name" or (index and depth == 0)):
            message = (
                _("Named values belong to the rule: choose another type for this row.")
                if kind == "value_name"
                else _("Only one row can be at the top: put these rows in a calculation.")
            )
            errors.append(RowError(index, "kind" if kind == "value_name" else None, message))
        elif named and (depth == 0) != (kind == "value_name"):
            message = (
                _("A named value starts at the left: outdent this row.")
                if kind == "value_name"
                else _("Indent this row under a named value.")
            )
            errors.append(RowError(index, "kind" if depth == 0 else None, message))
        elif above is not None and depth > depth_of(above) + 1:
            errors.append(
                RowError(index, None, _("This row is indented too far: move it out one level."))
            )
        elif above is not None and depth > depth_of(above) and not holds(above):
            message = _("Only a named value or a calculation can hold rows: outdent this row.")
            errors.append(RowError(index, None, message))
    return errors


def expression_rows(node, types: dict) -> list[dict]:
    """Rows for one expression (an estimate's amount), its top row at depth 0."""
    rows: list[dict] = []
    if node not in (None, {}):
        append_expression(node, 0, rows, types)
    return rows


def rows_expression(rows: list[dict], types: dict, path: str):
    """`(expression, errors, paths)` for the rows of one expression at `path`."""
    paths = [""] * len(rows)
    errors = _outline_errors(rows, named=False)
    if not rows or errors:
        return None, errors, paths
    node = expression_node(rows, 0, path, types, errors, paths)
    return (None if errors else node), errors, paths


def _label(row: dict, index: int, errors: list) -> dict | None:
    english, spanish = row.get("label_en", ""), row.get("label_es", "")
    if not english:
        errors.append(RowError(index, "label_en", _("Write the English name too.")))
        return None
    return {"en": english, **({"es": spanish} if spanish else {})}


def expression_node(rows, index, path, types, errors, paths):
    """The JSON of the expression at `index`; problems are added to `errors`."""
    row = rows[index]
    paths[index] = path
    kind = row.get("kind") or "answer"
    try:
        if kind == "kept":
            return json.loads(row.get("json") or "null")
        if kind in OPERANDS:
            node = _operand(row, kind, types)
            if kind == "table" and row.get("table_size") == COMPUTED_SIZE:
                node["household_size"] = _size(rows, index, path, types, errors, paths)
        else:
            node = _operator(rows, index, kind, path, types, errors, paths)
    except RowProblem as problem:
        errors.append(RowError(index, problem.field, problem.message))
        return None
    except json.JSONDecodeError:
        errors.append(RowError(index, None, _("This row's stored value is damaged: remove it.")))
        return None
    if node is not None and (row.get("label_en") or row.get("label_es")):
        node["label"] = _label(row, index, errors)
    return node


def _size(rows, index, path, types, errors, paths):
    children = children_of(rows, index)
    if len(children) != 1:
        message = _("Indent one row under this one: the household size's calculation.")
        raise RowProblem("table_size", message)
    return expression_node(rows, children[0], f"{path}.household_size", types, errors, paths)


def _operand(row: dict, kind: str, types: dict) -> dict:
    if kind in QUESTION_OPERANDS:
        return left_node({**row, "left": kind, "left_label_en": "", "left_label_es": ""}, types)
    if kind == "table":
        return table_node(row)
    if kind in ("value", "cents"):
        text = (row.get("right_value") or "").strip()
        if not text:
            raise RowProblem("right_value", _("Enter a number."))
        return {kind: parse_number(text, "right_value")}
    return right_node({**row, "right": kind}, types)


def _operator(rows, index, kind, path, types, errors, paths) -> dict | None:
    children = children_of(rows, index)
    single = kind in ("percent", "round")
    if not children or (single and len(children) != 1):
        message = (
            _("This calculation needs exactly one row indented under it.")
            if single
            else _("This calculation needs at least one row indented under it.")
        )
        raise RowProblem("kind", message)
    if kind == "percent":
        text = rows[index].get("right_value") or ""
        if not text.strip():
            raise RowProblem("right_value", _("Enter the percent, such as 20."))
        percent = parse_number(text, "right_value")
        part = expression_node(rows, children[0], f"{path}.of", types, errors, paths)
        return {"percent": percent, "of": part}
    if kind == "round":
        part = expression_node(rows, children[0], f"{path}.round", types, errors, paths)
        rounding = rows[index].get("rounding") or ""
        return {"round": part, **({"rounding": rounding} if rounding else {})}
    parts = [
        expression_node(rows, child, f"{path}.{kind}[{n}]", types, errors, paths)
        for n, child in enumerate(children)
    ]
    return {kind: parts}


# -- engine errors -> rows --------------------------------------------------------------------

DETAIL_FIELDS = {
    **SIDE_FIELDS,
    "answer": "left_question",
    "age": "left_question",
    "count": "left_question",
    "sum": "left_question",
    "named": "left_name",
    "value": "right_value",
    "dollars": "right_value",
    "cents": "right_value",
    "percent": "right_value",
    "rounding": "rounding",
    "label": "label_en",
}


def value_error_field(
    rows: list[dict], paths: list[str], error_path: str
) -> tuple[int | None, str | None]:
    """The value row (index) and form field an engine error at `error_path` belongs to:
    the deepest row whose path holds it (an expression rather than its value row)."""
    best = None
    for index, path in enumerate(paths):
        inside = path and (error_path == path or error_path.startswith((path + ".", path + "[")))
        if inside and (best is None or len(path) >= len(paths[best])):
            best = index
    if best is None:
        return None, None
    detail = error_path[len(paths[best]) :].lstrip(".").split(".")[0].split("[")[0]
    field = DETAIL_FIELDS.get(detail)
    if rows[best].get("kind") == "percent" and detail == "percent":
        field = "right_value"
    return best, field
