"""The dependency contracts of docs/architecture.md, checked over the AST import graph.

Run by `make lint`. Every `import` and `from ... import` counts, at module level or
inside a function (an import moved into a function still couples the two packages).
Exit code 1 lists every broken contract with the file, the line and the rule; 0 otherwise.

Usage: python scripts/check_imports.py [ROOT]   (ROOT defaults to the project root)
"""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_PACKAGES = (
    "agencies",
    "applicants",
    "civiportal",
    "eligibility",
    "notifications",
    "organizations",
    "programs",
)


@dataclass(frozen=True)
class Contract:
    source: str  # a dotted package: the modules the contract constrains
    forbidden: tuple[str, ...]  # dotted prefixes they may not import
    why: str
    allowed: tuple[str, ...] = ()  # exceptions inside `forbidden`


CONTRACTS = (
    Contract(
        "eligibility.engine",
        ("django", *PROJECT_PACKAGES),
        "the engine is pure Python: it imports no Django and no app",
        allowed=("eligibility.engine",),
    ),
    Contract("applicants", ("agencies",), "applicants never imports agencies"),
    Contract(
        "programs", ("applicants", "agencies"), "programs imports neither applicants nor agencies"
    ),
    Contract(
        "organizations",
        ("agencies", "applicants", "eligibility", "notifications", "programs"),
        "organizations sits below every app that names an agency",
    ),
    Contract(
        "notifications",
        ("agencies", "applicants"),
        "notifications names applicants' models by string and tells others by signal",
    ),
)


def _matches(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool):
    """(line, absolute module name) for every import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from agencies import routing` imports the package and its sub-module.
            yield node.lineno, target
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"


def violations(root: Path) -> list[str]:
    found = []
    for contract in CONTRACTS:
        package_dir = root.joinpath(*contract.source.split("."))
        for path in sorted(package_dir.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = _module_name(path, root)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            reported = set()
            for line, target in imported_modules(tree, module, path.name == "__init__.py"):
                if (
                    _matches(target, contract.forbidden)
                    and not _matches(target, contract.allowed)
                    and line not in reported
                ):
                    reported.add(line)
                    found.append(
                        f"{path.relative_to(root)}:{line}: imports {target}"
                        f" (contract: {contract.why})"
                    )
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    broken = violations(root)
    for message in broken:
        print(message, file=sys.stderr)
    if broken:
        print(
            f"{len(broken)} import(s) break the contracts in docs/architecture.md", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
