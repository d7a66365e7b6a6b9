from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from programs.documents.errors import DocumentError, DocumentInvalid
from programs.documents.files import document_paths
from programs.documents.limits import MAX_DOCUMENT_BYTES, document_read
from programs.models import PublishedVersionIsImmutable
from programs.services import program_document_import


def read_documents(names) -> tuple[list[tuple[str, object]], list[str]]:
    """Read each file (a folder: each `*.json` in it); returns (documents, problems)."""
    documents, problems = [], []
    for name in names:
        paths = document_paths(name)
        if not paths:
            problems.append(f"{name}: no program documents (*.json) in this folder")
        for path in paths:
            try:
                if path.is_file() and path.stat().st_size > MAX_DOCUMENT_BYTES:
                    # Refused by its size on disk, before it is read into memory.
                    raise DocumentInvalid(
                        [DocumentError("$", f"larger than the limit of {MAX_DOCUMENT_BYTES} bytes")]
                    )
                documents.append((str(path), document_read(path.read_bytes())))
            except OSError as error:
                problems.append(f"{path}: cannot read: {error.strerror or error}")
            except DocumentInvalid as error:
                problems.extend(f"{path}: {e}" for e in error.errors)
    return documents, problems


class Command(BaseCommand):
    help = (
        "Import program documents: create or update agencies and questions, give each "
        "program a new draft version (--publish publishes it). A folder stands for every "
        "*.json document in it (a catalog). All files are validated first; on any error "
        "nothing is written and the command exits with status 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
        parser.add_argument("--publish", action="store_true", help="publish each new draft")
        parser.add_argument(
            "--effective-at",
            metavar="DATETIME",
            help="with --publish: schedule the versions to take effect then (ISO 8601, e.g. "
            "2027-04-01T00:00; local time unless an offset is given)",
        )

    # Over 60 lines: options, then every file read, then one import; a command keeps its
    # exit codes in one place.
    def handle(self, *args, files, publish, effective_at=None, **options):
        when = None
        if effective_at:
            try:
                when = parse_datetime(effective_at)
                if when is None and parse_date(effective_at) is not None:
                    when = datetime.combine(parse_date(effective_at), time.min)
            except ValueError:  # well formed but not a real moment (30 February)
                when = None
            if when is None or not publish:
                raise CommandError(
                    "--effective-at needs --publish and a date-time such as 2027-04-01T00:00",
                    returncode=2,
                )
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        documents, problems = read_documents(files)
        if problems:
            raise CommandError("\n".join(problems), returncode=2)

        imported = []
        try:
            # One transaction for every file: a bad second file leaves the first unwritten.
            with transaction.atomic():
                for name, data in documents:
                    try:
                        versions, warnings = program_document_import(
                            data=data, publish=publish, effective_at=when
                        )
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
            line = f"{version.program.slug}: version {version.number} ({version.status})"
            if version.status == version.Status.SCHEDULED:
                line += f", takes effect at {timezone.localtime(version.effective_at).isoformat()}"
            self.stdout.write(line)
