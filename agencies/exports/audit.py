"""Every export leaves a row in the audit trail: who (a person or an API key), what
(format, program, dates, columns) and, for single applications, which one."""

from __future__ import annotations

from agencies.review.models import AuditEvent
from agencies.review.services import audit_record


def export_record(
    *,
    actor,
    agency,
    kind: str,
    details: dict | None = None,
    application=None,
    api_key=None,
    object_repr: str = "",
) -> AuditEvent:
    """Record one export. `kind`: csv, pdf, batch_pdf, batch_download, api_list, api_read.

    An API key acts for no user: the key's prefix and name are recorded instead, so the
    trail still says which of the agency's systems read the data.
    """
    after = {"export": kind, **(details or {})}
    if api_key is not None:
        after["api_key"] = f"{api_key.prefix} ({api_key.name})"
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORTED,
        application=application,
        agency=agency,
        object_repr=object_repr
        or (f"API key {api_key.prefix}: {kind}" if api_key is not None and not application else ""),
        after=after,
    )
