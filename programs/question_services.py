"""Business actions on the shared question bank.

A question asked by a published or archived version keeps its type: answers stored under
its key must keep fitting it.
"""

from __future__ import annotations

from django.db import transaction

from .documents.definitions import definition_errors
from .documents.errors import DocumentError, DocumentInvalid
from .documents.validate import FROZEN, normalise_question
from .models import Question

QUESTION_FIELDS = (
    "type",
    "label",
    "help_text",
    "options",
    "validation",
    "member_fields",
    "translations",
    "sensitive",
)


def _question_errors(definition: dict, used_by_frozen: Question | None) -> list[DocumentError]:
    errors = definition_errors(definition, "$")
    if used_by_frozen is not None and used_by_frozen.type != definition["type"]:
        errors.append(
            DocumentError(
                "$.type",
                f"{used_by_frozen.key!r} is asked by published versions, so answers may exist "
                f"as {used_by_frozen.type}; use a new key instead of changing its type",
            )
        )
    return errors


def _used_by_frozen_version(question: Question) -> bool:
    return question.screen_uses.filter(screen__version__status__in=FROZEN).exists()


@transaction.atomic
def question_create(*, key: str, type: str, label: str, **fields) -> Question:
    """Add a question to the bank; raises `DocumentInvalid` if the definition does not fit
    its type (e.g. a single choice without options)."""
    definition = normalise_question({"key": key, "type": type, "label": label, **fields})
    errors = _question_errors(definition, None)
    if errors:
        raise DocumentInvalid(errors)
    return Question.objects.create(**definition)


@transaction.atomic
def question_update(*, question: Question, **fields) -> Question:
    """Change a bank question. Changing the type of a question that published versions ask
    is refused, because answers stored under its key would no longer fit."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"cannot update {', '.join(sorted(unknown))}")
    definition = {
        "key": question.key,
        **{name: getattr(question, name) for name in QUESTION_FIELDS},
        **fields,
    }
    stored = Question.objects.get(pk=question.pk)
    frozen = stored if _used_by_frozen_version(stored) else None
    errors = _question_errors(definition, frozen)
    if errors:
        raise DocumentInvalid(errors)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    return question


@transaction.atomic
def question_save_definition(*, definition: dict) -> tuple[Question, bool]:
    """Create or update the bank question with `definition["key"]`; returns (question,
    created). Used by the import command, which validates the document first."""
    normal = normalise_question(definition)
    question = Question.objects.filter(key=normal["key"]).first()
    if question is None:
        return question_create(**normal), True
    changed = {
        name: normal[name] for name in QUESTION_FIELDS if getattr(question, name) != normal[name]
    }
    if changed:
        question_update(question=question, **changed)
    return question, False
