"""The review workflow of an application, declared once.

Every status change goes through `agencies.review.services.application_set_status`, which
consults this table and raises `InvalidStatusTransition` for any move not listed here.
"""

from django.utils.translation import gettext

from applicants.models import Application

Status = Application.Status


class InvalidStatusTransition(Exception):
    """An application was asked to move to a status its current status does not allow."""

    def __init__(self, current: str, requested: str, message: str | None = None):
        self.current = current
        self.requested = requested
        if message is None:
            requested_label = (
                Status(requested).label if requested in Status.values else repr(requested)
            )
            message = gettext(
                "An application that is %(current)s cannot move to %(requested)s."
            ) % {"current": Status(current).label, "requested": requested_label}
        super().__init__(message)


class NoteRequired(InvalidStatusTransition):
    """The requested move is allowed but only with a note explaining it (e.g. a denial)."""


# The only moves an application may make. "More information needed" hands the turn to the
# resident; their answer comes back as "resubmitted" and goes through review again. A
# decision (approved/denied) or a withdrawal is final: reopening one is a new application.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset(
        {Status.APPROVED, Status.DENIED, Status.MORE_INFO_NEEDED, Status.WITHDRAWN}
    ),
    Status.MORE_INFO_NEEDED: frozenset({Status.RESUBMITTED, Status.DENIED, Status.WITHDRAWN}),
    Status.RESUBMITTED: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.APPROVED: frozenset(),
    Status.DENIED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# A resident must be told why; the note is the record of that reason.
NOTE_REQUIRED: frozenset[str] = frozenset({Status.DENIED, Status.MORE_INFO_NEEDED})

# Statuses in which the agency owes the next step: these count as "waiting".
WAITING_ON_AGENCY: frozenset[str] = frozenset(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED}
)
DECIDED: frozenset[str] = frozenset({Status.APPROVED, Status.DENIED})
FINAL: frozenset[str] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def allowed_transitions(current: str) -> frozenset[str]:
    """The statuses an application in `current` may move to (empty for final statuses)."""
    return TRANSITIONS.get(current, frozenset())


def can_transition(current: str, requested: str) -> bool:
    return requested in allowed_transitions(current)


def check_transition(*, current: str, requested: str, note: str) -> None:
    """Raise `InvalidStatusTransition` (or `NoteRequired`) unless the move is allowed."""
    if requested not in Status.values or not can_transition(current, requested):
        raise InvalidStatusTransition(current, requested)
    if requested in NOTE_REQUIRED and not (note or "").strip():
        raise NoteRequired(
            current,
            requested,
            gettext("Moving an application to %(status)s needs a note saying why.")
            % {"status": Status(requested).label},
        )
