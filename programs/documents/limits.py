"""Size limits on program documents, checked before anything else looks at one.

A document is read from a file or an admin upload by people we trust to publish, but a
mistaken or hostile one must not tie up the portal: 20,000 empty program entries took
217 s to validate entry by entry. These limits are checked first, in one flat pass, and
reported with their JSON paths like every other document error (import exits 2, nothing
is written). Rule depth and width are the engine's own limits (eligibility/engine).
"""

from __future__ import annotations

from civiportal.json_limits import JsonLimitError, loads_limited

from .errors import DocumentError, DocumentInvalid

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Only guards the JSON reader's own recursion; rules have a far smaller depth limit.
MAX_DOCUMENT_DEPTH = 500
MAX_PROGRAMS = 100
MAX_VALUES = 200_000
# Per program: list name -> most entries.
MAX_PROGRAM_ENTRIES = {"questions": 500, "screens": 200, "examples": 500}
MAX_SCREEN_QUESTIONS = 200
MAX_OPTIONS = 500


def document_read(text: bytes | str):
    """Parse a document's JSON within the size and nesting limits; DocumentInvalid at `$`."""
    try:
        # NUL characters are reported by validate_document with the path of their string.
        return loads_limited(
            text, max_bytes=MAX_DOCUMENT_BYTES, max_depth=MAX_DOCUMENT_DEPTH, refuse_nul=False
        )
    except JsonLimitError as error:
        raise DocumentInvalid([DocumentError("$", str(error))]) from None


def _too_many(path: str, items, limit: int, what: str) -> list[DocumentError]:
    if isinstance(items, list) and len(items) > limit:
        return [DocumentError(path, f"at most {limit} {what} (found {len(items)})")]
    return []


def _value_count(data, stop_after: int) -> int:
    count, pending = 0, [data]
    while pending and count <= stop_after:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def limit_errors(data) -> list[DocumentError]:
    """Every size limit the document breaks, with its path; [] when it fits."""
    if not isinstance(data, dict):
        return []
    programs = data.get("programs")
    errors = _too_many("$.programs", programs, MAX_PROGRAMS, "programs in one document")
    if errors:
        return errors
    if _value_count(data, MAX_VALUES) > MAX_VALUES:
        return [DocumentError("$", f"the document has more than {MAX_VALUES} values")]
    for index, program in enumerate(programs if isinstance(programs, list) else []):
        if not isinstance(program, dict):
            continue
        prefix = f"$.programs[{index}]"
        for name, limit in MAX_PROGRAM_ENTRIES.items():
            errors += _too_many(f"{prefix}.{name}", program.get(name), limit, name)
        for s_index, screen in enumerate(_list(program.get("screens"))):
            if isinstance(screen, dict):
                errors += _too_many(
                    f"{prefix}.screens[{s_index}].questions",
                    screen.get("questions"),
                    MAX_SCREEN_QUESTIONS,
                    "questions on a screen",
                )
        for q_index, question in enumerate(_list(program.get("questions"))):
            if isinstance(question, dict):
                errors += _too_many(
                    f"{prefix}.questions[{q_index}].options",
                    question.get("options"),
                    MAX_OPTIONS,
                    "options",
                )
    return errors


def _list(value) -> list:
    return value if isinstance(value, list) else []
