"""Applications of one program as CSV: one row per application, streamed in constant memory.

Columns are stable: `reference`, `submitted` (ISO 8601, local time), `status` (the status
value), `entered_by_navigator` and `partner_organization` (the community navigator's
username and organization when one submitted for the resident, else empty), then for each
question the columns `programs.question_types.export_columns` names (name and address
split into parts; household members as `key.count`, then
`key.<n>.<field>` for n = 1 .. the largest household in the export). Questions are the
union of every published or archived version of the program, in version order, then screen
order: a question added in a later version is a new column at the end, empty for
applications made under earlier versions, and no existing column moves.

Rows are streamed and written one at a time, so memory does not grow with the number of
applications: on PostgreSQL through `COPY (SELECT ...) TO STDOUT` (see `_copied_records`),
elsewhere (the SQLite demo) with `.iterator(chunk_size=...)`. Dropping
empty columns needs to know, before the header is written, which columns have a value in
some row: that costs a first pass over the same rows (twice the database reading time,
still constant memory) and is why it is an option, not the default.
"""

from __future__ import annotations

import csv
import datetime
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, F, Func, IntegerField, Max, QuerySet
from django.utils import timezone

from agencies.exports.safety import FORMULA_TRIGGERS, neutralise_text_row
from agencies.exports.selection import ExportError, ExportRange, applications_in_range
from programs.models import ProgramVersion, QuestionType, ScreenQuestion
from programs.question_types import as_spec, export_columns
from programs.question_types.csv_cells import export_cells_function
from programs.question_types.csv_rows import export_row_function

FIXED_COLUMNS = ["reference", "submitted", "status", "entered_by_navigator", "partner_organization"]
CHUNK_SIZE = 2000
UTF8_BOM = "\ufeff"
_NO_ANSWERS: dict = {}  # read through .get only, never written


def exported_screen_questions(**filters) -> QuerySet[ScreenQuestion]:
    """The screen questions (of versions matching `filters`) that have CSV columns: those of
    published or archived versions, static text left out, in version then screen order."""
    return (
        ScreenQuestion.objects.filter(**filters)
        .exclude(screen__version__status=ProgramVersion.Status.DRAFT)
        .exclude(question__type=QuestionType.STATIC)
        .select_related("question")
        .order_by("screen__version__number", "screen__order", "screen_id", "order", "pk")
    )


def program_questions(program) -> list:
    """The questions of every published or archived version of `program`, each once, in
    version order then screen order (one query). Static text has no column."""
    rows = exported_screen_questions(screen__version__program_id=program.pk)
    questions, seen = [], set()
    for row in rows:
        if row.question.key not in seen:
            seen.add(row.question.key)
            questions.append(row.question)
    return questions


def choose_questions(program, question_keys: list[str] | None) -> list:
    """The program's questions, or only those named (in the order named)."""
    questions = program_questions(program)
    if not question_keys:
        return questions
    by_key = {question.key: question for question in questions}
    chosen, errors = [], []
    for index, key in enumerate(question_keys):
        if key not in by_key:
            errors.append(index)
        elif by_key[key] not in chosen:
            chosen.append(by_key[key])
    if errors:
        raise ExportError(
            f"Not a question of {program.slug}: " + ", ".join(question_keys[i] for i in errors),
            path=f"question_keys[{errors[0]}]",
        )
    return chosen


class _EpochSecond(Func):
    """A timestamp as whole seconds since 1970 (PostgreSQL), rounded down like
    `isoformat(timespec="seconds")` drops the microseconds."""

    output_field = BigIntegerField()
    template = "FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint"


class _ArrayLength(Func):
    """Length of the JSON array at one key of `answers`; NULL when it is not an array."""

    output_field = IntegerField()

    def __init__(self, key: str):
        super().__init__(F("answers"))
        self.key = key

    def as_postgresql(self, compiler, conn, **extra):
        answers, params = compiler.compile(self.source_expressions[0])
        # jsonb_typeof guards the length call: a null or scalar answer counts as no array.
        sql = (
            f"CASE WHEN jsonb_typeof({answers} -> %s) = 'array' "
            f"THEN jsonb_array_length({answers} -> %s) END"
        )
        return sql, [*params, self.key, *params, self.key]

    def as_sql(self, compiler, conn, **extra):  # SQLite, the embedded demo
        answers, params = compiler.compile(self.source_expressions[0])
        path = '$."' + self.key.replace('"', "") + '"'
        sql = (
            f"CASE WHEN json_type({answers}, %s) = 'array' "
            f"THEN json_array_length({answers}, %s) END"
        )
        return sql, [*params, path, *params, path]


