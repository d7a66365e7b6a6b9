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


def values_in_reading_order(values: dict) -> list[tuple[str, object]]:
    """A rule's named values, each after the values it uses, in the order it uses them.

    PostgreSQL's `jsonb` keeps object keys shortest first, so the stored order is not the
    order an admin typed: "net_income" would come before the "gross_income" it is computed
    from. Starting from the values no other value uses (in stored order), each value is
    listed after the ones it names, which gives back the order a person writes them in."""

    def named_in(node) -> list[str]:
        if isinstance(node, dict):
            found = [node["named"]] if isinstance(node.get("named"), str) else []
            return found + [name for part in node.values() for name in named_in(part)]
        if isinstance(node, list):
            return [name for part in node for name in named_in(part)]
        return []

    uses = {name: [n for n in named_in(node) if n in values] for name, node in values.items()}
    used = {n for names in uses.values() for n in names}
    ordered: dict[str, object] = {}

    def visit(name: str, path: set) -> None:
        if name in ordered or name in path:  # done, or a cycle (which the engine refuses)
            return
        for other in uses[name]:
            visit(other, path | {name})
        ordered[name] = values[name]

    for name in [n for n in values if n not in used] + list(values):
        visit(name, set())
    return list(ordered.items())
