"""Question `pattern`s: vetted at import and run with a time limit.

A pattern is a regular expression from a program document, run on residents' input.
Python's `re` has no time limit, and `^(a+)+$` takes seconds on 27 characters (doubling
with each one), so one careless pattern could stall every web worker. Two guards:
- at import, a pattern with a quantified group that itself repeats (`(a+)+`, `(a|aa)*`,
  `(\\w*\\s?)*`), the shape behind catastrophic backtracking, is refused with its path;
- at run time, matching uses the `regex` package with PATTERN_TIMEOUT_SECONDS, and a
  pattern that runs out of time counts as not matching (and is logged).
"""

from __future__ import annotations

import logging

import regex
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PATTERN_TIMEOUT_SECONDS = 0.05
MAX_PATTERN_LENGTH = 500


def _groups(pattern: str):
    """(body, quantified) for each group, found by a flat scan that skips escapes and
    character classes."""
    opened: list[int] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A `]` right after `[` or `[^` is a literal, not the end of the class.
            if pattern[index + 1 : index + 2] == "^":
                index += 1
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            opened.append(index)
        elif char == ")" and opened:
            start = opened.pop()
            following = pattern[index + 1 : index + 2]
            yield pattern[start + 1 : index], following in ("+", "*", "{")
        index += 1


def _repeats(body: str) -> bool:
    """Whether a group's body can match in more than one way per repetition: it holds an
    unbounded repeat or an alternation (escapes and character classes aside)."""
    flat = regex.sub(r"\\.|\[\^?\]?(?:[^\]\\]|\\.)*\]", "x", body)
    return bool(regex.search(r"[+*|]|\{\d*,\}", flat))


def pattern_problem(pattern) -> str | None:
    """Why `pattern` cannot be used, or None when it is safe to run."""
    if not isinstance(pattern, str):
        return _("a pattern must be text")
    if len(pattern) > MAX_PATTERN_LENGTH:
        return _("a pattern is at most %(limit)d characters") % {"limit": MAX_PATTERN_LENGTH}
    if "\x00" in pattern:
        return _("a pattern cannot contain a NUL character")
    try:
        regex.compile(pattern)
    except (regex.error, TypeError, ValueError) as error:
        return _("not a valid pattern: %(error)s") % {"error": error}
    if any(quantified and _repeats(body) for body, quantified in _groups(pattern)):
        return _(
            "this pattern repeats a group that itself repeats (like (a+)+ or (a|b)*), "
            "which can take minutes on some inputs; write it without the nested repeat"
        )
    return None


def pattern_fullmatch(pattern: str, value: str) -> bool:
    """Whether `value` matches `pattern` in full, giving up after the time limit."""
    try:
        return regex.fullmatch(pattern, value, timeout=PATTERN_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        logger.warning("pattern %r ran out of time on a %d-character value", pattern, len(value))
        return False
