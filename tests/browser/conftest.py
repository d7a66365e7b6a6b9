"""Browser journeys: Debian's Chromium driven by Playwright against a live server on the
test PostgreSQL database, with a real Celery worker delivering submissions.

The browser is the system one (`/usr/bin/chromium`, installed by
scripts/install_browser_deps.sh); Playwright never downloads its own. axe-core comes from
the project's package.json (`npm ci`).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.support import ARTIFACTS, AXE_JS, Journey

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 667}
# The narrowest screen WCAG's reflow criterion names (320 CSS px).
NARROW_PHONE = {"width": 320, "height": 568}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in Chromium against a live server")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Fixtures read this at teardown to decide whether to keep the step screenshots.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread for as long as it
    is open, and Django refuses ORM calls while a loop runs (its guard cannot tell that
    our calls are synchronous). The browser therefore lives only as long as a module's
    tests, with the guard lifted meanwhile, so later non-browser tests are unaffected.
    """
    missing = [str(p) for p in (Path(CHROMIUM), AXE_JS) if not p.exists()]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: run scripts/install_browser_deps.sh and npm ci "
            "(make test does both)",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def portal(browser, live_server, celery_worker):
    """The portal with the demo programs published, served for real, delivering for real."""
    from applicants import intake
    from programs.demo import demo_programs_load

    intake.clear_cache()
    demo_programs_load()
    yield live_server
    intake.clear_cache()


@pytest.fixture
def journeys(browser, portal, request):
    """Open browser contexts as `journeys(name, mobile=False, locale="en-US")`; each gives a
    `Journey` whose step screenshots land in test-artifacts/browser/ if the test fails."""
    opened: list[tuple[object, Journey]] = []

    def open_journey(
        name: str, *, mobile: bool = False, narrow: bool = False, axe: bool = True
    ) -> Journey:
        mobile = mobile or narrow
        context = browser.new_context(
            base_url=portal.url,
            viewport=NARROW_PHONE if narrow else PHONE if mobile else DESKTOP,
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=1,
            locale="en-US",
            # axe is injected as a script tag, which the portal's CSP rightly forbids.
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        journey = Journey(page=page, name=name, mobile=mobile, axe=axe)
        opened.append((context, journey))
        return journey

    yield open_journey

    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    # BROWSER_ARTIFACTS=always keeps every step's screenshot, for people reviewing pages.
    if failed or os.environ.get("BROWSER_ARTIFACTS") == "always":
        directory = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
        for _context, journey in opened:
            journey.save(directory)
    for context, _journey in opened:
        context.close()
