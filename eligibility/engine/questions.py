"""Question descriptions the rule engine needs: a key, a type and labels.

The Django side builds these from its own question models; the engine only sees this plain data.
"""

from __future__ import annotations

from dataclasses import dataclass

QUESTION_TYPES = frozenset(
    {
        "short_text",
        "long_text",
        "number",
        "currency",
        "date",
        "yes_no",
        "single_choice",
        "multiple_choice",
        "email",
        "phone",
        "name",
        "address",
        "household_members",
        "identifier",
        "file",
        "static",
    }
)

# The engine compares values by "kind", not by question type: a phone number and a name are both
# text, a currency answer is integer cents. Kinds absent here cannot be compared at all.
KIND_BY_TYPE = {
    "short_text": "text",
    "long_text": "text",
    "email": "text",
    "phone": "text",
    "name": "text",
    "identifier": "text",
    "single_choice": "text",
    "number": "number",
    "currency": "money",
    "date": "date",
    "yes_no": "bool",
    "multiple_choice": "choices",
    "household_members": "members",
    "address": "other",
    "file": "other",
    "static": "none",
}

# Member sub-fields are a subset: a household member has no files or nested households.
MEMBER_FIELD_TYPES = frozenset(QUESTION_TYPES - {"household_members", "file", "static"})


@dataclass(frozen=True)
class QuestionInfo:
    """One question as the rule engine sees it.

    ``labels`` maps a language code to a noun phrase used inside explanations, for example
    ``{"en": "Your household's monthly income", "es": "El ingreso mensual de su hogar"}``.
    A label that ends in "?" is treated as a question prompt and quoted instead.
    """

    key: str
    type: str
    labels: dict[str, str]
    options: list[str] | None = None
    member_fields: dict[str, str] | None = None
    # language -> option value -> the label residents read ("Basic Food (SNAP)" for "snap").
    option_labels: dict[str, dict[str, str]] | None = None

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to English, then to the key."""
        return self.labels.get(language) or self.labels.get("en") or self.key

    def option_texts(self, language: str) -> dict[str, str]:
        """{option value: label} in ``language`` (English where untranslated); {} if none."""
        if not self.option_labels:
            return {}
        english = self.option_labels.get("en") or {}
        return {**english, **(self.option_labels.get(language) or {})}

    @property
    def kind(self) -> str:
        return KIND_BY_TYPE.get(self.type, "none")
