"""Parse an untrusted JSON request body within limits on size and nesting depth.

Python's `json` recurses once per nesting level, so a body of 100,000 `[` raises
RecursionError (a 500) before any validation runs; the depth is measured first with a
flat scan that does not recurse. Both limits are settings (docs/api.md).
"""

from __future__ import annotations

import json

from django.conf import settings


class JsonLimitError(ValueError):
    """The body breaks a limit or is not JSON; the message names which."""


def _max_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads_limited(
    body: bytes | str,
    *,
    max_bytes: int | None = None,
    max_depth: int | None = None,
    refuse_nul: bool = True,
):
    """`json.loads` for request bodies: raises JsonLimitError for a body over
    `API_MAX_BODY_BYTES`, nested deeper than `API_MAX_JSON_DEPTH`, not JSON, or (unless
    the caller checks that itself, with the path of the string) holding a NUL character."""
    max_bytes = settings.API_MAX_BODY_BYTES if max_bytes is None else max_bytes
    max_depth = settings.API_MAX_JSON_DEPTH if max_depth is None else max_depth
    if len(body) > max_bytes:
        raise JsonLimitError(f"the body is larger than the limit of {max_bytes} bytes")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as error:
        raise JsonLimitError(f"not valid JSON: {error}") from None
    if _max_depth(text) > max_depth:
        raise JsonLimitError(f"the JSON is nested deeper than the limit of {max_depth} levels")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonLimitError(f"not valid JSON: {error}") from None
    # PostgreSQL stores no NUL in text or jsonb; refused here rather than as a DataError.
    if refuse_nul and "\\u0000" in text.lower():
        raise JsonLimitError("text cannot contain the NUL character (\\u0000)")
    return value


def request_json(request):
    """The request's JSON body within the limits; the size is checked against
    Content-Length before the body is read, so a huge body is never loaded."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.API_MAX_BODY_BYTES:
        raise JsonLimitError(
            f"the body is larger than the limit of {settings.API_MAX_BODY_BYTES} bytes"
        )
    return loads_limited(request.body)