def household_sizes(queryset: QuerySet, questions) -> dict[str, int]:
    """{household question key: most members in any row}, in one aggregate query."""
    keys = [q.key for q in questions if q.type == QuestionType.HOUSEHOLD_MEMBERS]
    if not keys:
        return {}
    aggregates = {f"m{i}": Max(_ArrayLength(key)) for i, key in enumerate(keys)}
    result = queryset.order_by().aggregate(**aggregates)
    return {key: result[f"m{i}"] or 0 for i, key in enumerate(keys)}


@dataclass
class _Column:
    """One question's slice of the row: its column names and how to fill them."""

    key: str
    names: list[str]
    cells: Callable[[object], list[str]]


def _column_for(question, members: int, can_view_sensitive: bool) -> _Column:
    spec = as_spec(question)
    return _Column(
        key=spec.key,
        names=export_columns(spec, members=members),
        cells=export_cells_function(spec, members=members, can_view_sensitive=can_view_sensitive),
    )


# Column types of the COPY below, in `CsvExport.rows`' order: the JSON answers stay text.
_COPY_TYPES = ("text", "int8", "text", "text", "text", "text")


def _copied_records(rows: QuerySet, types) -> Iterator[tuple]:
    """The records of `rows` (a `values_list`) on PostgreSQL, read from `COPY (SELECT ...)
    TO STDOUT` (parsed as `types`): the server streams the rows and prepares the next ones
    while Python writes these, where a server-side cursor would wait idle between two
    FETCHes (the database's whole share of the time then overlaps the export's). Memory
    stays flat: psycopg reads one row at a time and the server waits while the socket is
    full. No Django converters run: JSON fields come as text, for `_json_value`.

    The connection is busy until the last record is read: the caller must not run other
    queries on it in between (no export does). Closing the generator early cancels the
    COPY; inside a transaction, which a cancel would abort, the rest is read instead."""
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:  # e.g. `.none()` for someone who may see nothing
        return
    connection = connections[rows.db]
    # COPY takes no bound parameters: they are merged into the text as psycopg quotes them.
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT"
    started = time.monotonic()
    try:
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.set_types(types)
            try:
                yield from copy.rows()
            except GeneratorExit:
                if connection.in_atomic_block or not connection.get_autocommit():
                    while copy.read():
                        pass
                raise
    finally:
        # Counted like any other query (DEBUG, assertNumQueries), which it bypasses.
        if connection.queries_logged:
            elapsed = time.monotonic() - started
            connection.queries_log.append({"sql": statement, "time": f"{elapsed:.3f}"})


# orjson reads an integer beyond 64 bits as a float, where json (and so Django's JSONField)
# keeps it exact. Such a number is 19 digits or more in a row: any text with that many
# goes to json instead (a cheap test, in C: digits become 1s, then one search).
_DIGITS_AS_ONES = bytes(1 if 0x30 <= code <= 0x39 else 0 for code in range(256))
_LONG_NUMBER = b"\x01" * 19


def _json_value(text: str):
    """What `JSONField.from_db_value` makes of the text: its JSON, or the text itself.
    Decoded by orjson (twice as fast as json on the export's answers) when that gives the
    same values, as it does for every text without 19 digits in a row."""
    data = text.encode()
    if data.translate(_DIGITS_AS_ONES).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # json decides, with its own answers for what orjson refuses
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _concatenated(columns: list[_Column]) -> Callable[[dict], list[str]]:
    def answer_cells(answers):
        row = []
        for column in columns:
            row += column.cells(answers.get(column.key))
        return neutralise_text_row(row)

    return answer_cells


