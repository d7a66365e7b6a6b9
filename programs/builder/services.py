"""Writes of the screen builder: screens of a draft, their questions and translations.

Each is one transaction; the models refuse changes to a version that is no longer a draft
(`PublishedVersionIsImmutable`), which the views turn into a message.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from ..models import ProgramVersion, Screen, ScreenQuestion


def _texts(translations: dict, language: str, **texts) -> dict:
    """`translations` with `language`'s texts replaced; empty texts are dropped."""
    merged = {**(translations or {})}
    kept = {**merged.get(language, {}), **texts}
    kept = {field: text for field, text in kept.items() if text}
    if kept:
        merged[language] = kept
    else:
        merged.pop(language, None)
    return merged


@transaction.atomic
def screen_create(*, version: ProgramVersion, key: str, title: str, title_es: str = "") -> Screen:
    """A new last screen of a draft, with no questions yet."""
    last = version.screens.aggregate(last=Max("order"))["last"]
    return Screen.objects.create(
        version=version,
        key=key,
        title=title,
        order=0 if last is None else last + 1,
        translations=_texts({}, "es", title=title_es),
    )


@transaction.atomic
def screen_update(
    *, screen: Screen, title: str, description: str, spanish: dict, visible_if: dict, questions
) -> Screen:
    """Replace a draft screen's texts, Spanish texts, visibility rule and questions
    (`questions`: `(Question, required)` in order)."""
    screen.title, screen.description, screen.visible_if = title, description, visible_if
    screen.translations = _texts(screen.translations, "es", **spanish)
    screen.save(update_fields=["title", "description", "visible_if", "translations"])
    screen.screen_questions.all().delete()
    ScreenQuestion.objects.bulk_create(
        ScreenQuestion(screen=screen, question=question, order=order, required=required)
        for order, (question, required) in enumerate(questions)
    )
    return screen
