"""Showing answers to people and to spreadsheets: display text, masks and CSV cells.

Everything here returns plain text (never markup), so templates can print it with
autoescape on, and exporters can neutralise spreadsheet formulas themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from programs.models import QuestionType

from .spec import ADDRESS_PARTS, NAME_PARTS, as_spec, member_specs, option_label

# Each language's DATE_FORMAT, the same the pages and the engine's reasons use: US English
# "March 12, 2026" (civiportal/formats/en), Spanish "12 de marzo de 2026".
DATE_FORMATS: dict[str, str] = {}
MASK = "••••"


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en").split("-")[0]


def format_cents(cents: int) -> str:
    """$2,900 for whole dollars, $2,900.50 otherwise."""
    dollars, remainder = divmod(int(cents), 100)
    return f"${dollars:,}" if remainder == 0 else f"${dollars:,}.{remainder:02d}"


def format_date(value: str, language: str | None = None) -> str:
    language = _language(language)
    day = datetime.date.fromisoformat(value)
    with translation.override(language):
        return formats.date_format(day, DATE_FORMATS.get(language, "DATE_FORMAT"))


def format_phone(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else digits


def format_name(value: dict) -> str:
    return " ".join(value.get(part, "") for part in NAME_PARTS if value.get(part))


def format_address(value: dict) -> str:
    state_zip = " ".join(filter(None, [value.get("state", ""), value.get("zip", "")]))
    parts = [value.get("street", ""), value.get("unit", ""), value.get("city", ""), state_zip]
    return ", ".join(part for part in parts if part)


def format_value(question, value, *, language: str | None = None) -> str:
    """A canonical value as plain text for people: "$2,900", "March 12, 2026", "Yes".

    None (unanswered) gives "". Household members give a count ("3 people"); use
    `format_member` for one person's answers.
    """
    spec = as_spec(question)
    if value is None or spec.type == QuestionType.STATIC:
        return ""
    language = _language(language)
    kind = spec.type
    with translation.override(language):
        if kind == QuestionType.CURRENCY:
            return format_cents(value)
        if kind == QuestionType.NUMBER:
            return f"{value:,}" if isinstance(value, int) else f"{value:,}".rstrip("0").rstrip(".")
        if kind == QuestionType.DATE:
            return format_date(value, language)
        if kind == QuestionType.YES_NO:
            return gettext("Yes") if value else gettext("No")
        if kind == QuestionType.SINGLE_CHOICE:
            return _option_text(spec, value, language)
        if kind == QuestionType.MULTIPLE_CHOICE:
            return ", ".join(_option_text(spec, item, language) for item in value)
        if kind == QuestionType.PHONE:
            return format_phone(value)
        if kind == QuestionType.NAME:
            return format_name(value)
        if kind == QuestionType.ADDRESS:
            return format_address(value)
        if kind == QuestionType.HOUSEHOLD_MEMBERS:
            count = len(value)
            return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
        if kind == QuestionType.FILE:
            return str(value.get("name", ""))
        return str(value)


def format_member(question, member: dict, *, language: str | None = None) -> list[tuple]:
    """One household member as [(label, text), ...] in member-field order."""
    return [
        (spec.text("label", language), format_value(spec, member.get(spec.key), language=language))
        for spec in member_specs(question)
    ]


def _option_text(spec, value, language) -> str:
    for option in spec.options:
        if str(option.get("value")) == str(value):
            return option_label(option, language)
    return str(value)


def mask_value(question, value) -> str:
    """What someone without the sensitive-answers permission sees.

    Identifiers and phones keep their last 4 characters ("•••• 0100") so a caseworker
    can still match a document; anything else is "Hidden". Unanswered gives "".
    """
    spec = as_spec(question)
    if value is None or value == "":
        return ""
    if spec.type in (QuestionType.IDENTIFIER, QuestionType.PHONE):
        text = str(value)
        return f"{MASK} {text[-4:]}" if len(text) > 4 else MASK
    return gettext("Hidden")


def display_value(question, value, *, can_view_sensitive: bool, language: str | None = None):
    """`format_value`, or `mask_value` for a sensitive question the viewer may not see."""
    spec = as_spec(question)
    if spec.sensitive and not can_view_sensitive:
        with translation.override(_language(language)):
            return mask_value(spec, value)
    return format_value(spec, value, language=language)


def initial_for_form(question, value):
    """A canonical value turned into what `form_field_for(question)` takes as initial."""
    spec = as_spec(question)
    if value is None:
        return None
    kind = spec.type
    if kind == QuestionType.CURRENCY:
        dollars, cents = divmod(int(value), 100)
        return f"{dollars:,}" if cents == 0 else f"{dollars:,}.{cents:02d}"
    if kind == QuestionType.DATE:
        year, month, day = value.split("-")
        return [str(int(month)), str(int(day)), year]
    if kind == QuestionType.YES_NO:
        return "yes" if value else "no"
    if kind == QuestionType.PHONE:
        return format_phone(value)
    if kind == QuestionType.NAME:
        return [value.get(part, "") for part in NAME_PARTS]
    if kind == QuestionType.ADDRESS:
        return [value.get(part, "") for part in ADDRESS_PARTS]
    if kind == QuestionType.NUMBER:
        return str(value)
    return value


# --- CSV export -------------------------------------------------------------------------


def _sub_columns(spec, prefix: str) -> list[str]:
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
        return _sub_columns(spec, spec.key)
    count = members if members is not None else len(value or [])
    columns = [f"{spec.key}.count"]
    for number in range(1, count + 1):
        for member_spec in member_specs(spec):
            columns += _sub_columns(member_spec, f"{spec.key}.{number}.{member_spec.key}")
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


def _cells_function(spec) -> Callable[[object], list[str]]:
    """A function with `_cells(spec, value, prefix)`'s values, in `_sub_columns` order."""
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
        return _cells_function(spec)

    fields = [(member.key, _cells_function(member)) for member in member_specs(spec)]

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


