"""Where program documents come from: one file, or a folder of them (a catalog)."""

from pathlib import Path


def document_paths(name: str | Path) -> list[Path]:
    """`name` itself, or, for a folder, every `*.json` file directly in it, by file name.

    A catalog keeps one program per file so that each program can be imported, reviewed
    and re-dated on its own; the sorted order makes an import of the folder repeatable.
    """
    path = Path(name)
    if path.is_dir():
        return sorted(child for child in path.glob("*.json") if child.is_file())
    return [path]
