"""Bar charts drawn on the server as inline SVG: no script, no styles in the
markup (the content security policy allows neither inline), colours from
the stylesheet's `.chart` classes.

Each chart names itself for screen readers (`<title>` and `<desc>`); the
page shows the same numbers as a table next to it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # What the value reads as ("12,50 €", "7"); shown on or by the bar.
    text: str


def _nice_ceiling(value: int, steps: int = 4) -> tuple[int, int]:
    """Return (top, step): a round axis top at or above `value`."""
    if value <= 0:
        return steps, 1
    raw = value / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    step = max(int(math.ceil(step)), 1)
    return step * steps, step


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{chart_id}-desc" '
        'preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def column_chart(
    bars: list[Bar],
    *,
    chart_id: str,
    title: str,
    desc: str,
    tick: Callable[[int], str],
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Return vertical bars over labelled columns (days, hours…).

    `tick` writes an axis value (cents to money, say). Values are printed
    above the bars when there are few enough to be read.
    """
    left, right, top, bottom = 64, 8, 18, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, step = _nice_ceiling(max((b.value for b in bars), default=0))
    parts = [_open(chart_id, width, height, title, desc)]
    for n in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * n / top_value
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(tick(n))}</text>"
        )
    slot = plot_w / max(len(bars), 1)
    gap = min(slot * 0.25, 10)
    # Print every label when they fit, else every second or third.
    widest = max((len(b.label) for b in bars), default=1)
    every = max(1, math.ceil(len(bars) * (widest * 7 + 8) / plot_w))
    for index, bar in enumerate(bars):
        x = left + index * slot + gap / 2
        h = plot_h * bar.value / top_value
        y = top + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" '
            f'height="{h:.1f}"><title>{escape(bar.label)}: {escape(bar.text)}'
            "</title></rect>"
        )
        center = x + (slot - gap) / 2
        if index % every == 0:
            parts.append(
                f'<text x="{center:.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
            )
        if bar.value and len(bars) <= 8:
            parts.append(
                f'<text class="value" x="{center:.1f}" y="{y - 5:.1f}" '
                f'text-anchor="middle">{escape(bar.text)}</text>'
            )
    baseline = top + plot_h
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" '
        f'y1="{baseline}" y2="{baseline}"/></svg>'
    )
    return mark_safe("".join(parts))  # every text in it is escaped above


def row_chart(
    bars: list[Bar],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 640,
    label_width: int = 210,
    row_height: int = 30,
    alternate: set[int] | None = None,
    value_room: int = 96,
) -> SafeString:
    """Return horizontal bars, one row per item, its value at the bar's end.

    Rows whose index is in `alternate` use the accent colour.
    """
    height = max(len(bars), 1) * row_height + 8
    plot_w = width - label_width - value_room
    largest = max((b.value for b in bars), default=0) or 1
    parts = [_open(chart_id, width, height, title, desc)]
    for index, bar in enumerate(bars):
        y = 4 + index * row_height
        w = max(plot_w * bar.value / largest, 1 if bar.value else 0)
        name = bar.label if len(bar.label) <= 30 else bar.label[:29] + "…"
        kind = "bar alt" if alternate and index in alternate else "bar"
        middle = y + row_height / 2 + 4
        parts.append(
            f'<text class="name" x="{label_width - 8}" y="{middle:.1f}" '
            f'text-anchor="end">{escape(name)}</text>'
            f'<rect class="{kind}" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row_height - 10}" rx="3"><title>{escape(bar.label)}: '
            f"{escape(bar.text)}</title></rect>"
            f'<text class="value" x="{label_width + w + 6:.1f}" '
            f'y="{middle:.1f}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
