"""Answers as CSV cells: the columns a question takes and their text, per answer or as a
function compiled once per export. Plain text only: the exporters neutralise formulas."""

from __future__ import annotations

from collections.abc import Callable

from programs.models import QuestionType

from .display import mask_value
from .spec import ADDRESS_PARTS, NAME_PARTS, as_spec, member_specs

# --- CSV export -------------------------------------------------------------------------


def sub_columns(spec, prefix: str) -> list[str]:
    if spec.type == QuestionType.NAME:
        return [f"{prefix}.{part}" for part in NAME_PARTS]
    if spec.type == QuestionType.ADDRESS:
        return [f"{prefix}.{part}" for part in ADDRESS_PARTS]
    return [prefix]


def export_columns(question, value=None, *, members: int | None = None) -> list[str]:
    """Stable CSV column names for a question.

    Scalars: one column named the key. Name: key.first/.middle/.last. Address:
    key.street/.unit/.city/.state/.zip. Household members: "key.count", then
    "key.<n>.<field>" (name/address member fields split further, "key.1.name.first") for
    n = 1..number of members in `value` (or `members`). Rows differ in member count, so
    an exporter takes the union: `export_columns(question, members=max count)`.
    Static questions have no columns.
    """
    spec = as_spec(question)
    if spec.type == QuestionType.STATIC:
        return []
    if spec.type != QuestionType.HOUSEHOLD_MEMBERS:
        return sub_columns(spec, spec.key)
    count = members if members is not None else len(value or [])
    columns = [f"{spec.key}.count"]
    for number in range(1, count + 1):
        for member_spec in member_specs(spec):
            columns += sub_columns(member_spec, f"{spec.key}.{number}.{member_spec.key}")
    return columns


def _scalar_cell(spec, value) -> str:
    if value is None:
        return ""
    kind = spec.type
    if kind == QuestionType.CURRENCY:
        dollars, cents = divmod(int(value), 100)
        return f"{dollars}.{cents:02d}"
    if kind == QuestionType.YES_NO:
        return "yes" if value else "no"
    if kind == QuestionType.MULTIPLE_CHOICE:
        return "; ".join(value)
    if kind == QuestionType.FILE:
        return str(value.get("name", ""))
    return str(value)


def _cells(spec, value, prefix: str) -> dict[str, str]:
    if spec.type in (QuestionType.NAME, QuestionType.ADDRESS):
        parts = NAME_PARTS if spec.type == QuestionType.NAME else ADDRESS_PARTS
        return {f"{prefix}.{part}": str((value or {}).get(part, "")) for part in parts}
    return {prefix: _scalar_cell(spec, value)}


def export_cells(question, value, *, can_view_sensitive: bool = True) -> dict[str, str]:
    """{column: text} for one answer, keyed as `export_columns(question, value)`.

    Values are raw (machine-readable: currency "2900.00", yes_no "yes"/"no", dates
    ISO, choices their option values joined by "; "); formula neutralising is the
    exporter's job. A sensitive question exported without permission is masked.
    """
    spec = as_spec(question)
    columns = export_columns(spec, value)
    if spec.sensitive and not can_view_sensitive:
        masked = mask_value(spec, value) if value not in (None, "", []) else ""
        return dict.fromkeys(columns, masked)
    if spec.type != QuestionType.HOUSEHOLD_MEMBERS:
        cells = _cells(spec, value, spec.key) if columns else {}
        return {column: cells.get(column, "") for column in columns}
    members = value or []
    cells = {f"{spec.key}.count": str(len(members)) if value is not None else ""}
    for number, member in enumerate(members, start=1):
        for member_spec in member_specs(spec):
            prefix = f"{spec.key}.{number}.{member_spec.key}"
            cells.update(_cells(member_spec, (member or {}).get(member_spec.key), prefix))
    return cells


# --- CSV export, compiled once per export ------------------------------------------------
#
# `export_cells` rebuilds the column list, the member specs and a dict for every answer,
# which is most of the time of a 100,000-row export. An exporter instead compiles, once
# per question and export, a function from the answer to its cells in column order. The
# compiled functions give exactly what `export_cells` gives; for any value they were not
# written for (a household that is not a list, a member that is not a dict, more members
# than the export has columns for) they hand over to `export_cells` itself, so even odd
# stored data comes out (or fails) the same way.

