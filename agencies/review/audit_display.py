"""The audit trail in words: "Status: In review → Approved" instead of the stored dicts.

An `AuditEvent` keeps what changed as JSON (`before`, `after`) so it stays exact for an
auditor and for the API; people reading the trail in the admin get labels instead. One
function turns an event into that text, for the application's history and the audit list.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.review.workflow import Status

FIELD_LABELS = {
    "status": _("Status"),
    "assignee_name": _("Assigned to"),
    "question": _("Question"),
    "file": _("File"),
    "export": _("Export"),
    "program": _("Program"),
    "since": _("From"),
    "until": _("To"),
    "columns": _("Columns"),
    "drop_empty_columns": _("Empty columns dropped"),
    "selected_only": _("Selected rows only"),
    "batch": _("Batch"),
    "references": _("Applications"),
    "answers": _("Answers changed"),
    "api_key": _("API key"),
    "filters": _("Filters"),
    "expires_at": _("Expires"),
    "revoked_at": _("Revoked"),
    "can_view_sensitive": _("May read sensitive answers"),
}
# Kept for machines: the id beside `assignee_name`, which says the same for people.
HIDDEN_FIELDS = frozenset({"assignee"})
EXPORT_KINDS = {
    "csv": _("CSV"),
    "pdf": _("PDF"),
    "batch_pdf": _("zip of PDFs"),
    "batch_download": _("zip of PDFs downloaded"),
    "api_list": _("API list"),
    "api_read": _("API read"),
}


def _value_text(key: str, value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if key == "status" and value in Status.values:
        return str(Status(value).label)
    if key == "export":
        return str(EXPORT_KINDS.get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if key == "answers" and isinstance(value, dict):
        # Only which questions changed: the answers themselves may be sensitive.
        return ", ".join(sorted(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key.replace("_", " ").capitalize()))


def audit_change_text(event) -> str:
    """The event's change as "Label: before → after" parts joined by "; ", or "" when it
    records no change (a note, for instance)."""
    before, after = event.before or {}, event.after or {}
    parts = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in HIDDEN_FIELDS:
            continue
        if key == "answers":
            # Before and after name the same questions: say it once.
            parts.append(f"{_label(key)}: {_value_text(key, after.get(key) or before.get(key))}")
        elif key in before and key in after:
            old, new = _value_text(key, before[key]), _value_text(key, after[key])
            parts.append(f"{_label(key)}: {old} → {new}")
        else:
            parts.append(f"{_label(key)}: {_value_text(key, after.get(key, before.get(key)))}")
    return "; ".join(parts)
