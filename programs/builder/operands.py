"""One condition of a rule as the flat fields of a form row, and back.

Every field is text, as a form posts it; an empty field means the key is absent from the
JSON, so `{"percent": 100}` and no `percent` stay different. A condition whose JSON these
fields cannot say exactly (arithmetic, a `where` nested deeper than `where.py` reads) is not
converted here: `rows` keeps it as written.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .where import WHERE_FIELDS, where_fields, where_node

COMPARE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "between")
LIST_OPS = ("in", "not_in")
OPS = (*COMPARE_OPS, *LIST_OPS, "is_answered")
LEFT_KINDS = ("answer", "age", "count", "sum", "named")
RIGHT_KINDS = ("value", "dollars", "answer", "age", "table", "named")
TABLE_WHEN = ("", "screening_date", "last", "year")
TABLE_SIZE = ("", "answer", "count", "value")
# A household size that is itself a calculation: its rows go under the row (calculations.py).
COMPUTED_SIZE = "computed"
NUMBER_TYPES = {"number"}
TEXT_TYPES = {
    "short_text",
    "long_text",
    "email",
    "phone",
    "name",
    "identifier",
    "single_choice",
    "multiple_choice",
}

CONDITION_FIELDS = (
    "left",
    "left_question",
    "left_field",
    "left_name",
    "left_label_en",
    "left_label_es",
    *WHERE_FIELDS,
    "op",
    "right",
    "right_question",
    "right_value",
    "right_high",
    "table_id",
    "table_when",
    "table_when_value",
    "table_size",
    "table_size_value",
    "table_percent",
    "table_period",
    "table_rounding",
)
REASON_FIELDS = ("reason_en", "reason_es", "met_en", "met_es", "not_met_en", "not_met_es")

SIDE_FIELDS = {
    "table": "table_id",
    "year": "table_when_value",
    "in_effect_on": "table_when_value",
    "household_size": "table_size_value",
    "percent": "table_percent",
    "period": "table_period",
    "rounding": "table_rounding",
    "where": "where_value",
    "field": "left_field",
    "label": "left_label_en",
    "named": "left_name",
}


INTEGER = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d*\.\d+")


class RowProblem(ValueError):
    """A field of a row that cannot be turned into JSON; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- JSON -> fields ---------------------------------------------------------------------------


def literal_text(value) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _labels(node: dict, prefix: str, fields: dict) -> None:
    label = node.get("label")
    if isinstance(label, dict):
        fields[f"{prefix}_label_en"] = label.get("en", "")
        fields[f"{prefix}_label_es"] = label.get("es", "")


def left_fields(node: dict) -> dict:
    """The row fields for the left operand of a comparison (or LookupError)."""
    fields: dict = {}
    for kind in LEFT_KINDS:
        if kind in node:
            fields["left"] = kind
            target = "left_name" if kind == "named" else "left_question"
            fields[target] = str(node[kind])
            break
    else:
        raise LookupError("unsupported left operand")
    fields["left_field"] = str(node.get("field", ""))
    fields.update(where_fields(node.get("where"), literal_text))
    _labels(node, "left", fields)
    return fields


def _table_fields(node: dict) -> dict:
    fields = {"right": "table", "table_id": str(node["table"])}
    if "year" in node:
        fields.update(table_when="year", table_when_value=str(node["year"]))
    when = node.get("in_effect_on")
    if when == "screening_date":
        fields["table_when"] = "screening_date"
    elif isinstance(when, dict):
        fields.update(table_when="last", table_when_value=str(when.get("last", "")))
    size = node.get("household_size")
    if isinstance(size, dict) and len(size) == 1:
        kind = next(iter(size))
        if kind not in TABLE_SIZE:
            raise LookupError("a computed household size")
        fields.update(table_size=kind, table_size_value=literal_text(size[kind]) or "")
    for key in ("percent", "period", "rounding"):
        if key in node:
            fields[f"table_{key}"] = literal_text(node[key]) or ""
    return fields