_NO_ANSWER: dict = {}  # read through .get only, never written


def _scalar_formatter(spec) -> Callable[[object], str]:
    """A function with `_scalar_cell(spec, value)`'s result for one known spec."""
    kind = spec.type
    if kind == QuestionType.CURRENCY:

        def cell(value):
            if value is None:
                return ""
            dollars, cents = divmod(int(value), 100)
            return f"{dollars}.{cents:02d}"

    elif kind == QuestionType.YES_NO:

        def cell(value):
            if value is None:
                return ""
            return "yes" if value else "no"

    elif kind == QuestionType.MULTIPLE_CHOICE:

        def cell(value):
            return "" if value is None else "; ".join(value)

    elif kind == QuestionType.FILE:

        def cell(value):
            return "" if value is None else str(value.get("name", ""))

    else:

        def cell(value):
            return "" if value is None else str(value)

    return cell


def cells_function(spec) -> Callable[[object], list[str]]:
    """A function with `_cells(spec, value, prefix)`'s values, in `sub_columns` order."""
    if spec.type in (QuestionType.NAME, QuestionType.ADDRESS):
        parts = NAME_PARTS if spec.type == QuestionType.NAME else ADDRESS_PARTS

        def cells(value):
            get = (value or _NO_ANSWER).get
            return [str(get(part, "")) for part in parts]

        return cells
    cell = _scalar_formatter(spec)

    def one_cell(value):
        return [cell(value)]

    return one_cell


def export_cells_function(
    question, *, members: int = 0, can_view_sensitive: bool = True
) -> Callable[[object], list[str]]:
    """A function from one answer to its CSV cells, in `export_columns(question,
    members=members)` order, built once so an exporter can call it for every row.

    For every value `f = export_cells_function(q, members=m, can_view_sensitive=s)` gives
    `f(value) == [export_cells(q, value, can_view_sensitive=s).get(c, "") for c in
    export_columns(q, members=m)]`: same text, same masks, members past `m` dropped.
    `members` only matters for household questions (how many members have columns).
    """
    spec = as_spec(question)
    names = export_columns(spec, members=members)
    width = len(names)

    def reference(value):
        found = export_cells(spec, value, can_view_sensitive=can_view_sensitive)
        return [found.get(name, "") for name in names]

    if not names:
        return lambda value: []
    if len(set(names)) != width:
        # Member fields whose columns collide ("x" a name, "x.first" a text): export_cells
        # lets the later one win, which the fast path does not reproduce. Never seen in a
        # real program, so it simply takes the slow path.
        return reference
    household = spec.type == QuestionType.HOUSEHOLD_MEMBERS
    blank = [""] * width
    if spec.sensitive and not can_view_sensitive:
        return _masked_function(spec, members, width, blank, reference)
    if not household:
        return cells_function(spec)

    fields = [(member.key, cells_function(member)) for member in member_specs(spec)]

    def household_cells(value):
        if value is None:
            return blank[:]
        if value.__class__ is not list or len(value) > members:
            return reference(value)
        row = [str(len(value))]
        for member in value:
            if member.__class__ is dict:
                get = member.get
                for key, cells in fields:
                    row += cells(get(key))
            elif not member:
                for _key, cells in fields:
                    row += cells(None)
            else:
                return reference(value)
        row += blank[len(row) :]
        return row

    return household_cells


def _masked_function(spec, members, width, blank, reference):
    """`export_cells_function` for a sensitive question the exporter may not see."""
    if spec.type != QuestionType.HOUSEHOLD_MEMBERS:

        def masked(value):
            if value in (None, "", []):
                return blank[:]
            return [mask_value(spec, value)] * width

        return masked
    per_member = (width - 1) // members if members else 0

    def masked_household(value):
        if value is None:
            return blank[:]
        if value.__class__ is not list or len(value) > members:
            return reference(value)
        if not value:
            return blank[:]
        filled = 1 + len(value) * per_member
        return [mask_value(spec, value)] * filled + blank[filled:]

    return masked_household
