"""Spanish beside English in the admin's forms, and choice options as lines of text, so a
program admin never edits the `translations` or `options` JSON by hand.

`SpanishTextsMixin` reads and writes `translations["es"]` for the English fields a form
names in `spanish_fields` (each declared as `<field>_es`); other languages and other keys
are kept as they were.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def spanish_field(label, *, long: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput
    return forms.CharField(label=label, required=False, widget=widget)


class SpanishTextsMixin:
    spanish_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spanish = (self.instance.translations or {}).get("es", {})
        for name in self.spanish_fields:
            self.fields[f"{name}_es"].initial = spanish.get(name, "")

    def clean(self):
        cleaned = super().clean()
        translations = {**(self.instance.translations or {})}
        spanish = {
            key: text
            for key, text in translations.get("es", {}).items()
            if key not in self.spanish_fields
        }
        for name in self.spanish_fields:
            if cleaned.get(f"{name}_es"):
                spanish[name] = cleaned[f"{name}_es"]
        translations.pop("es", None)
        if spanish:
            translations["es"] = spanish
        self.instance.translations = translations
        return cleaned


OPTIONS_HELP = gettext_lazy(
    "One option a line: value | English label | Spanish label, e.g. "
    "“rent | Rent | Alquiler”. The value is what rules compare; keep it once published."
)


def options_text(options) -> str:
    lines = []
    for option in options or []:
        if isinstance(option, dict) and "value" in option:
            spanish = (option.get("translations") or {}).get("es", "")
            parts = [option["value"], option.get("label", "")] + ([spanish] if spanish else [])
            lines.append(" | ".join(str(part) for part in parts))
    return "\n".join(lines)


def parse_options(text: str, previous) -> list[dict]:
    """Options from lines of text; an option's other languages are kept by its value."""
    kept = {o.get("value"): o for o in previous or [] if isinstance(o, dict)}
    options = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            raise forms.ValidationError(
                _("Line %(number)s: write value | English label | Spanish label.")
                % {"number": number}
            )
        value, label, spanish = [*parts, "", ""][:3]
        option = {"value": value, "label": label or value}
        translations = {
            language: text
            for language, text in (kept.get(value, {}).get("translations") or {}).items()
            if language != "es"
        }
        if spanish:
            translations["es"] = spanish
        if translations:
            option["translations"] = translations
        options.append(option)
    return options
