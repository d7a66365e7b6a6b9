import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.documents.export import export_document
from programs.selectors import versions_for_export


class Command(BaseCommand):
    help = (
        "Export programs as a program document (docs/program-format.md): each program's "
        "published version, else its scheduled one (with its effective_at), else its latest "
        "draft."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version picks which program version to export; it replaces Django's
        # --version (print Django's version), which is meaningless here.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="default: every program")
        parser.add_argument("--out", default="-", help="file to write (default: stdout)")
        parser.add_argument(
            "--version",
            dest="which",
            choices=["published", "scheduled", "draft"],
            default=None,
            help="export only this kind (default: published, else scheduled, else draft)",
        )

    def handle(self, *args, slugs, out, which, **options):
        versions, missing = versions_for_export(slugs=slugs, which=which)
        if missing:
            raise CommandError("no matching version for: " + ", ".join(missing), returncode=2)
        if not versions:
            raise CommandError("there are no programs to export", returncode=2)
        text = json.dumps(export_document(versions), indent=2, ensure_ascii=False) + "\n"
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"Exported {len(versions)} program(s) to {out}")
