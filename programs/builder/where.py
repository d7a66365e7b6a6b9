"""Which household members a `count` or `sum` takes (`where`), as the fields of a row.

Up to three member comparisons (`where_…`, `where2_…`, `where3_…`), joined by all or any
(`where_join`): "relationship is child and age is below 18". One comparison without a join
is the plain `{"lt": [...]}`; with a join it is `{"all": [...]}`, so both read back as they
were written. Anything else (nesting, `not`) the row keeps as written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SLOTS = ("where", "where2", "where3")
PARTS = ("subject", "field", "op", "value")
WHERE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
JOINS = ("all", "any")
WHERE_FIELDS = ("where_join", *(f"{slot}_{part}" for slot in SLOTS for part in PARTS))


def where_fields(where, literal_text) -> dict:
    """Row fields for a `where` (LookupError if the fields cannot hold it)."""
    if where is None:
        return {}
    if not isinstance(where, dict) or len(where) != 1:
        raise LookupError("not one comparison or group")
    op = next(iter(where))
    fields: dict = {}
    if op in JOINS:
        comparisons = where[op]
        if not isinstance(comparisons, list) or not 1 <= len(comparisons) <= len(SLOTS):
            raise LookupError("too many member comparisons")
        fields["where_join"] = op
    else:
        comparisons = [where]
    for slot, comparison in zip(SLOTS, comparisons, strict=False):
        fields.update(_comparison_fields(slot, comparison, literal_text))
    return fields


def _comparison_fields(slot: str, comparison, literal_text) -> dict:
    op = next(iter(comparison), None) if isinstance(comparison, dict) else None
    args = comparison.get(op) if op in WHERE_OPS and len(comparison) == 1 else None
    if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], dict)):
        raise LookupError("not a member comparison")
    subject = next(iter(args[0]), "")
    if op in ("in", "not_in"):
        items = [literal_text(item) for item in args[1]] if isinstance(args[1], list) else [None]
        if None in items or any("," in item for item in items):
            raise LookupError("list items the form cannot hold")
        value = ", ".join(items)
    else:
        literal = args[1] if isinstance(args[1], dict) and len(args[1]) == 1 else {}
        value = literal_text(literal.get("value", literal.get("dollars"))) or ""
    return {
        f"{slot}_subject": subject,
        f"{slot}_field": str(args[0].get(subject, "")),
        f"{slot}_op": op,
        f"{slot}_value": value,
    }


def where_node(row: dict, key: str, types: dict, parse_literal, need) -> dict | None:
    """The `where` JSON of a row (None: everyone); problems raise the caller's RowProblem
    through `parse_literal` and `need`."""
    comparisons = [
        _comparison(row, slot, key, types, parse_literal, need)
        for slot in SLOTS
        if row.get(f"{slot}_subject")
    ]
    join = row.get("where_join") or ""
    if not comparisons:
        return None
    if join:
        return {join: comparisons}
    if len(comparisons) > 1:
        need({}, "where_join", _("Choose whether all or any of the member comparisons must hold."))
    return comparisons[0]


def _comparison(row: dict, slot: str, key: str, types: dict, parse_literal, need) -> dict:
    subject = row[f"{slot}_subject"]
    field = need(row, f"{slot}_field", _("Choose the member field."))
    member_type = "number" if subject == "member_age" else types.get(f"{key}:{field}")
    op = row.get(f"{slot}_op") or "eq"
    text = row.get(f"{slot}_value", "")
    if op in ("in", "not_in"):
        items = [item for item in text.split(",") if item.strip()]
        if not items:
            need({}, f"{slot}_value", _("Enter the values to look for, separated by commas."))
        return {
            op: [{subject: field}, [parse_literal(i, f"{slot}_value", member_type) for i in items]]
        }
    value = parse_literal(text, f"{slot}_value", member_type)
    literal = {"dollars": value} if member_type == "currency" else {"value": value}
    return {op: [{subject: field}, literal]}
