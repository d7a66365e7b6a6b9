"""The accessibility check itself: axe-core, as the journeys inject it, reports WCAG
violations with rule, impact, element and help URL (so a clean journey means something)."""

import pytest

from tests.browser.support import Journey, axe_violations, format_violations

BROKEN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body>
<main><h1>Broken</h1><form><input type="text" name="nameless"></form>
<img src="/static/nothing.png"><p style="color:#bbb;background:#fff">Faint text</p></main>
</body></html>"""


@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def test_axe_reports_each_violation_with_rule_element_and_help(page):
    page.set_content(BROKEN_PAGE)
    violations = axe_violations(page)
    assert {v["id"] for v in violations} == {"label", "image-alt", "color-contrast"}
    report = format_violations(violations)
    assert "label (critical)" in report
    assert "https://dequeuniversity.com/rules/axe/" in report
    assert "at input" in report and "at img" in report


def test_a_journey_step_fails_on_violations_and_on_sideways_scrolling(page):
    page.set_viewport_size({"width": 375, "height": 667})
    journey = Journey(page=page, name="check", mobile=True)
    page.set_content(BROKEN_PAGE)
    with pytest.raises(AssertionError, match="image-alt"):
        journey.check("broken page")
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Wide</title></head><body><main>'
        '<h1>Wide</h1><div style="width:600px">A table too wide for a phone</div></main>'
        "</body></html>"
    )
    with pytest.raises(AssertionError, match="scrolls sideways at 375px"):
        journey.check("wide page")
