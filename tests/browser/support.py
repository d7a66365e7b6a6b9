"""What the browser journeys share: keyboard-only driving, axe-core checks, the mobile
overflow check and per-step screenshots.

Keyboard helpers only read the page (which element has focus, what it holds); every
action is a key press through `page.keyboard`, as a resident without a mouse would do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_TABS = 120

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const tag = e.tagName.toLowerCase();
  return {
    tag,
    type: (e.getAttribute('type') || (tag === 'button' ? 'submit' : '')).toLowerCase(),
    name: e.getAttribute('name') || '',
    value: (tag === 'a') ? '' : String(e.value ?? ''),
    checked: !!e.checked,
    text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
    href: e.getAttribute('href') || '',
    id: e.id || '',
    lang: e.getAttribute('lang') || '',
    options: tag === 'select' ? Array.from(e.options).map(o => o.value) : null,
    selectedIndex: tag === 'select' ? e.selectedIndex : -1,
  };
}"""
IN_MAIN_JS = "() => !!document.activeElement.closest('main')"


class KeyboardError(AssertionError):
    pass


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED_JS)


def _describe(info: dict | None) -> str:
    if info is None:
        return "<nothing>"
    return f"<{info['tag']} name={info['name']!r} text={info['text'][:40]!r} id={info['id']!r}>"


