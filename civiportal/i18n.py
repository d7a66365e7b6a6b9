"""Content translated in the database: shared by programs and organizations."""

from django.utils import translation


def translated(obj, field: str, language: str | None = None, *, english: str | None = None):
    """The value of `field` in the active language, falling back to English.

    English lives in the model field itself (or is given as `english`, for a text kept
    elsewhere, such as a validation setting); other languages in `translations`,
    e.g. {"es": {"label": "...", "help_text": "..."}}.
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    if language != "en":
        value = ((obj.translations or {}).get(language) or {}).get(field)
        if value:
            return value
    return getattr(obj, field) if english is None else english