# --- CSV export: one generated function per export ----------------------------------------
#
# Even compiled per question, a row costs a Python call per question and per household
# member field. `export_row_function` writes, once per export, one function for the whole
# row: straight-line code per column that handles the canonical shape of each type inline
# and hands any other value to that question's `export_cells_function`. Only generated
# names (c0, K0, F0, ...) and fixed literals go into the source; question keys, part names
# and the fallback functions are passed in as constants, never pasted as code.


class _RowSource:
    def __init__(self, formula_triggers):
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self.cells = 0
        self.triggers = self.neutralise = None
        if formula_triggers:
            triggers = frozenset(formula_triggers)

            def neutralise(cells):
                return ["'" + c if c and c[0] in triggers else c for c in cells]

            self.triggers = self.constant(triggers, "T")
            self.neutralise = self.constant(neutralise, "N")

    def constant(self, value, prefix: str = "K") -> str:
        name = f"{prefix}{len(self.constants)}"
        self.constants[name] = value
        return name

    def new_cells(self, count: int) -> list[str]:
        names = [f"c{self.cells + i}" for i in range(count)]
        self.cells += count
        return names

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def unpack(self, depth: int, cells: list[str], call: str) -> None:
        if self.neutralise:
            call = f"{self.neutralise}({call})"
        self.emit(depth, f"{', '.join(cells)}, = {call}")

    def guard(self, depth: int, cell: str) -> None:
        """Neutralise `cell` if it is text that could start a spreadsheet formula."""
        if self.triggers:
            self.emit(depth, f"if {cell} and {cell}[0] in {self.triggers}:")
            self.emit(depth + 1, f'{cell} = "\'" + {cell}')

    def blank(self, depth: int, cells: list[str]) -> None:
        self.emit(depth, " = ".join(cells) + " = ''")


def _emit_cells(source: _RowSource, spec, value: str, cells: list[str], fallback: str, depth: int):
    """Code setting `cells` to `_cells_function(spec)(value)`; `fallback` names a function
    with the same result, called for any value the inline code does not handle."""
    kind = spec.type
    emit = source.emit
    if kind in (QuestionType.NAME, QuestionType.ADDRESS):
        parts = NAME_PARTS if kind == QuestionType.NAME else ADDRESS_PARTS
        emit(depth, f"if {value}.__class__ is dict:")
        emit(depth + 1, f"g = {value}.get")
        for cell, part in zip(cells, parts, strict=True):
            emit(depth + 1, f"x = g({source.constant(part)}, '')")
            emit(depth + 1, f"{cell} = x if x.__class__ is str else str(x)")
            source.guard(depth + 1, cell)
        emit(depth, f"elif not {value}:")
        source.blank(depth + 1, cells)
        emit(depth, "else:")
        source.unpack(depth + 1, cells, f"{fallback}({value})")
        return
    (cell,) = cells
    if kind == QuestionType.CURRENCY:
        emit(depth, f"if {value}.__class__ is int:")
        emit(depth + 1, f"{cell} = '%d.%02d' % divmod({value}, 100)")
        source.guard(depth + 1, cell)
        emit(depth, f"elif {value} is None:")
        emit(depth + 1, f"{cell} = ''")
        emit(depth, "else:")
        source.unpack(depth + 1, cells, f"{fallback}({value})")
    elif kind == QuestionType.YES_NO:
        emit(depth, f"{cell} = '' if {value} is None else ('yes' if {value} else 'no')")
    elif kind == QuestionType.MULTIPLE_CHOICE:
        emit(depth, f"{cell} = '' if {value} is None else '; '.join({value})")
        source.guard(depth, cell)
    elif kind == QuestionType.FILE:
        emit(depth, f"{cell} = '' if {value} is None else str({value}.get('name', ''))")
        source.guard(depth, cell)
    else:
        emit(depth, f"if {value}.__class__ is str:")
        emit(depth + 1, f"{cell} = {value}")
        emit(depth, "else:")
        emit(depth + 1, f"{cell} = '' if {value} is None else str({value})")
        source.guard(depth, cell)


