import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.documents.errors import DocumentError, DocumentInvalid
from programs.models import PublishedVersionIsImmutable
from programs.services import program_document_import


class Command(BaseCommand):
    help = (
        "Import program documents: create or update agencies and questions, give each "
        "program a new draft version (--publish publishes it). All files are validated "
        "first; on any error nothing is written and the command exits with status 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--publish", action="store_true", help="publish each new draft")

    def handle(self, *args, files, publish, **options):
        documents = []
        problems: list[str] = []
        for name in files:
            try:
                documents.append((name, json.loads(Path(name).read_text(encoding="utf-8"))))
            except OSError as error:
                problems.append(f"{name}: cannot read: {error.strerror or error}")
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                problems.append(f"{name}: not valid JSON: {error}")
            except RecursionError:
                # Python's JSON parser recurses; a hostile file must not end in a traceback.
                problems.append(f"{name}: not accepted: JSON nested too deeply to read")
        if problems:
            raise CommandError("\n".join(problems), returncode=2)

        imported = []
        try:
            # One transaction for every file: a bad second file leaves the first unwritten.
            with transaction.atomic():
                for name, data in documents:
                    try:
                        versions, warnings = program_document_import(data=data, publish=publish)
                    except DocumentInvalid as error:
                        raise DocumentInvalid(
                            [DocumentError(f"{name}: {e.path}", e.message) for e in error.errors]
                        ) from error
                    for warning in warnings:
                        self.stderr.write(f"warning: {name}: {warning}")
                    imported.extend(versions)
        except DocumentInvalid as error:
            count = len(error.errors)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''}, nothing was imported:\n{error}",
                returncode=2,
            ) from error
        except PublishedVersionIsImmutable as error:
            raise CommandError(str(error), returncode=2) from error
        for version in imported:
            self.stdout.write(
                f"{version.program.slug}: version {version.number} ({version.status})"
            )
