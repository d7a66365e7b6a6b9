"""Export presets: a saved, ordered choice of an agency's CSV columns.

The column picker lists the questions (the CSV's columns) of one program, or of every
program of an agency for a preset usable with any of them, each with its text and the
programs that ask it; the caseworker ticks the ones wanted and numbers their order.
Saving goes through `export_preset_save`, which checks the program or agency is one of
the user's and that every key is one of the listed questions, so a preset never names
another agency's program or a column nobody asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from agencies.exports.csv_export import exported_screen_questions, program_questions
from agencies.exports.models import ExportPreset
from agencies.exports.selection import ExportError
from agencies.review.selectors import agencies_for_user, programs_for_user


@dataclass(frozen=True)
class PresetScope:
    """Where a preset's columns come from: one program, or (program None) every program
    of the agency."""

    agency: object
    program: object | None = None

    def __str__(self):
        if self.program is not None:
            return self.program.name
        return gettext("all programs of %(agency)s") % {"agency": self.agency.name}


@dataclass(frozen=True)
class ColumnChoice:
    """One question the picker offers: its key, text and programs, and whether (and
    where) the preset being edited already has it."""

    key: str
    text: str
    program: str
    position: int | None


def _scope_questions(scope: PresetScope) -> list[tuple[object, list[str]]]:
    """(question, names of the programs asking it), each question once (one query)."""
    if scope.program is not None:
        return [(question, [scope.program.name]) for question in program_questions(scope.program)]
    rows = exported_screen_questions(
        screen__version__program__agency_id=scope.agency.pk
    ).select_related("screen__version__program")
    found: dict[str, tuple[object, list[str]]] = {}
    for row in rows:
        _question, programs = found.setdefault(row.question.key, (row.question, []))
        if row.screen.version.program.name not in programs:
            programs.append(row.screen.version.program.name)
    return list(found.values())


def column_choices(*, scope: PresetScope, chosen: list[str]) -> list[ColumnChoice]:
    """The scope's questions, the chosen ones first in their saved order."""
    positions = {key: n for n, key in enumerate(chosen, start=1)}
    questions = _scope_questions(scope)
    questions.sort(key=lambda row: positions.get(row[0].key, len(positions) + 1))
    return [
        ColumnChoice(q.key, q.text("label"), ", ".join(programs), positions.get(q.key))
        for q, programs in questions
    ]


def ordered_keys(picked: list[tuple[str, int | None, int]]) -> list[str]:
    """Keys in the order asked: (key, position or None, listing index) sorted by
    position, unnumbered ones after the numbered, ties in the order listed."""
    return [
        key
        for key, _position, _index in sorted(
            picked, key=lambda row: (row[1] is None, row[1] or 0, row[2])
        )
    ]


def _check_scope(*, user, scope: PresetScope) -> None:
    # The same answer for another agency's program or agency as for one that does not exist.
    if scope.program is not None:
        allowed = programs_for_user(user=user).filter(pk=scope.program.pk)
        allowed = allowed.filter(agency_id=scope.agency.pk)
    else:
        allowed = agencies_for_user(user=user).filter(pk=scope.agency.pk)
    if not allowed.exists():
        raise ExportError(gettext("No such program in your agencies."), path="program")


@transaction.atomic
def export_preset_save(
    *,
    user,
    scope: PresetScope,
    name: str,
    question_keys: list[str],
    drop_empty_columns: bool,
    preset: ExportPreset | None = None,
) -> ExportPreset:
    """Create or update a preset of `scope`. Raises `ExportError` (with the field it
    concerns as `path`) for another agency's program, an unknown column, no column, or a
    name the agency already uses."""
    _check_scope(user=user, scope=scope)
    if not question_keys:
        raise ExportError(gettext("Choose at least one column."), path="columns")
    known = {choice.key for choice in column_choices(scope=scope, chosen=[])}
    unknown = [key for key in question_keys if key not in known]
    if unknown:
        raise ExportError(
            gettext("Not a question of %(program)s: %(keys)s")
            % {"program": scope, "keys": ", ".join(unknown)},
            path="columns",
        )
    preset = preset or ExportPreset(created_by=user)
    preset.agency_id = scope.agency.pk
    preset.program = scope.program
    preset.name = name
    preset.question_keys = list(dict.fromkeys(question_keys))
    preset.drop_empty_columns = drop_empty_columns
    try:
        with transaction.atomic():
            preset.save()
    except IntegrityError:
        raise ExportError(
            gettext("Your agency already has a preset with this name."), path="name"
        ) from None
    return preset
