"""Program version -> document (the format in docs/program-format.md).

Every field is always written (a scheduled version's `effective_at` too), in a fixed order,
so exporting the same version twice (or re-exporting an imported copy) gives byte-identical
JSON.
"""

from __future__ import annotations

from django.utils import timezone

from programs.models import ProgramVersion, Question

FORMAT = "civiportal.program/1"
# Keys in a rule tree or estimate whose value names a question.
QUESTION_REFERENCES = ("answer", "age", "count", "sum", "is_answered")


def question_definition(question: Question) -> dict:
    """The full bank definition of a question as it appears in a document."""
    return {
        "key": question.key,
        "type": question.type,
        "label": question.label,
        "help_text": question.help_text,
        "options": question.options or [],
        "validation": question.validation or {},
        "member_fields": question.member_fields or [],
        "translations": question.translations or {},
        "sensitive": question.sensitive,
    }


def referenced_question_keys(node) -> list[str]:
    """Question keys a rule, estimate or example set refers to, in order of appearance."""
    keys: list[str] = []
    # A stack, not recursion: this runs on stored rules before they are validated, and a
    # hostile rule may nest deeper than Python's recursion limit.
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for name, child in reversed(value.items()):
                if name in QUESTION_REFERENCES and isinstance(child, str):
                    stack.append(_Key(child))
                else:
                    stack.append(child)
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, _Key):
            keys.append(value.key)
    return list(dict.fromkeys(keys))


class _Key:
    """A question key found while walking, kept in its place in the order of appearance."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


# Over 60 lines: most of it is the document literal, field by field in the order of
# docs/program-format.md.
def program_document(version: ProgramVersion) -> dict:
    """One program entry: its metadata, the questions it uses and this version."""
    program = version.program
    agency = program.agency
    screens = list(version.screens.order_by("order", "id").prefetch_related("screen_questions"))
    screen_questions = {
        screen.pk: sorted(screen.screen_questions.all(), key=lambda sq: (sq.order, sq.pk))
        for screen in screens
    }
    asked = [sq.question_id for screen in screens for sq in screen_questions[screen.pk]]
    rule_keys = referenced_question_keys(
        [version.eligibility_rules, version.estimated_value]
        + [screen.visible_if for screen in screens]
    )
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=asked)}
    by_key = {q.key: q for q in by_id.values()}
    missing_keys = [key for key in rule_keys if key not in by_key]
    for question in Question.objects.filter(key__in=missing_keys):
        by_key[question.key] = question
    ordered = [by_id[pk] for pk in asked]
    ordered += sorted(
        (by_key[key] for key in rule_keys if key in by_key and by_key[key] not in ordered),
        key=lambda question: question.key,
    )
    return {
        "slug": program.slug,
        "name": program.name,
        "agency": {
            "slug": agency.slug,
            "name": agency.name,
            "contact_email": agency.contact_email,
            "website": agency.website,
            "phone": agency.phone,
            "address": agency.address,
            "hours": agency.hours,
            "translations": agency.translations or {},
        },
        "summary": program.summary,
        "description": program.description,
        "how_to_apply": program.how_to_apply,
        "minutes": program.time_to_complete_minutes,
        "external_url": program.external_url,
        "categories": list(program.categories or []),
        "display_mode": program.display_mode,
        "closed_message": program.closed_message,
        "source": program.source,
        "translations": program.translations or {},
        "questions": [question_definition(question) for question in ordered],
        "screens": [
            {
                "key": screen.key,
                "title": screen.title,
                "description": screen.description,
                "visible_if": screen.visible_if or {},
                "translations": screen.translations or {},
                "questions": [
                    {"key": by_id[sq.question_id].key, "required": sq.required}
                    for sq in screen_questions[screen.pk]
                ],
            }
            for screen in screens
        ],
        "eligibility": {
            "rules": version.eligibility_rules or {},
            "gating": version.eligibility_gating,
            "estimated_value": version.estimated_value or {},
        },
        "examples": version.examples or [],
        "decision": {
            "next_steps": version.next_steps,
            "appeal": version.appeal,
            "translations": version.translations or {},
        },
        "allows_reapplication": version.allows_reapplication,
        **renewal_document(version),
        **_schedule(version),
    }


def renewal_document(version) -> dict:
    """The `renewal` member, only for a program whose approvals lapse."""
    if not version.certification_months:
        return {}
    return {
        "renewal": {
            "certification_months": version.certification_months,
            "reminder_days_before": sorted(version.renewal_reminder_days or [], reverse=True),
        }
    }


def _schedule(version: ProgramVersion) -> dict:
    """A scheduled version carries its moment, in local time with its offset, so that an
    import with --publish schedules it again at the same instant."""
    if version.status != ProgramVersion.Status.SCHEDULED:
        return {}
    return {"effective_at": timezone.localtime(version.effective_at).isoformat()}


def export_document(versions) -> dict:
    """The whole document for several program versions."""
    return {"format": FORMAT, "programs": [program_document(version) for version in versions]}
