"""Every human-readable sentence the engine produces, in English and Spanish, and value formatting.

Tests and translators read this one module. Templates use ``str.format`` fields:
``{subject}`` (what was checked, from the question label), ``{value}`` (the resident's value),
``{other}`` (the limit or the value compared with), ``{low}`` / ``{high}`` for ``between``.
Spanish uses the U.S. conventions for money and numbers ($2,694.50), as U.S. agencies do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .values import DATE_MEMO_SIZE, MONEY_TEXTS

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}

WORDS = {
    "en": {"yes": "yes", "no": "no", "or": "or", "and": "and", "none": "none"},
    "es": {"yes": "sí", "no": "no", "or": "o", "and": "y", "none": "ninguna"},
}

# (operator, held) -> template. "held" is whether the comparison itself is true; whether that makes
# the resident eligible depends on the rule around it (``not``), so sentences state facts only.
COMPARISONS = {
    "en": {
        ("lte", True): "{subject}, {value}, is at or below the limit of {other}.",
        ("lte", False): "{subject}, {value}, is above the limit of {other}.",
        ("lt", True): "{subject}, {value}, is below the limit of {other}.",
        ("lt", False): "{subject}, {value}, is at or above the limit of {other}.",
        ("gte", True): "{subject}, {value}, is at or above the minimum of {other}.",
        ("gte", False): "{subject}, {value}, is below the minimum of {other}.",
        ("gt", True): "{subject}, {value}, is above the minimum of {other}.",
        ("gt", False): "{subject}, {value}, is at or below the minimum of {other}.",
        ("eq", True): "{subject} is {other}.",
        ("eq", False): "{subject}, {value}, is not {other}.",
        ("ne", True): "{subject}, {value}, is not {other}.",
        ("ne", False): "{subject} is {other}.",
        ("in", True): "{subject}, {value}, is one of: {other}.",
        ("in", False): "{subject}, {value}, is not one of: {other}.",
        ("not_in", True): "{subject}, {value}, is not one of: {other}.",
        ("not_in", False): "{subject}, {value}, is one of: {other}.",
        ("between", True): "{subject}, {value}, is between {low} and {high}.",
        ("between", False): "{subject}, {value}, is not between {low} and {high}.",
    },
    "es": {
        ("lte", True): "{subject}, {value}, está en o por debajo del límite de {other}.",
        ("lte", False): "{subject}, {value}, está por encima del límite de {other}.",
        ("lt", True): "{subject}, {value}, está por debajo del límite de {other}.",
        ("lt", False): "{subject}, {value}, está en o por encima del límite de {other}.",
        ("gte", True): "{subject}, {value}, está en o por encima del mínimo de {other}.",
        ("gte", False): "{subject}, {value}, está por debajo del mínimo de {other}.",
        ("gt", True): "{subject}, {value}, está por encima del mínimo de {other}.",
        ("gt", False): "{subject}, {value}, está en o por debajo del mínimo de {other}.",
        ("eq", True): "{subject} es {other}.",
        ("eq", False): "{subject}, {value}, no es {other}.",
        ("ne", True): "{subject}, {value}, no es {other}.",
        ("ne", False): "{subject} es {other}.",
        ("in", True): "{subject}, {value}, es una de estas opciones: {other}.",
        ("in", False): "{subject}, {value}, no es ninguna de estas opciones: {other}.",
        ("not_in", True): "{subject}, {value}, no es ninguna de estas opciones: {other}.",
        ("not_in", False): "{subject}, {value}, es una de estas opciones: {other}.",
        ("between", True): "{subject}, {value}, está entre {low} y {high}.",
        ("between", False): "{subject}, {value}, no está entre {low} y {high}.",
    },
}

# Dates read better as before/after than as limits.
DATE_COMPARISONS = {
    "en": {
        ("lte", True): "{subject}, {value}, is on or before {other}.",
        ("lte", False): "{subject}, {value}, is after {other}.",
        ("lt", True): "{subject}, {value}, is before {other}.",
        ("lt", False): "{subject}, {value}, is on or after {other}.",
        ("gte", True): "{subject}, {value}, is on or after {other}.",
        ("gte", False): "{subject}, {value}, is before {other}.",
        ("gt", True): "{subject}, {value}, is after {other}.",
        ("gt", False): "{subject}, {value}, is on or before {other}.",
    },
    "es": {
        ("lte", True): "{subject}, {value}, es el {other} o antes.",
        ("lte", False): "{subject}, {value}, es después del {other}.",
        ("lt", True): "{subject}, {value}, es antes del {other}.",
        ("lt", False): "{subject}, {value}, es el {other} o después.",
        ("gte", True): "{subject}, {value}, es el {other} o después.",
        ("gte", False): "{subject}, {value}, es antes del {other}.",
        ("gt", True): "{subject}, {value}, es después del {other}.",
        ("gt", False): "{subject}, {value}, es el {other} o antes.",
    },
}

# A list of choices is never one of "A or B" in a multiple-choice answer: it includes them.
CHOICES_COMPARISONS = {
    "en": {
        ("in", True): "{subject}, {value}, includes at least one of: {other}.",
        ("in", False): "{subject}, {value}, includes none of: {other}.",
        ("not_in", True): "{subject}, {value}, includes none of: {other}.",
        ("not_in", False): "{subject}, {value}, includes at least one of: {other}.",
    },
    "es": {
        ("in", True): "{subject}, {value}, incluye al menos una de: {other}.",
        ("in", False): "{subject}, {value}, no incluye ninguna de: {other}.",
        ("not_in", True): "{subject}, {value}, no incluye ninguna de: {other}.",
        ("not_in", False): "{subject}, {value}, incluye al menos una de: {other}.",
    },
}

ANSWERED = {
    "en": {True: "You answered {subject}.", False: "You have not answered {subject}."},
    "es": {True: "Usted respondió {subject}.", False: "Usted no ha respondido {subject}."},
}

# One sentence per missing question when the outcome is still unknown.
NEED_ANSWER = {
    "en": "We still need to know {subject}.",
    "es": "Todavía necesitamos saber {subject}.",
}

# Subjects for operands that are not a plain answer. {label} is the question label.
SUBJECTS = {
    "en": {
        "answer_quoted": "Your answer to “{label}”",
        "age": "The age from {label}",
        "count": "The number of people in {label}",
        "count_where": "The number of people in {label} who meet the rule's conditions",
        "sum": "The combined {field} of {label}",
        "sum_where": "The combined {field} of {label} who meet the rule's conditions",
        "table": "{title}",
        "literal": "The value",
    },
    "es": {
        "answer_quoted": "Su respuesta a «{label}»",
        "age": "La edad según {label}",
        "count": "El número de personas en {label}",
        "count_where": "El número de personas en {label} que cumplen las condiciones de la regla",
        "sum": "La suma de {field} de {label}",
        "sum_where": "La suma de {field} de {label} que cumplen las condiciones de la regla",
        "table": "{title}",
        "literal": "El valor",
    },
}

# How another answer reads on the right-hand side: "the limit of your rent ($1,200)".
OTHER_ANSWER = {"en": "{subject} ({value})", "es": "{subject} ({value})"}


def household_phrase(amount: str, size: int, language: str) -> str:
    """'$2,694 for a household of 3' / '$2,694 para un hogar de 3 personas'."""
    if language == "es":
        people = "1 persona" if size == 1 else f"{size} personas"
        return f"{amount} para un hogar de {people}"
    return f"{amount} for a household of {size}"


# Which period and source a table limit came from, after the limit ("… for a household of 1").
TABLE_PERIOD = {
    "en": " ({title}, in effect from {start})",
    "es": " ({title}, vigente desde el {start})",
}


def table_period_phrase(table, language: str) -> str:
    """' (HHS poverty guidelines…, in effect from January 13, 2026)': the full citation is in
    the results' list of periods used (``CompiledRule.periods_in_effect``)."""
    start = format_date(table.effective_from, language) if table.effective_from else "?"
    return TABLE_PERIOD[language].format(title=table.title_in(language), start=start)


