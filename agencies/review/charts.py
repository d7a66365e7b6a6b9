"""Server-rendered SVG charts for the admin dashboards: no JavaScript, no inline styles
(the content security policy forbids them), a title and description for screen readers,
and always shown next to a table of the same numbers."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 40
MARGIN_BOTTOM = 40
MARGIN_TOP = 16


def bar_chart_svg(bars: list[tuple[str, int]], *, title: str, description: str) -> SafeString:
    """A vertical bar chart of (label, value) pairs as an inline <svg> element."""
    peak = max((value for _label, value in bars), default=0) or 1
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = (WIDTH - MARGIN_LEFT) / max(len(bars), 1)
    bar_width = max(slot * 0.7, 1)
    rows = []
    for index, (label, value) in enumerate(bars):
        height = round(plot_height * value / peak, 1)
        x = round(MARGIN_LEFT + index * slot + (slot - bar_width) / 2, 1)
        y = round(MARGIN_TOP + plot_height - height, 1)
        center = round(x + bar_width / 2, 1)
        rows.append(
            (x, y, round(bar_width, 1), height, label, value,
             center, round(y - 4, 1), value,
             center, HEIGHT - MARGIN_BOTTOM + 16, label)
        )  # fmt: skip
    bars_svg = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="#005ea2">'
        "<title>{}: {}</title></rect>"
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#1b1b1b">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#1b1b1b">{}</text></g>',
        rows,
    )
    axis_y = HEIGHT - MARGIN_BOTTOM
    return format_html(
        '<svg class="review-chart" role="img" aria-labelledby="chart-title chart-desc" '
        'viewBox="0 0 {} {}" width="100%" height="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1b1b1b" stroke-width="1"/>'
        '<text x="4" y="{}" font-size="10" fill="#1b1b1b">{}</text>'
        "{}</svg>",
        WIDTH, HEIGHT, HEIGHT, title, description,
        MARGIN_LEFT, axis_y, WIDTH, axis_y,
        MARGIN_TOP + 8, peak,
        bars_svg,
    )  # fmt: skip
