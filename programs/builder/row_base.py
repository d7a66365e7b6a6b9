"""What the builder's row outlines share: a problem found on a row, a row's depth, the rows
indented directly under a row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the rule as a whole
    field: str | None  # None: the row as a whole
    message: str


def depth_of(row: dict) -> int:
    try:
        return max(0, int(row.get("depth") or 0))
    except (TypeError, ValueError):
        return 0


def children_of(rows: list[dict], index: int) -> list[int]:
    depth = depth_of(rows[index])
    found = []
    for other in range(index + 1, len(rows)):
        if depth_of(rows[other]) <= depth:
            break
        if depth_of(rows[other]) == depth + 1:
            found.append(other)
    return found
