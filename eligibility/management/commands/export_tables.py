from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility.table_selectors import document_text, tables_document


class Command(BaseCommand):
    help = (
        "Export reference tables as a table document (docs/program-format.md, 'Table "
        "documents'); importing it back and exporting again gives the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", metavar="KEY", help="default: every table")
        parser.add_argument("--out", default="-", help="file to write (default: stdout)")

    def handle(self, *args, keys, out, **options):
        document = tables_document(keys=keys or None)
        found = {entry["key"] for entry in document["tables"]}
        missing = [key for key in keys if key not in found]
        if missing:
            raise CommandError("no such table: " + ", ".join(missing), returncode=2)
        if not document["tables"]:
            raise CommandError("there are no tables to export", returncode=2)
        text = document_text(document)
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            Path(out).write_text(text, encoding="utf-8")