def table_fields_computed_size(node: dict) -> dict:
    """The fields of a table lookup whose household size is a calculation."""
    rest = {key: part for key, part in node.items() if key != "household_size"}
    return {**_table_fields(rest), "table_size": COMPUTED_SIZE}


def right_fields(node: dict) -> dict:
    """The row fields for the right operand of a comparison (or LookupError)."""
    if not isinstance(node, dict):
        raise LookupError("unsupported right operand")
    if "table" in node:
        return _table_fields(node)
    for kind in ("value", "dollars"):
        if kind in node:
            return {"right": kind, "right_value": literal_text(node[kind]) or ""}
    for kind in ("answer", "age", "named"):
        if kind in node:
            return {"right": kind, "right_question": str(node[kind])}
    raise LookupError("unsupported right operand")


def reason_fields(reason) -> dict:
    if not isinstance(reason, dict):
        return {}
    if "met" in reason or "not_met" in reason:
        fields = {}
        for outcome in ("met", "not_met"):
            for language in ("en", "es"):
                fields[f"{outcome}_{language}"] = (reason.get(outcome) or {}).get(language, "")
        return fields
    return {"reason_en": reason.get("en", ""), "reason_es": reason.get("es", "")}


def condition_fields(node: dict) -> dict:
    """Row fields for one comparison, membership or is_answered (LookupError if these
    fields cannot hold it; the caller then keeps the JSON as written)."""
    ops = [key for key in node if key != "reason"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise LookupError("not a condition")
    op = ops[0]
    args = node[op]
    fields = {"op": op, **reason_fields(node.get("reason"))}
    if op == "is_answered":
        return {**fields, "left": "answer", "left_question": str(args)}
    if not isinstance(args, list) or not args or not isinstance(args[0], dict):
        raise LookupError("malformed arguments")
    fields.update(left_fields(args[0]))
    if op in LIST_OPS:
        items = [literal_text(item) for item in args[1]] if isinstance(args[1], list) else [None]
        if None in items or any("," in item for item in items):
            raise LookupError("list items the form cannot hold")
        return {**fields, "right": "value", "right_value": ", ".join(items)}
    fields.update(right_fields(args[1]))
    if op == "between":
        high = args[2] if len(args) > 2 else None
        if not isinstance(high, dict) or fields["right"] not in high:
            raise LookupError("between with different kinds of ends")
        fields["right_high"] = literal_text(high[fields["right"]]) or ""
    return fields


# -- fields -> JSON ---------------------------------------------------------------------------


def parse_literal(text: str, field: str, answer_type: str | None):
    """A literal as JSON, typed by the question it is compared with when known."""
    text = text.strip()
    if not text:
        raise RowProblem(field, _("Enter a value."))
    if answer_type in TEXT_TYPES or answer_type == "date":
        return text
    if answer_type == "yes_no" or text in ("true", "false"):
        if text not in ("true", "false", "yes", "no"):
            raise RowProblem(field, _("Enter yes or no."))
        return text in ("true", "yes")
    return parse_number(text, field, required=answer_type in NUMBER_TYPES)


def parse_number(text: str, field: str, *, required: bool = True):
    text = text.strip()
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        return float(text)
    if required:
        raise RowProblem(field, _("Enter a number, such as 185 or 137.5."))
    return text


def _dollars(text: str, field: str):
    text = text.strip().replace(",", "").lstrip("$")
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        # Two decimals ("10.50") stay text: a float could not say the cents exactly.
        return text
    raise RowProblem(field, _("Enter an amount in dollars, such as 2694 or 10.50."))


def _need(row: dict, field: str, message: str) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise RowProblem(field, message)
    return value


def _label(row: dict, prefix: str, node: dict) -> dict:
    english, spanish = row.get(f"{prefix}_label_en", ""), row.get(f"{prefix}_label_es", "")
    if english or spanish:
        node["label"] = {"en": english, **({"es": spanish} if spanish else {})}
    return node


def left_node(row: dict, types: dict) -> dict:
    kind = row.get("left") or "answer"
    if kind == "named":
        return _label(row, "left", {"named": _need(row, "left_name", _("Enter a value's name."))})
    key = _need(row, "left_question", _("Choose a question."))
    node: dict = {kind: key}
    if kind == "sum":
        node["field"] = _need(row, "left_field", _("Choose the member field to add up."))
    if kind in ("count", "sum"):
        where = where_node(row, key, types, parse_literal, _need)
        if where is not None:
            node["where"] = where
    return _label(row, "left", node)


def left_type(row: dict, types: dict) -> str | None:
    """The question type the right side is compared with, to type its literals."""
    kind = row.get("left") or "answer"
    if kind in ("age", "count"):
        return "number"
    if kind == "sum":
        return types.get(f"{row.get('left_question')}:{row.get('left_field')}")
    if kind == "answer":
        return types.get(row.get("left_question", "").strip())
    return None


def table_node(row: dict) -> dict:
    node: dict = {"table": _need(row, "table_id", _("Choose a table."))}
    when = row.get("table_when", "")
    if when == "year":
        node["year"] = parse_number(
            _need(row, "table_when_value", _("Enter the year.")), "table_when_value"
        )
    elif when == "screening_date":
        node["in_effect_on"] = "screening_date"
    elif when == "last":
        day = _need(row, "table_when_value", _("Enter the switch day as MM-DD, such as 04-01."))
        node["in_effect_on"] = {"last": day}
    size = row.get("table_size", "")
    if size and size != COMPUTED_SIZE:  # a computed size is filled in from the rows under it
        value = _need(row, "table_size_value", _("Choose how the household size is counted."))
        node["household_size"] = {
            size: parse_number(value, "table_size_value") if size == "value" else value
        }
    if row.get("table_percent", "").strip():
        node["percent"] = parse_number(row["table_percent"], "table_percent")
    for key in ("period", "rounding"):
        if row.get(f"table_{key}"):
            node[key] = row[f"table_{key}"]
    return node


def right_node(row: dict, types: dict, field: str = "right_value") -> dict:
    kind = row.get("right") or "value"
    if kind == "table":
        return table_node(row)
    if kind in ("answer", "age", "named"):
        return {kind: _need(row, "right_question", _("Choose a question."))}
    if kind == "dollars":
        return {"dollars": _dollars(_need(row, field, _("Enter an amount.")), field)}
    return {"value": parse_literal(row.get(field, ""), field, left_type(row, types))}


def reason_node(row: dict) -> dict | None:
    def text(prefix: str) -> dict | None:
        english, spanish = row.get(f"{prefix}_en", ""), row.get(f"{prefix}_es", "")
        if not (english or spanish):
            return None
        if not english:
            raise RowProblem(f"{prefix}_en", _("Write the English text too."))
        return {"en": english, **({"es": spanish} if spanish else {})}

    single = text("reason")
    outcomes = {name: text(name) for name in ("met", "not_met")}
    outcomes = {name: value for name, value in outcomes.items() if value}
    if single and outcomes:
        raise RowProblem("reason_en", _("Write one reason for both outcomes or one per outcome."))
    return single or outcomes or None


def condition_node(row: dict, types: dict) -> dict:
    """The JSON of one condition row; raises RowProblem naming the field at fault."""
    op = row.get("op") or "eq"
    if op == "is_answered":
        node: dict = {op: _need(row, "left_question", _("Choose a question."))}
    elif op in LIST_OPS:
        answer_type = left_type(row, types)
        items = [item for item in row.get("right_value", "").split(",") if item.strip()]
        if not items:
            raise RowProblem("right_value", _("Enter the values to look for, separated by commas."))
        literals = [parse_literal(item, "right_value", answer_type) for item in items]
        node = {op: [left_node(row, types), literals]}
    else:
        args = [left_node(row, types), right_node(row, types)]
        if op == "between":
            args.append(right_node(row, types, "right_high"))
        node = {op: args}
    reason = reason_node(row)
    if reason:
        node["reason"] = reason
    return node
