"""What a resident is told about an application after submitting it, in their language:
its history, the caseworker's message with a decision, the agency's contact details, the
program's next steps or how to appeal, and an open request for information.

`application_followup` is the one context function for the resident's page, their PDF
and the emails about the application (whatever sends them), so all say the same thing.
"""

from applicants.models import Application, ApplicationUpdate
from applicants.selectors import application_history, open_request
from programs.models import Question

Status = Application.Status
# A resident may withdraw until a decision (or an earlier withdrawal) closes the application.
WITHDRAWABLE = frozenset(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.MORE_INFO_NEEDED, Status.RESUBMITTED}
)


def _agency_contact(agency, language: str) -> dict:
    return {
        "name": agency.name,
        "phone": agency.phone,
        "email": agency.contact_email,
        "website": agency.website,
        "address": agency.text("address", language),
        "hours": agency.text("hours", language),
    }


def _question_labels(keys: list[str], language: str) -> list[dict]:

    if not keys:
        return []
    by_key = {q.key: q for q in Question.objects.filter(key__in=keys)}
    return [
        {"key": key, "label": by_key[key].text("label", language) if key in by_key else key}
        for key in keys
    ]


def application_followup(*, application: Application, language: str) -> dict:
    """Everything the resident is told after submitting `application` (three to four
    queries when `application` comes with its program, version and agency loaded)."""
    language = (language or "en").split("-")[0]
    version = application.program_version
    history = [
        {
            "when": update.created_at,
            "kind": update.kind,
            "status": update.status,
            "status_label": Status(update.status).label,
            "is_reply": update.kind == ApplicationUpdate.Kind.REPLY,
            "message": update.message,
        }
        for update in application_history(application=application)
    ]
    decision_message = ""
    if application.status in (Status.APPROVED, Status.DENIED):
        decided = [h for h in history if h["status"] == application.status and not h["is_reply"]]
        decision_message = decided[-1]["message"] if decided else ""
    request = open_request(application=application)
    return {
        "submitted_at": application.submitted_at,
        "history": history,
        "decision_message": decision_message,
        "next_steps": version.text("next_steps", language)
        if application.status == Status.APPROVED
        else "",
        "appeal": version.text("appeal", language) if application.status == Status.DENIED else "",
        "agency": _agency_contact(application.program.agency, language),
        "request": {
            "message": request.message,
            "when": request.created_at,
            "documents": _question_labels(request.requested_documents, language),
            "questions": _question_labels(request.requested_questions, language),
        }
        if request is not None
        else None,
        "can_withdraw": application.status in WITHDRAWABLE,
    }
