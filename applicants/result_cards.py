"""The results page's program cards, written here rather than by the template.

With 50 programs, rendering the cards took about two thirds of the page's time: the
template engine resolves every variable, `{% translate %}` and `{% include %}` of every
card, and the page shows up to hundreds of cards. What a card says about its program (its
heading, summary, description and the label of its box) depends only on the versions in
effect and the language, so it is written once per published signature and language and
kept; what depends on the resident's answers (the outcome, the estimate, the reasons, an
open application, a checked box) is filled in on each request.

The markup is the template's, card for card; every value is escaped by `_escape`, as
`{{ }}` did (Django's own `escape` and `format_html` cost more than the rest of a card, so
this calls `html.escape`, which they call too), and the texts use the template's message
ids, so the Spanish catalog translates them unchanged. A change to a card's markup is made
here.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from applicants.templatetags.journey import dollars
from eligibility.published import published_signature

_lock = threading.Lock()
_kept: dict = {"signature": None, "cards": {}}


@dataclass(frozen=True)
class _ProgramParts:
    """What a card says about its program, escaped, in one language."""

    head: SafeString  # the card's opening tag and heading
    body: SafeString  # summary and description
    label: SafeString  # the label of the box to apply


@dataclass(frozen=True)
class _Texts:
    """The card's fixed texts in the active language, looked up once per page."""

    estimated: str
    none: str
    estimate: str
    how: str
    source: str
    why: str
    still: str
    refused: str

    @classmethod
    def active(cls) -> _Texts:
        """Escaped, as {{ t_why }} and the like were."""
        return cls(
            estimated=_escape(gettext("Estimated value:")),
            none=_escape(gettext("none with these answers")),
            estimate=_escape(gettext("(estimate)")),
            how=_escape(gettext("How we estimated this")),
            source=_escape(gettext("Source:")),
            why=_escape(gettext("Why:")),
            still=_escape(
                gettext(
                    "You may still apply. The agency will review your application, but based on "
                    "your answers you likely do not qualify."
                )
            ),
            refused=_escape(
                gettext(
                    "This program only accepts residents who meet its requirements, so you cannot "
                    "apply with these answers. If something changed, update your answers."
                )
            ),
        )


def _escape(value) -> str:
    """What `{{ value }}` writes: safe strings as they are, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def estimate_text(cents, period) -> str:
    """ "about $243 a month" (or a year), escaped; empty for no amount. The message ids are
    those of `_estimate.html`, which writes the page's totals."""
    if not cents:
        return ""
    amount = _escape(dollars(cents))
    if period == "yearly":
        return gettext("about %(amount)s a year") % {"amount": amount}
    return gettext("about %(amount)s a month") % {"amount": amount}


def _program_parts(item: dict, language: str) -> _ProgramParts:
    program = item["screening"].program
    slug, name = _escape(item["slug"]), _escape(item["name"])
    body = f"<p>{_escape(program.text('summary', language))}</p>\n"
    if description := program.text("description", language):
        description = linebreaksbr(description, autoescape=True)
        body += (
            f"<details><summary>{_escape(gettext('What it provides'))}</summary>"
            f"<p>{description}</p></details>\n"
        )
    # blocktranslate's message id, the name escaped as {{ name }} was.
    label = gettext("Apply to %(name)s") % {"name": name}
    return _ProgramParts(
        head=mark_safe(f'<li class="card result" id="program-{slug}">\n<h3>{name}</h3>\n'),  # noqa: S308
        body=mark_safe(body),  # noqa: S308
        label=mark_safe(f'<label for="apply-{slug}">{label}</label>'),  # noqa: S308
    )


def _kept_parts(language: str) -> dict:
    """{slug: parts} kept for the versions in effect and this language (and the active
    translation, which writes the fixed texts)."""
    signature = published_signature()  # already read by this request's screening
    with _lock:
        if _kept["signature"] != signature:
            _kept.update(signature=signature, cards={})
        return _kept["cards"].setdefault((language, get_language()), {})


def _estimate_html(item: dict, texts: _Texts) -> str:
    if item["value_cents"] is None:
        return ""
    amount = estimate_text(item["value_cents"], item["value_period"]) or texts.none
    out = (
        f'<div class="estimate">\n<p><strong>{texts.estimated}</strong> {amount} '
        f'<span class="meta">{texts.estimate}</span></p>\n'
    )
    explanation, source = item["value_explanation"], item["value_source"]
    if explanation or source:
        out += f'<details class="estimate-how"><summary>{texts.how}</summary>\n'
        if explanation:
            out += f"<p>{_escape(explanation)}</p>\n"
        if source.get("citation"):
            cited = _escape(source["citation"])
            if source.get("url"):
                cited = f'<a href="{_escape(source["url"])}" rel="noopener">{cited}</a>'
            out += f"<p>{texts.source} {cited}</p>\n"
        out += "</details>\n"
    return out + "</div>\n"


def _choice_html(item: dict, outcome: str, parts: _ProgramParts, texts: _Texts) -> str:
    if item["open_application"]:
        return render_to_string(
            "applicants/_open_application.html", {"application": item["open_application"]}
        )
    if not item["may_apply"]:
        return f'<p class="alert">{texts.refused}</p>\n'
    out = ""
    if outcome == "ineligible":
        out = f'<p class="alert alert-warning">{texts.still}</p>\n'
    slug = _escape(item["slug"])
    checked = " checked" if item["checked"] else ""
    return (
        out + '<div class="choice">\n'
        f'<input type="checkbox" name="programs" value="{slug}" id="apply-{slug}"{checked}>\n'
        f"{parts.label}\n</div>\n"
    )


def _reasons_html(reasons: list, texts: _Texts) -> str:
    if not reasons:
        return ""
    items = "".join(f"<li>{_escape(reason)}</li>" for reason in reasons)
    return f'<p class="reasons-title">{texts.why}</p>\n<ul class="reasons">{items}</ul>\n'


def render_result_cards(groups, *, language: str) -> None:
    """Set each group's `cards`: the HTML of its program cards, in order."""
    kept = _kept_parts(language)
    texts = _Texts.active()
    for group in groups:
        tag = f'<p class="tag">{_escape(group.title)}</p>\n'
        cards = []
        for item in group.items:
            parts = kept.get(item["slug"])
            if parts is None:
                parts = kept[item["slug"]] = _program_parts(item, language)
            cards.append(
                f"{parts.head}{tag}{parts.body}{_estimate_html(item, texts)}"
                f"{_reasons_html(item['reasons'], texts)}"
                f"{_choice_html(item, group.outcome, parts, texts)}</li>\n"
            )
        # Every value in the cards was escaped above.
        group.cards = mark_safe("".join(cards))  # noqa: S308
