"""Demo programs (programs.json, in the program document format) and the Washington starter
catalog (programs/catalog/washington/, one document per program) for `load_demo`."""

import json
from pathlib import Path

from django.db import transaction

from programs.documents.export import FORMAT, program_document
from programs.documents.files import document_paths
from programs.models import ProgramVersion
from programs.services import program_document_import

DEMO_FILE = Path(__file__).resolve().parent / "programs.json"
CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog" / "washington"


@transaction.atomic
def demo_programs_load(*, path: Path = DEMO_FILE) -> tuple[list[str], list[str]]:
    """Import and publish each program of `path` (a document, or a folder of them) whose
    published version differs from the file.

    Running it again changes nothing (no new versions), so `load_demo` is idempotent.
    Returns (slugs published now, slugs already up to date).
    """
    entries = [
        entry
        for file in document_paths(path)
        for entry in json.loads(file.read_text(encoding="utf-8"))["programs"]
    ]
    published = {
        version.program.slug: version
        for version in ProgramVersion.objects.filter(
            status=ProgramVersion.Status.PUBLISHED
        ).select_related("program", "program__agency")
    }
    changed, current = [], []
    for entry in entries:
        version = published.get(entry["slug"])
        if version is not None and program_document(version) == entry:
            current.append(entry["slug"])
        else:
            changed.append(entry)
    if changed:
        program_document_import(data={"format": FORMAT, "programs": changed}, publish=True)
    return [entry["slug"] for entry in changed], current