@dataclass
class CsvExport:
    """A prepared export: call `lines()` to stream it (as often as needed)."""

    queryset: QuerySet
    columns: list[_Column]
    bom: bool = False
    drop_empty_columns: bool = False
    chunk_size: int = CHUNK_SIZE
    header: list[str] = field(default_factory=list)
    # The cells of all columns from one application's answers, formulas neutralised,
    # generated once per export by `prepare_csv_export`; without it each column's own
    # function is called.
    answer_cells: Callable[[dict], list[str]] | None = None

    def __post_init__(self):
        self.header = FIXED_COLUMNS + [name for column in self.columns for name in column.names]

    def rows(self) -> Iterator[list[str]]:
        """Every application as a list of cells in header order, formulas neutralised."""
        # The export's time zone is the one active when it starts (looking it up per row
        # is a tenth of the export's time).
        tz = timezone.get_current_timezone()
        queryset = self.queryset
        postgresql = connections[queryset.db].vendor == "postgresql"
        if postgresql:
            # Whole seconds are all the column shows; reading them as an integer skips
            # parsing a timestamp per row in Python.
            queryset = queryset.annotate(_submitted_second=_EpochSecond("submitted_at"))
            submitted = "_submitted_second"
            fromtimestamp = datetime.datetime.fromtimestamp

            def local_iso(second):
                return fromtimestamp(second, tz).isoformat(timespec="seconds")

        else:
            submitted = "submitted_at"

            def local_iso(submitted_at):
                return submitted_at.astimezone(tz).isoformat(timespec="seconds")

        rows = queryset.values_list(
            "reference",
            submitted,
            "status",
            "submission__entered_by_navigator__username",
            "submission__partner_organization__name",
            "answers",
        )
        answer_cells = self.answer_cells or _concatenated(self.columns)
        if postgresql:
            records = _copied_records(rows, _COPY_TYPES)
        else:
            records = rows.iterator(chunk_size=self.chunk_size)
        # Closed as soon as this generator is (a download cut short ends the COPY).
        with closing(records):
            for reference, when, status, navigator, organization, answers in records:
                row = neutralise_text_row(
                    [reference, local_iso(when), status, navigator or "", organization or ""]
                )
                if postgresql and answers.__class__ is str:
                    answers = _json_value(answers)
                row += answer_cells(answers or _NO_ANSWERS)
                yield row

    def _kept_positions(self) -> list[int] | None:
        if not self.drop_empty_columns:
            return None
        width = len(self.header)
        filled = set(range(len(FIXED_COLUMNS)))
        for row in self.rows():
            filled.update(i for i in range(width) if i not in filled and row[i] != "")
            if len(filled) == width:
                break
        return sorted(filled)

    def lines(self) -> Iterator[str]:
        """The CSV text, one line at a time (the first one prefixed with a BOM if asked)."""
        keep = self._kept_positions()
        buffer = _LineBuffer()
        writer = csv.writer(buffer)
        header = self.header if keep is None else [self.header[i] for i in keep]
        first = writer.writerow(header)
        yield (UTF8_BOM + first) if self.bom else first
        for row in self.rows():
            if keep is not None:
                row = [row[i] for i in keep]
            yield writer.writerow(row)


class _LineBuffer:
    """A file-like object whose write returns the text, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def prepare_csv_export(
    *,
    queryset: QuerySet,
    export_range: ExportRange,
    question_keys: list[str] | None = None,
    drop_empty_columns: bool = False,
    can_view_sensitive: bool = False,
    bom: bool = False,
) -> CsvExport:
    """An export of the applications of `queryset` (already scoped to what the requester
    may see) in `export_range`. Raises `ExportError` for unknown question keys or dates in
    the wrong order. Costs two queries (questions, household sizes) before streaming."""
    selected = applications_in_range(queryset, export_range)
    questions = choose_questions(export_range.program, question_keys)
    sizes = household_sizes(selected, questions)
    columns = [
        _column_for(question, sizes.get(question.key, 0), can_view_sensitive)
        for question in questions
    ]
    answer_cells = export_row_function(
        questions,
        members=sizes,
        can_view_sensitive=can_view_sensitive,
        formula_triggers=FORMULA_TRIGGERS,
    )
    return CsvExport(
        queryset=selected,
        columns=columns,
        bom=bom,
        drop_empty_columns=drop_empty_columns,
        answer_cells=answer_cells,
    )


def csv_filename(export_range: ExportRange) -> str:
    parts = [export_range.program.slug]
    if export_range.since:
        parts.append(f"from-{export_range.since.isoformat()}")
    if export_range.until:
        parts.append(f"to-{export_range.until.isoformat()}")
    return "-".join(parts) + ".csv"


def write_lines(lines: Iterable[str], stream) -> int:
    """Write `lines` to a text stream; returns the number of data rows written."""
    count = -1
    for line in lines:
        stream.write(line)
        count += 1
    return max(count, 0)


__all__ = [
    "FIXED_COLUMNS",
    "CsvExport",
    "choose_questions",
    "csv_filename",
    "household_sizes",
    "prepare_csv_export",
    "program_questions",
    "write_lines",
]