def _emit_household(source: _RowSource, spec, members: int, cells: list[str], fallback: str):
    emit = source.emit
    fields = member_specs(spec)
    widths = [len(_sub_columns(field, "")) for field in fields]
    emit(1, f"fast = v.__class__ is list and len(v) <= {members:d}")
    emit(1, "if fast:")
    emit(2, "for m in v:")
    emit(3, "if m.__class__ is not dict:")
    emit(4, "fast = False")
    emit(4, "break")
    emit(1, "if fast:")
    emit(2, "n = len(v)")
    emit(2, f"{cells[0]} = str(n)")
    position = 1
    for number in range(members):
        member_cells = cells[position : position + sum(widths)]
        position += sum(widths)
        if not member_cells:
            continue
        emit(2, f"if n > {number:d}:")
        emit(3, f"g0 = v[{number:d}].get")
        start = 0
        for field, width in zip(fields, widths, strict=True):
            field_cells = member_cells[start : start + width]
            start += width
            emit(3, f"w = g0({source.constant(field.key)})")
            function = source.constant(_cells_function(field), "F")
            _emit_cells(source, field, "w", field_cells, function, 3)
        emit(2, "else:")
        source.blank(3, member_cells)
    emit(1, "else:")
    source.unpack(2, cells, f"{fallback}(v)")


def export_row_function(
    questions,
    *,
    members: dict[str, int] | None = None,
    can_view_sensitive: bool = True,
    formula_triggers: Iterable[str] = (),
) -> Callable[[dict], list[str]]:
    """One function from an `answers` dict to the cells of every question in `questions`,
    in order: for any answers, `f(answers)` equals the concatenation over the questions of
    `export_cells_function(q, members=members.get(q.key, 0), can_view_sensitive=...)(
    answers.get(q.key))`. Built once per export (it generates and compiles Python code).

    With `formula_triggers` (one-character strings), every cell starting with one gets a
    "'" prefix, as the exporter's formula neutralising would: done here, where the code
    knows which cells are free text, instead of in a second pass over every cell."""
    members = members or {}
    source = _RowSource(formula_triggers)
    source.emit(1, "a = answers.get")
    for question in questions:
        spec = as_spec(question)
        count = members.get(spec.key, 0)
        names = export_columns(spec, members=count)
        if not names:
            continue
        cells = source.new_cells(len(names))
        function = export_cells_function(spec, members=count, can_view_sensitive=can_view_sensitive)
        fallback = source.constant(function, "F")
        source.emit(1, f"v = a({source.constant(spec.key)})")
        masked = spec.sensitive and not can_view_sensitive
        if masked or len(set(names)) != len(names):
            source.unpack(1, cells, f"{fallback}(v)")
        elif spec.type == QuestionType.HOUSEHOLD_MEMBERS:
            _emit_household(source, spec, count, cells, fallback)
        else:
            cell_function = source.constant(_cells_function(spec), "F")
            _emit_cells(source, spec, "v", cells, cell_function, 1)
    if not source.cells:
        return lambda answers: []
    cells = ", ".join(f"c{i}" for i in range(source.cells))
    code = "def export_row(answers):\n" + "\n".join(source.lines) + f"\n    return [{cells}]\n"
    namespace = dict(source.constants)
    exec(compile(code, "<export_row>", "exec"), namespace)  # noqa: S102 - generated above
    return namespace["export_row"]