def language_or_default(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def lower_first(text: str) -> str:
    """Lower-case a leading capital for use mid-sentence, leaving acronyms ('SNAP') alone."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def subject_from_label(label: str, language: str, *, mid_sentence: bool = False) -> str:
    """A label used as a sentence subject; question prompts ('…?') are quoted instead."""
    if label.rstrip().endswith("?"):
        text = SUBJECTS[language]["answer_quoted"].format(label=label.strip())
    else:
        text = label.strip()
    return lower_first(text) if mid_sentence else text


# Money is formatted with integer arithmetic and lookup tables: format specs (":,", ":02d")
# cost several times more than the rest of a sentence, and every reason shows an amount.
_DOLLARS = [f"${dollars}" for dollars in range(1000)]  # "$0" … "$999"
_THOUSANDS = [f",{part:03d}" for part in range(1000)]  # ",000" … ",999"
_CENTS = ["", *(f".{cents:02d}" for cents in range(1, 100))]  # whole dollars show no cents


def format_money(cents: int, language: str = "en") -> str:
    """'$2,694' for whole dollars, '$2,694.50' otherwise; negatives as '-$5'."""
    if cents.__class__ is int and 0 <= cents < 100_000_000:  # under $1,000,000: the usual case
        dollars, remainder = cents // 100, cents % 100
        if dollars < 1000:
            return _DOLLARS[dollars] + _CENTS[remainder]
        return _DOLLARS[dollars // 1000] + _THOUSANDS[dollars % 1000] + _CENTS[remainder]
    if cents >= 0 and not cents % 100:
        return f"${cents // 100:,}"
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(int(cents)), 100)
    if remainder:
        return f"{sign}${dollars:,}.{remainder:02d}"
    return f"{sign}${dollars:,}"


def remembered_money(cents: int, language: str = "en") -> str:
    """``format_money``, remembered for integer cents (1.0 and True are not ints: they are
    formatted, not looked up, so they never read the text of 1)."""
    if cents.__class__ is not int:
        return format_money(cents)
    text = MONEY_TEXTS.get(cents)
    if text is None:
        text = format_money(cents)
        if len(MONEY_TEXTS) >= DATE_MEMO_SIZE:
            MONEY_TEXTS.clear()
        MONEY_TEXTS[cents] = text
    return text


def format_number(value: float, language: str = "en") -> str:
    if value.__class__ is int and -1000 < value < 1000:
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def format_date(value: date, language: str = "en") -> str:
    """'March 1, 2025' / '1 de marzo de 2025'."""
    month = MONTHS[language][value.month - 1]
    if language == "es":
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


def format_list(items: list[str], language: str = "en", *, conjunction: str = "or") -> str:
    """'A, B, or C' in English (serial comma), 'A, B o C' in Spanish."""
    word = WORDS[language][conjunction]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {word} {items[1]}"
    if language == "es":
        return f"{', '.join(items[:-1])} {word} {items[-1]}"
    return f"{', '.join(items[:-1])}, {word} {items[-1]}"


def format_value(value: object, kind: str, language: str = "en") -> str:
    """Format one value of a rule kind (money, number, date, bool, text, choices)."""
    if kind == "money":
        return format_money(value, language)  # type: ignore[arg-type]
    if kind == "number":
        return format_number(value, language)  # type: ignore[arg-type]
    if kind == "date":
        return format_date(value, language)  # type: ignore[arg-type]
    if kind == "bool":
        return WORDS[language]["yes" if value else "no"]
    if kind == "choices":
        if not value:  # [] is the answer "none of these"
            return WORDS[language]["none"]
        return format_list([str(item) for item in value], language, conjunction="and")  # type: ignore[attr-defined]
    return str(value)


# value (, language) -> text; money, number and text ignore the language.
VALUE_FORMATTERS: dict[str, Callable[..., str]] = {
    "money": format_money,
    "number": format_number,
    "date": format_date,
    "bool": lambda value, language="en": WORDS[language]["yes" if value else "no"],
    "choices": lambda value, language="en": (
        format_list([str(item) for item in value], language, conjunction="and")
        or WORDS[language]["none"]
    ),
    "text": lambda value, language="en": str(value),
}
