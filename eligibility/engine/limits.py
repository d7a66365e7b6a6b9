"""Size limits for rule and estimate JSON, checked before anything recursive touches it.

The parser, the code generator and Python's own compiler all recurse over the rule tree, so a
rule nested thousands deep would end in a RecursionError, and one with tens of thousands of
conditions would make every screening slow for everyone. This walk is iterative and stops at the
first breach of each kind, so it is cheap and safe on any input. Real program rules stay far
below these limits (the deepest demo rule nests 9 levels).
"""

from __future__ import annotations

MAX_DEPTH = 64  # nested JSON objects and lists
MAX_ITEMS = 1_000  # items in one list, or keys in one object
MAX_NODES = 20_000  # values in the whole rule
MAX_TEXT = 10_000  # characters in one string


def check(
    document: object,
    *,
    max_depth: int = MAX_DEPTH,
    max_items: int | None = MAX_ITEMS,
    max_nodes: int | None = MAX_NODES,
) -> list[tuple[str, str]]:
    """``(JSON path, message)`` for each limit ``document`` breaks; empty when within limits.

    ``None`` turns the item or node limit off (a whole program document may hold many rules).
    """
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()

    def report(kind: str, path: str, message: str) -> None:
        if kind not in seen:  # one error per kind: a hostile rule would otherwise give millions
            seen.add(kind)
            problems.append((path, message))

    nodes = 0
    stack: list[tuple[object, str, int]] = [(document, "$", 1)]
    while stack:
        value, path, depth = stack.pop()
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            report("nodes", "$", f"the rule is too large (more than {max_nodes:,} values)")
            break
        if isinstance(value, str):
            if "\x00" in value:
                report("nul", path, "text must not contain a NUL character (\\u0000)")
            if len(value) > MAX_TEXT:
                report("text", path, f"text is longer than {MAX_TEXT:,} characters")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            report("depth", path, f"nested more than {max_depth} levels deep")
            continue
        if max_items is not None and len(value) > max_items:
            report("width", path, f"more than {max_items:,} items in one list or object")
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and "\x00" in key:
                    report("nul", path, "a key must not contain a NUL character (\\u0000)")
                    continue
                stack.append((item, f"{path}.{key}", depth + 1))
        else:
            for index, item in enumerate(value):
                stack.append((item, f"{path}[{index}]", depth + 1))
    return problems
