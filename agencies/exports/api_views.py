"""The agency export API (`/api/v1/applications...`), authenticated by agency API keys.

Every view reads through `_scoped(request)`: the applications of the key's own agency.
Another agency's reference answers 404, exactly like a reference that does not exist.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from agencies.exports import json_export
from agencies.exports.api_auth import api_key_required
from agencies.exports.audit import export_record
from agencies.exports.selection import day_start
from agencies.review.models import AuditEvent
from agencies.review.services import application_set_status, audit_record
from agencies.review.workflow import InvalidStatusTransition, NoteRequired, Status
from applicants.models import Application
from civiportal.json_limits import JsonLimitError, request_json
from programs.models import Program

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _errors(errors: list[dict], status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _not_found(reference: str) -> JsonResponse:
    return _errors(
        [{"path": "$.reference", "message": f"No application {reference!r} in your agency."}],
        status=404,
    )


def _scoped(request):
    return Application.objects.filter(program__agency_id=request.api_key.agency_id).select_related(
        "program", "program_version", "submission"
    )


def _sensitive(request):
    return None if request.api_key.can_view_sensitive else json_export.sensitive_questions()


def _parse_moment(text: str, *, end: bool) -> datetime.datetime:
    """A date (the whole local day) or an ISO 8601 datetime with an offset."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("needs a time zone offset") from None
        return moment
    return day_start(day + datetime.timedelta(days=1)) if end else day_start(day)


# Over 60 lines: every query parameter is checked before any query runs, so one response
# lists all the bad ones with their JSON paths.
@require_GET
@api_key_required
def applications_list(request):
    """GET /api/v1/applications: the agency's applications, oldest first, a page at a time."""
    query = request.GET
    errors = []
    queryset = _scoped(request)
    allowed = {"program", "status", "submitted_since", "submitted_until", "cursor", "limit"}
    for name in sorted(set(query) - allowed):
        errors.append({"path": f"$.query.{name}", "message": "Unknown parameter."})
    if query.get("program"):
        program = Program.objects.filter(
            slug=query["program"], agency_id=request.api_key.agency_id
        ).first()
        if program is None:
            errors.append({"path": "$.query.program", "message": "No such program in your agency."})
        else:
            queryset = queryset.filter(program=program)
    if query.get("status"):
        statuses = query["status"].split(",")
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            errors.append(
                {
                    "path": "$.query.status",
                    "message": f"Unknown status {unknown[0]!r}; use {', '.join(Status.values)}.",
                }
            )
        else:
            queryset = queryset.filter(status__in=statuses)
    for name, lookup, end in (
        ("submitted_since", "submitted_at__gte", False),
        ("submitted_until", "submitted_at__lt", True),
    ):
        if query.get(name):
            try:
                queryset = queryset.filter(**{lookup: _parse_moment(query[name], end=end)})
            except ValueError:
                errors.append(
                    {
                        "path": f"$.query.{name}",
                        "message": "Give a date (YYYY-MM-DD) or a date-time with an offset.",
                    }
                )
    limit = DEFAULT_LIMIT
    if query.get("limit"):
        try:
            limit = int(query["limit"])
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError
        except ValueError:
            errors.append(
                {"path": "$.query.limit", "message": f"A whole number from 1 to {MAX_LIMIT}."}
            )
    if query.get("cursor"):
        try:
            queryset = json_export.after_cursor(queryset, query["cursor"])
        except json_export.BadCursor as error:
            errors.append({"path": "$.query.cursor", "message": str(error)})
    if errors:
        return _errors(errors)

    page = list(queryset.order_by("submitted_at", "pk")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    sensitive = _sensitive(request)
    next_cursor = (
        json_export.encode_cursor(page[-1].submitted_at, page[-1].pk) if has_more else None
    )
    export_record(
        actor=None,
        agency=request.api_key.agency,
        kind="api_list",
        api_key=request.api_key,
        details={
            "filters": {k: v for k, v in query.items() if k != "cursor"},
            "references": [app.reference for app in page],
        },
    )
    return JsonResponse(
        {
            "results": [json_export.application_json(app, sensitive=sensitive) for app in page],
            "next_cursor": next_cursor,
        }
    )


def _history(application) -> list[dict]:
    events = AuditEvent.objects.filter(
        application_id=application.pk, action=AuditEvent.Action.STATUS_CHANGED
    ).order_by("created_at", "pk")
    return [
        {
            "status": (event.after or {}).get("status"),
            "at": event.created_at.isoformat(),
        }
        for event in events.only("after", "created_at")
    ]


@require_GET
@api_key_required
def application_detail(request, reference):
    """GET /api/v1/applications/{reference}."""
    application = _scoped(request).filter(reference=reference).first()
    if application is None:
        return _not_found(reference)
    export_record(
        actor=None,
        agency=request.api_key.agency,
        kind="api_read",
        api_key=request.api_key,
        application=application,
    )
    return JsonResponse(
        json_export.application_json(
            application, sensitive=_sensitive(request), history=_history(application)
        )
    )


@require_POST
@api_key_required
def application_status(request, reference):
    """POST /api/v1/applications/{reference}/status: the agency's case system reports a
    decision. Same workflow, audit trail and resident email as a caseworker's change."""
    application = _scoped(request).filter(reference=reference).first()
    if application is None:
        return _not_found(reference)
    try:
        body = request_json(request)
    except JsonLimitError as error:
        return _errors([{"path": "$", "message": f"The body must be a JSON object: {error}."}])
    if not isinstance(body, dict):
        return _errors([{"path": "$", "message": "The body must be a JSON object."}])
    errors = [
        {"path": f"$.{name}", "message": "Unknown field."}
        for name in sorted(set(body) - {"status", "note", "resident_message"})
    ]
    status, note = body.get("status"), body.get("note", "")
    resident_message = body.get("resident_message", "")
    if not isinstance(resident_message, str):
        errors.append({"path": "$.resident_message", "message": "Must be text."})
    if not isinstance(status, str) or status not in Status.values:
        errors.append(
            {"path": "$.status", "message": f"Required; one of {', '.join(Status.values)}."}
        )
    if not isinstance(note, str):
        errors.append({"path": "$.note", "message": "Must be text."})
    if errors:
        return _errors(errors)
    key = request.api_key
    try:
        with transaction.atomic():
            application = application_set_status(
                application=application,
                status=status,
                note=note,
                resident_message=resident_message,
                acting_user=None,
            )
            # The status change is recorded as made by "system"; this note says which of
            # the agency's systems it was.
            audit_record(
                actor=None,
                action=AuditEvent.Action.NOTE_ADDED,
                application=application,
                note=f"Status {status} reported by API key {key.prefix} ({key.name}).",
            )
    except NoteRequired as error:
        return _errors([{"path": "$.note", "message": str(error)}])
    except InvalidStatusTransition as error:
        return _errors([{"path": "$.status", "message": str(error)}], status=409)
    application = _scoped(request).get(pk=application.pk)
    return JsonResponse(
        json_export.application_json(
            application, sensitive=_sensitive(request), history=_history(application)
        )
    )
