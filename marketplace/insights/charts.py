"""Server-side SVG charts: horizontal bars, grouped columns and lines.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`;
the page puts a data table with the same figures beside it, so nothing depends on
seeing the picture. The SVG scales with its container (viewBox, width 100%).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from marketplace.core.formatting import format_number

COLORS = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1")
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'

Series = tuple[str, Sequence[float | None]]


def nice_ceiling(value: float) -> float:
    """Round a maximum up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def number(value: float) -> str:
    """A figure in the page's language (Babel): `1.200` and `4,5` in Vietnamese."""
    if float(value).is_integer():
        return format_number(int(value))
    return format_number(value, 1)


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{cid}-title {cid}-desc" {FONT}>',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for i, (name, _values) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        parts.append(
            f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14:.0f}" y="{y:.0f}" font-size="12" fill="#333">{escape(name)}</text>'
        )
        x += 22 + 7 * len(name)
    return parts


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    fmt: Callable[[float], str] = number,
    missing: str = "<5",
    top: float | None = None,
    width: int = 480,
) -> Markup:
    """Horizontal bars, one per item: its label on a line above the bar, the value after it.

    An item whose value is None (suppressed) gets no bar, only the `missing` text.
    """
    row = 38
    height = max(row * len(items) + 8, 40)
    top = top or max((v for _label, v in items if v is not None), default=0) or 1
    parts = _open(chart_id, width, height, title, desc)
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        text = missing if value is None else fmt(value)
        length = 0 if value is None else (width - 80) * value / top
        short = label if len(label) <= 48 else label[:47] + "…"
        parts.append(f"<g><title>{escape(label)}: {escape(text)}</title>")
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="13" fill="#212529">{escape(short)}</text>'
        )
        if length:
            parts.append(
                f'<rect x="0" y="{y + 17}" width="{max(length, 2):.1f}" height="14" rx="2" '
                f'fill="{COLORS[0]}"/>'
            )
        parts.append(
            f'<text x="{length + 6:.1f}" y="{y + 29}" font-size="12" fill="#495057">'
            f"{escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _axes(
    labels: Sequence[str], top: float, width: int, height: int, left: int, bottom: int
) -> list[str]:
    plot_h = height - bottom - 24
    parts = []
    # Steps of 1, 2 or 5 units of the scale's leading digit: 0-5 by 1, 0-20 by 5, 0-10 by 2.
    steps = 4 if f"{top:g}"[0] == "2" else 5
    for k in range(steps + 1):
        value = top * k / steps
        y = 24 + plot_h - plot_h * k / steps
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#6c757d">{escape(number(value))}</text>'
        )
    return parts


def _x_positions(count: int, left: int, width: int) -> list[float]:
    plot_w = width - left - 36  # room for the last label, centred on its point
    if count == 1:
        return [left + plot_w / 2]
    return [left + 8 + plot_w * i / (count - 1) for i in range(count)]


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float, most: int = 8) -> list[str]:
    step = max(1, math.ceil(len(labels) / most))
    return [
        f'<text x="{xs[i]:.1f}" y="{y:.1f}" font-size="12" text-anchor="middle" '
        f'fill="#6c757d">{escape(labels[i])}</text>'
        for i in range(0, len(labels), step)
    ]


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    desc: str,
    top: float | None = None,
    width: int = 520,
    height: int = 250,
) -> Markup:
    """One line per series over the labels (None leaves a gap), with a legend."""
    left, bottom = 44, 40
    peak = max((v for _n, values in series for v in values if v is not None), default=0)
    top = top or nice_ceiling(peak)
    plot_h = height - bottom - 24
    parts = _open(chart_id, width, height, title, desc)
    parts += _axes(labels, top, width, height, left, bottom)
    xs = _x_positions(len(labels), left, width)
    for i, (name, values) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        runs: list[list[str]] = [[]]
        dots = []
        for x, label, value in zip(xs, labels, values, strict=False):
            if value is None:
                runs.append([])
                continue
            y = 24 + plot_h - plot_h * value / top
            runs[-1].append(f"{x:.1f},{y:.1f}")
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 if len(labels) <= 31 else 1.5}" '
                f'fill="{color}"><title>{escape(name)} {escape(label)}: '
                f"{escape(number(value))}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                    f'points="{" ".join(run)}"/>'
                )
        parts += dots
    parts += _x_labels(labels, xs, height - bottom + 16)
    parts += _legend(series, left, height - 6)
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 520,
    height: int = 250,
) -> Markup:
    """Grouped vertical columns: one group per label, one column per series."""
    left, bottom = 44, 40
    peak = max((v for _n, values in series for v in values if v is not None), default=0)
    top = nice_ceiling(peak)
    plot_h = height - bottom - 24
    plot_w = width - left - 8
    parts = _open(chart_id, width, height, title, desc)
    parts += _axes(labels, top, width, height, left, bottom)
    group = plot_w / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    centres = []
    for g, label in enumerate(labels):
        x0 = left + g * group + group * 0.1
        centres.append(left + g * group + group / 2)
        for i, (name, values) in enumerate(series):
            value = values[g] or 0
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x0 + i * bar:.1f}" y="{24 + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLORS[i % len(COLORS)]}"><title>{escape(name)} '
                f"{escape(label)}: {escape(number(value))}</title></rect>"
            )
    parts += _x_labels(labels, centres, height - bottom + 16, most=6)
    parts += _legend(series, left, height - 6)
    parts.append("</svg>")
    return Markup("".join(parts))
