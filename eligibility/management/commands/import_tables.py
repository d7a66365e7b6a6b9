import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.table_models import TableChange
from eligibility.table_services import table_document_import
from programs.documents.errors import DocumentInvalid


class Command(BaseCommand):
    help = (
        "Import a reference table document (docs/program-format.md, 'Table documents'): "
        "create or update its tables and add or correct their periods. Every problem is "
        "reported with its JSON path; on any error nothing is written and the exit status is 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                f"{file}: cannot read: {error.strerror or error}", returncode=2
            ) from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not valid JSON: {error}", returncode=2) from error
        try:
            result = table_document_import(data=data, via=TableChange.Via.COMMAND)
        except DocumentInvalid as error:
            count = len(error.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''}, nothing was imported:\n{error}",
                returncode=2,
            ) from error
        for key in result.tables_created:
            self.stdout.write(f"{key}: table created")
        for key in result.tables_updated:
            self.stdout.write(f"{key}: table details changed")
        for key, start in result.periods_added:
            self.stdout.write(f"{key}: period from {start} added")
        for key, start in result.periods_changed:
            self.stdout.write(f"{key}: period from {start} corrected")
        if not result.changed:
            self.stdout.write("nothing to change: the tables already match the document")
