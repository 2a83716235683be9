"""Server-rendered SVG bar charts: light, no JavaScript, no inline styles (strict CSP).

Colours and fonts come from classes in app.css; geometry from SVG attributes. Each chart
carries a ``<title>`` and ``role="img"``; the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

#: A phone's width in CSS pixels: the text of the charts keeps its size on a phone, and the
#: chart grows no wider than about twice that on a wide screen (app.css).
WIDTH = 360
LABEL_H = 16


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


def _open(chart_id: str, title: str, height: int) -> list[Markup]:
    return [Markup('<svg class="chart" id="{}" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
                   'width="100%" preserveAspectRatio="xMinYMin meet">').format(chart_id, chart_id, WIDTH, height),
            Markup('<title id="{}-title">{}</title>').format(chart_id, title)]


def grouped_bars(chart_id: str, title: str, labels: Sequence[str],
                 series: Sequence[tuple[str, str, Sequence[int]]]) -> Markup:
    """Horizontal bars, one group per label (its name above its bars); ``series`` is
    (name, css class, values). Values are written at the end of each bar."""
    bar_h, value_w = 12, 40
    plot_w = WIDTH - value_w
    peak = _nice_max(max((v for _, _, values in series for v in values), default=0))
    group_h = LABEL_H + len(series) * (bar_h + 2) + 8
    legend_h = 20
    parts = _open(chart_id, title, legend_h + len(labels) * group_h)
    for j, (name, css, _values) in enumerate(series):
        x = j * 130
        parts.append(Markup('<rect class="{}" x="{}" y="2" width="12" height="12"/>'
                            '<text class="chart-legend" x="{}" y="12">{}</text>').format(css, x, x + 16, name))
    for i, label in enumerate(labels):
        y = legend_h + i * group_h
        parts.append(Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(y + 12, label))
        for j, (name, css, values) in enumerate(series):
            top = y + LABEL_H + j * (bar_h + 2)
            w = plot_w * values[i] / peak
            parts.append(Markup('<rect class="{}" x="0" y="{}" width="{:.1f}" height="{}"><title>{}: {}</title></rect>'
                                '<text class="chart-value" x="{:.1f}" y="{}">{}</text>')
                         .format(css, top, w, bar_h, name, values[i], w + 4, top + bar_h - 2, values[i]))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def share_bars(chart_id: str, title: str, items: Sequence[tuple[str, float | None]],
               empty: str) -> Markup:
    """Horizontal bars of shares (0–1), each under its label, with its percentage; ``None``
    shows ``empty``."""
    bar_h, value_w = 14, 48
    row_h = LABEL_H + bar_h + 8
    plot_w = WIDTH - value_w
    parts = _open(chart_id, title, max(len(items), 1) * row_h)
    for i, (label, share) in enumerate(items):
        y = i * row_h
        parts.append(Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(y + 12, label))
        parts.append(Markup('<rect class="chart-track" x="0" y="{}" width="{}" height="{}"/>')
                     .format(y + LABEL_H, plot_w, bar_h))
        if share is None:
            text = empty
        else:
            parts.append(Markup('<rect class="bar-share" x="0" y="{}" width="{:.1f}" height="{}"/>')
                         .format(y + LABEL_H, plot_w * share, bar_h))
            text = f"{share:.0%}"
        parts.append(Markup('<text class="chart-value" x="{}" y="{}">{}</text>')
                     .format(plot_w + 4 if share is not None else 4, y + LABEL_H + bar_h - 3, text))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
