"""Errors found in a program document, each tied to the JSON path of the bad field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentError:
    """One problem: where it is (`$.programs[0].screens[2].questions[1]`) and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentInvalid(ValueError):
    """A document (or a version validated as one) that cannot be imported or published."""

    def __init__(self, errors: list[DocumentError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors) or "invalid document")


def json_path(parts) -> str:
    """`["programs", 0, "slug"]` -> `$.programs[0].slug`."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
