"""A whole CSV row as one function generated per export (see the comment below)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from programs.models import QuestionType

from .csv_cells import cells_function, export_cells_function, export_columns, sub_columns
from .spec import ADDRESS_PARTS, NAME_PARTS, as_spec, member_specs

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
    """Code setting `cells` to `cells_function(spec)(value)`; `fallback` names a function
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
    widths = [len(sub_columns(field, "")) for field in fields]
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
            function = source.constant(cells_function(field), "F")
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
            cell_function = source.constant(cells_function(spec), "F")
            _emit_cells(source, spec, "v", cells, cell_function, 1)
    if not source.cells:
        return lambda answers: []
    cells = ", ".join(f"c{i}" for i in range(source.cells))
    code = "def export_row(answers):\n" + "\n".join(source.lines) + f"\n    return [{cells}]\n"
    namespace = dict(source.constants)
    exec(compile(code, "<export_row>", "exec"), namespace)  # noqa: S102 - generated above
    return namespace["export_row"]
