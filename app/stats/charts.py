"""Server-rendered SVG bar charts: light, no JavaScript, no inline styles (strict CSP).

Colours and fonts come from classes in app.css; geometry from SVG attributes. Each chart
carries a ``<title>`` and ``role="img"``; the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

WIDTH = 640
BAR_GAP = 4


def _nice_max(value: float) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def grouped_bars(chart_id: str, title: str, labels: Sequence[str],
                 series: Sequence[tuple[str, str, Sequence[int]]], height: int = 220) -> Markup:
    """Vertical bars, one group per label; ``series`` is (name, css class, values)."""
    top, bottom, left, right = 20, 36, 40, 8
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = _nice_max(max((v for _, _, values in series for v in values), default=0))
    group_w = plot_w / max(len(labels), 1)
    bar_w = max((group_w - 2 * BAR_GAP) / max(len(series), 1), 1)
    parts = [Markup('<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
                    'width="100%" preserveAspectRatio="xMidYMid meet">').format(chart_id, chart_id, WIDTH, height),
             Markup('<title id="{}-title">{}</title>').format(chart_id, title)]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(Markup('<line class="chart-grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>'
                            '<text class="chart-axis" x="{}" y="{:.1f}" text-anchor="end">{}</text>')
                     .format(left, WIDTH - right, y, y, left - 4, y + 4, round(peak * fraction)))
    for i, label in enumerate(labels):
        x0 = left + i * group_w + BAR_GAP
        for j, (name, css, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / peak
            parts.append(Markup('<rect class="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">'
                                '<title>{}: {}</title></rect>')
                         .format(css, x0 + j * bar_w, top + plot_h - h, bar_w, h, name, value))
        parts.append(Markup('<text class="chart-label" x="{:.1f}" y="{}" text-anchor="middle">{}</text>')
                     .format(left + (i + 0.5) * group_w, height - bottom + 16, label))
    for j, (name, css, _) in enumerate(series):
        x = left + j * 150
        parts.append(Markup('<rect class="{}" x="{}" y="{}" width="12" height="12"/>'
                            '<text class="chart-legend" x="{}" y="{}">{}</text>')
                     .format(css, x, height - 14, x + 16, height - 3, name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def share_bars(chart_id: str, title: str, items: Sequence[tuple[str, float | None]],
               empty: str) -> Markup:
    """Horizontal bars of shares (0–1) with their percentage; ``None`` shows ``empty``."""
    row_h, label_w, right = 26, 200, 56
    height = max(len(items), 1) * row_h + 8
    plot_w = WIDTH - label_w - right
    parts = [Markup('<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
                    'width="100%" preserveAspectRatio="xMidYMid meet">').format(chart_id, chart_id, WIDTH, height),
             Markup('<title id="{}-title">{}</title>').format(chart_id, title)]
    for i, (label, share) in enumerate(items):
        y = 4 + i * row_h
        parts.append(Markup('<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>')
                     .format(label_w - 8, y + 17, label))
        parts.append(Markup('<rect class="chart-track" x="{}" y="{}" width="{}" height="18"/>')
                     .format(label_w, y + 3, plot_w))
        if share is None:
            text = empty
        else:
            parts.append(Markup('<rect class="bar-share" x="{}" y="{}" width="{:.1f}" height="18"/>')
                         .format(label_w, y + 3, plot_w * share))
            text = f"{share:.0%}"
        parts.append(Markup('<text class="chart-value" x="{}" y="{}">{}</text>')
                     .format(label_w + plot_w + 6, y + 17, text))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
