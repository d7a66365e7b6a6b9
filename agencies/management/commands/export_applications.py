"""Export one program's applications as CSV, or as PDFs (a zip or a directory).

    python manage.py export_applications --program SLUG [--since YYYY-MM-DD]
        [--until YYYY-MM-DD] --format csv|pdf --out PATH [--columns KEY,KEY]
        [--drop-empty-columns] [--bom] [--include-sensitive]

`--out -` writes CSV to standard output. For pdf, an --out ending in ".zip" is a zip of
one PDF per application; anything else is a directory (created if needed) of PDFs.
Sensitive answers are masked unless --include-sensitive is given. Bad arguments exit with
code 2 and a message; every export is recorded in the audit trail (actor "system").
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.exports.audit import export_record
from agencies.exports.batch import iter_pdfs, write_pdf_zip
from agencies.exports.csv_export import csv_filename, prepare_csv_export, write_lines
from agencies.exports.pdf_export import PdfOptions
from agencies.exports.selection import ExportError, ExportRange, applications_in_range
from applicants.models import Application
from programs.models import Program


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Export a program's applications as CSV or PDF (see docs/api.md, 'Exports')."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program slug")
        parser.add_argument("--since", help="submitted on or after (YYYY-MM-DD, local day)")
        parser.add_argument("--until", help="submitted on or before (YYYY-MM-DD, local day)")
        parser.add_argument("--format", required=True, choices=["csv", "pdf"])
        parser.add_argument("--out", required=True, help="file, directory, .zip, or - (csv)")
        parser.add_argument("--columns", help="comma-separated question keys (csv)")
        parser.add_argument("--drop-empty-columns", action="store_true")
        parser.add_argument("--bom", action="store_true", help="UTF-8 BOM for Excel (csv)")
        parser.add_argument("--include-sensitive", action="store_true")

    def handle(self, *args, **options):
        program = Program.objects.select_related("agency").filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"no program with slug {options['program']!r}", returncode=2)
        since = _date(options["since"]) if options["since"] else None
        until = _date(options["until"]) if options["until"] else None
        export_range = ExportRange(program=program, since=since, until=until)
        keys = [k.strip() for k in (options["columns"] or "").split(",") if k.strip()] or None
        sensitive = options["include_sensitive"]
        try:
            if options["format"] == "csv":
                count, where = self._csv(export_range, keys, options)
            else:
                if options["out"] == "-":
                    raise ExportError("pdf needs a file or directory for --out", path="out")
                count, where = self._pdf(export_range, sensitive, Path(options["out"]))
        except ExportError as error:
            option = "columns" if error.path.startswith("question_keys") else error.path
            raise CommandError(f"--{option}: {error}", returncode=2) from None
        export_record(
            actor=None,
            agency=program.agency_id,
            kind=f"command_{options['format']}",
            details={**export_range.describe(), "rows": count, "columns": keys or "all"},
            object_repr=f"{options['format'].upper()} export of {program.slug} (command)",
        )
        self.stderr.write(f"{count} applications exported to {where}")

    def _csv(self, export_range, keys, options):
        export = prepare_csv_export(
            queryset=Application.objects.all(),
            export_range=export_range,
            question_keys=keys,
            drop_empty_columns=options["drop_empty_columns"],
            can_view_sensitive=options["include_sensitive"],
            bom=options["bom"],
        )
        out = options["out"]
        if out == "-":
            return write_lines(export.lines(), sys.stdout), "standard output"
        path = Path(out)
        if path.is_dir():
            path = path / csv_filename(export_range)
        try:
            with path.open("w", encoding="utf-8", newline="") as handle:
                return write_lines(export.lines(), handle), str(path)
        except OSError as error:
            raise ExportError(f"cannot write {path}: {error.strerror}", path="out") from None

    def _pdf(self, export_range, sensitive, out: Path):
        queryset = applications_in_range(Application.objects.all(), export_range)
        options = PdfOptions(can_view_sensitive=sensitive, staff=True)
        try:
            if out.suffix.lower() == ".zip":
                return write_pdf_zip(queryset, out, options=options), str(out)
            out.mkdir(parents=True, exist_ok=True)
            count = 0
            for name, pdf in iter_pdfs(queryset, options=options):
                (out / name).write_bytes(pdf)
                count += 1
            return count, str(out)
        except OSError as error:
            raise ExportError(f"cannot write {out}: {error.strerror}", path="out") from None
