"""Export presets: a saved, ordered choice of an agency's CSV columns.

The column picker lists a program's questions (the CSV's columns, `program_questions`)
with their text; the caseworker ticks the ones wanted and numbers their order. Saving goes
through `export_preset_save`, which checks the program is one of the user's agencies' and
that every key is one of its questions, so a preset can never name another agency's
program or a column the export would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from agencies.export_models import ExportPreset
from agencies.exports.csv_export import program_questions
from agencies.exports.selection import ExportError
from agencies.selectors import programs_for_user


@dataclass(frozen=True)
class ColumnChoice:
    """One question the picker offers: its key, text and program, and whether (and
    where) the preset being edited already has it."""

    key: str
    text: str
    program: str
    position: int | None


def column_choices(*, program, chosen: list[str]) -> list[ColumnChoice]:
    """The program's questions, the chosen ones first in their saved order."""
    positions = {key: n for n, key in enumerate(chosen, start=1)}
    questions = program_questions(program)
    questions.sort(key=lambda q: positions.get(q.key, len(positions) + 1))
    return [
        ColumnChoice(q.key, q.text("label"), program.name, positions.get(q.key)) for q in questions
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


@transaction.atomic
def export_preset_save(
    *,
    user,
    program,
    name: str,
    question_keys: list[str],
    drop_empty_columns: bool,
    preset: ExportPreset | None = None,
) -> ExportPreset:
    """Create or update a preset of `program`'s agency. Raises `ExportError` (with the
    field it concerns as `path`) for another agency's program, an unknown column, no
    column, or a name the agency already uses."""
    if not programs_for_user(user=user).filter(pk=program.pk).exists():
        raise ExportError(gettext("No such program in your agencies."), path="program")
    if not question_keys:
        raise ExportError(gettext("Choose at least one column."), path="columns")
    known = {question.key for question in program_questions(program)}
    unknown = [key for key in question_keys if key not in known]
    if unknown:
        raise ExportError(
            gettext("Not a question of %(program)s: %(keys)s")
            % {"program": program.name, "keys": ", ".join(unknown)},
            path="columns",
        )
    preset = preset or ExportPreset(created_by=user)
    preset.agency_id = program.agency_id
    preset.program = program
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
