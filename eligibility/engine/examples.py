"""check_examples: worked examples stored with a program, re-checked whenever its rule changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .rules import CompiledRule


@dataclass(frozen=True)
class ExampleFailure:
    """An example whose outcome differs from the one its author expected."""

    name: str
    expected: str
    got: str
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        detail = "; ".join(self.reasons) or ", ".join(self.missing)
        return f"{self.name}: expected {self.expected}, got {self.got} ({detail})"


def check_examples(
    compiled: CompiledRule, examples: list[dict], *, language: str = "en"
) -> list[ExampleFailure]:
    """Evaluate each ``{"name", "answers", "as_of"?, "expected"}``; return the failures.

    An example without ``as_of`` is checked as of today's date (UTC).
    """
    failures = []
    for number, example in enumerate(examples, start=1):
        name = example.get("name") or f"example {number}"
        as_of = example.get("as_of") or datetime.now(UTC).date()
        if not isinstance(as_of, date):
            as_of = date.fromisoformat(as_of)
        result = compiled.evaluate(example.get("answers", {}), as_of=as_of, language=language)
        if result.outcome != example.get("expected"):
            failures.append(
                ExampleFailure(
                    name=name,
                    expected=str(example.get("expected")),
                    got=result.outcome,
                    reasons=list(result.reasons),
                    missing=list(result.missing),
                )
            )
    return failures