def tab_to(page: Page, matches, *, backwards: bool = False, what: str = "") -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches(info)`."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        info = focused(page)
        if info is not None and matches(info):
            return info
        seen.append(_describe(info))
    raise KeyboardError(
        f"{key} never reached {what or 'the element'} on {page.url}; focus went through: "
        + ", ".join(seen[:60])
    )


def text_is(text: str):
    wanted = _squash(text)
    return lambda info: _squash(info["text"]) == wanted


def text_starts(text: str):
    wanted = _squash(text)
    return lambda info: _squash(info["text"]).startswith(wanted)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def path(page: Page) -> str:
    """The page's path, without the #main-content fragment the skip link leaves behind."""
    return urlsplit(page.url).path


def navigate(page: Page, key: str = "Enter") -> None:
    """Press `key` on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main(page: Page) -> None:
    """Use the skip link, as keyboard users do on every page: focus lands in <main>."""
    page.keyboard.press("Tab")
    info = focused(page)
    if info is not None and page.evaluate(IN_MAIN_JS):
        # A redirect keeps the URL's #main-content, so the browser starts tabbing inside
        # <main> already: step back so the next Tab lands on its first control again.
        page.keyboard.press("Shift+Tab")
        return
    if info is None or info["href"] != "#main-content":
        raise KeyboardError(f"the first Tab on {page.url} is not the skip link: {_describe(info)}")
    page.keyboard.press("Enter")
    in_main = page.evaluate("() => document.activeElement.id === 'main-content'")
    if not in_main:
        raise KeyboardError(f"the skip link on {page.url} did not move focus to the main content")


def follow(page: Page, text: str, *, starts: bool = False) -> None:
    """From the main content, Tab to the link or button named `text` and press Enter."""
    tab_to(page, text_starts(text) if starts else text_is(text), what=repr(text))
    navigate(page)


def fill_by_keyboard(page: Page, values: dict, *, submit: str) -> None:
    """Tab through the form from the current focus, answering each field named in
    `values` by keyboard, then press Enter on the button named `submit`.

    Text: select all and type. Radios: arrow keys (Space for the first). Checkboxes:
    Space. Selects: arrow keys. Fields not named in `values` are left as they are.
    """
    pending = dict(values)
    wanted_submit = text_is(submit)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None:
            continue
        if info["tag"] in {"button", "input"} and info["type"] == "submit" and wanted_submit(info):
            if pending:
                raise KeyboardError(f"fields never reached on {page.url}: {sorted(pending)}")
            navigate(page)
            return
        name = info["name"]
        if name not in values:
            continue
        target = values[name]
        if info["type"] == "radio":
            _choose_radio(page, name, str(target))
            pending.pop(name, None)
        elif info["type"] == "checkbox":
            targets = {str(t) for t in (target if isinstance(target, list | tuple) else [target])}
            if (info["value"] in targets) != info["checked"]:
                page.keyboard.press("Space")
            pending.pop(name, None)
        elif info["tag"] == "select":
            _choose_option(page, info, str(target))
            pending.pop(name, None)
        elif name in pending:
            page.keyboard.press("ControlOrMeta+a")
            if target:
                page.keyboard.type(str(target))
            else:
                page.keyboard.press("Delete")
            pending.pop(name)
    raise KeyboardError(f"never reached the {submit!r} button on {page.url}")


def _choose_radio(page: Page, name: str, target: str) -> None:
    info = focused(page)
    if info["value"] == target:
        if not info["checked"]:
            page.keyboard.press("Space")
        return
    start = info["value"]
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        info = focused(page)
        if info["name"] != name:
            raise KeyboardError(f"arrow keys left the radio group {name!r} on {page.url}")
        if info["value"] == target:
            if not info["checked"]:
                raise KeyboardError(f"arrow keys did not check radio {name}={target}")
            return
        if info["value"] == start:
            break
    raise KeyboardError(f"no radio {name}={target!r} on {page.url}")


def _choose_option(page: Page, info: dict, target: str) -> None:
    if target not in info["options"]:
        raise KeyboardError(f"select {info['name']!r} has no option {target!r}")
    delta = info["options"].index(target) - info["selectedIndex"]
    for _ in range(abs(delta)):
        page.keyboard.press("ArrowDown" if delta > 0 else "ArrowUp")
    now = focused(page)
    if now["value"] != target:
        raise KeyboardError(f"arrow keys did not select {target!r} in {info['name']!r}")


def press_space_on(page: Page, matches, *, what: str) -> None:
    """Tab to a checkbox and tick it with Space."""
    info = tab_to(page, matches, what=what)
    if not info["checked"]:
        page.keyboard.press("Space")
    if not focused(page)["checked"]:
        raise KeyboardError(f"Space did not tick {what}")


# Accessibility ----------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (options) => await axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" — {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


# Journeys ---------------------------------------------------------------------------------


@dataclass
class Journey:
    """One user's pages: every `check()` screenshots the step, runs axe and, on a
    phone-sized viewport, checks nothing scrolls sideways."""

    page: Page
    name: str
    mobile: bool = False
    axe: bool = True
    steps: list[tuple[str, bytes]] = field(default_factory=list)

    def check(self, label: str, *, lang: str | None = None, texts=()) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.steps.append((label, page.screenshot(full_page=True)))
        if lang is not None:
            html_lang = page.get_attribute("html", "lang")
            assert html_lang == lang, f"{label}: html[lang]={html_lang!r}, expected {lang!r}"
        body = _squash(page.inner_text("body"))
        for text in texts:
            assert _squash(text) in body, f"{label}: {text!r} not on {page.url}"
        if self.mobile:
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], (
                f"{label}: the page scrolls sideways at {widths[1]}px wide "
                f"(content is {widths[0]}px) on {page.url}"
            )
        if self.axe:
            violations = axe_violations(page)
            assert not violations, (
                f"{label}: axe found WCAG 2.1 A/AA violations on {page.url}:\n"
                + format_violations(violations)
            )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for number, (label, png) in enumerate(self.steps, start=1):
            slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            (directory / f"{self.name}-{number:02d}-{slug}.png").write_bytes(png)
        try:
            (directory / f"{self.name}-last.png").write_bytes(self.page.screenshot(full_page=True))
            (directory / f"{self.name}-last.html").write_text(self.page.content())
        except Exception as error:  # the page may be gone; the step shots still help
            (directory / f"{self.name}-last.txt").write_text(f"no final screenshot: {error}\n")
