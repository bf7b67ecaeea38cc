"""Static SVG charts drawn at build time for the analytics page.

No JavaScript and no CDN: each chart is an inline ``<svg>`` built from plain
numbers, with a ``<title>``/``aria-label`` for screen readers and a data
table next to it.  Text uses ``currentColor`` so it follows the theme's light
and dark palettes.  Every label is escaped (labels are our own month names and
enum values, but escaping costs nothing).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 280
MARGIN_LEFT = 52
MARGIN_RIGHT = 16
MARGIN_TOP = 34
MARGIN_BOTTOM = 46

SEVERITY_COLOURS = {"SEV1": "#c62828", "SEV2": "#ef6c00", "SEV3": "#f9a825", "SEV4": "#1e88e5"}
FOLLOW_UP_COLOURS = {"done": "#2e7d32", "open": "#1e88e5", "overdue": "#c62828", "not planned": "#8d6e63",
                     "unknown": "#9e9e9e"}
LINE_COLOURS = ("#1e88e5", "#c62828", "#2e7d32", "#8e24aa")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass
class Series:
    name: str
    colour: str
    values: list[float | None]


def axis(value: float, integer: bool) -> tuple[float, int]:
    """(axis maximum, number of tick intervals) for data up to ``value``: steps of 1, 2 or 5 x 10^n."""
    if value <= 0:
        return 1.0, 1
    raw = value / 4
    exponent = math.floor(math.log10(raw))
    step = next(m * 10 ** exponent for m in (1, 2, 5, 10) if m * 10 ** exponent >= raw - 1e-9)
    if integer:
        step = max(1, math.ceil(step))
    ticks = max(1, math.ceil(value / step - 1e-9))
    return float(step * ticks), ticks


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _frame(title: str, css: str, body: list[str]) -> str:
    label = _e(title)
    return (f'<svg class="pm-chart {css}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
            f'aria-label="{label}" preserveAspectRatio="xMidYMid meet"><title>{label}</title>'
            + "".join(body) + "</svg>")


def _legend(entries: list[tuple[str, str]]) -> list[str]:
    parts = []
    x = MARGIN_LEFT
    for name, colour in entries:
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{colour}"></rect>'
                     f'<text x="{x + 16}" y="18" font-size="12" fill="currentColor">{_e(name)}</text>')
        x += 28 + 7 * len(name)
    return parts


def _axes(maximum: float, unit: str, ticks: int) -> list[str]:
    parts = []
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    for tick in range(ticks + 1):
        value = maximum * tick / ticks
        y = HEIGHT - MARGIN_BOTTOM - plot_height * tick / ticks
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
                     f'stroke="currentColor" stroke-opacity="0.15" stroke-width="1"></line>'
                     f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="currentColor">{_number(value)}</text>')
    parts.append(f'<text x="12" y="{MARGIN_TOP - 8}" font-size="11" fill="currentColor">{_e(unit)}</text>')
    return parts


def _x_labels(labels: list[str], slot: float) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    parts = []
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = MARGIN_LEFT + slot * (index + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" font-size="11" text-anchor="middle" '
                     f'fill="currentColor">{_e(label)}</text>')
    return parts


def stacked_bars(title: str, labels: list[str], series: list[Series], unit: str = "incidents",
                 css: str = "") -> str:
    """Vertical bars, one per label, stacked by series."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    maximum, ticks = axis(max(totals, default=0), integer=True)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(1, len(labels))
    bar = max(2.0, slot * 0.7)
    body = _legend([(s.name, s.colour) for s in series]) + _axes(maximum, unit, ticks)
    for index, label in enumerate(labels):
        y = HEIGHT - MARGIN_BOTTOM
        x = MARGIN_LEFT + slot * index + (slot - bar) / 2
        for s in series:
            value = s.values[index] or 0
            if value <= 0:
                continue
            height = plot_height * value / maximum
            y -= height
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                        f'fill="{s.colour}"><title>{_e(label)}: {_number(value)} {_e(s.name)}</title></rect>')
    body += _x_labels(labels, slot)
    return _frame(title, css, body)


def line_chart(title: str, labels: list[str], series: list[Series], unit: str, css: str = "") -> str:
    """One polyline per series over the labels; gaps where a value is missing."""
    values = [v for s in series for v in s.values if v is not None]
    maximum, ticks = axis(max(values, default=0), integer=False)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(1, len(labels))
    body = _legend([(s.name, s.colour) for s in series]) + _axes(maximum, unit, ticks)
    for s in series:
        run: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(s.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            x = MARGIN_LEFT + slot * (index + 0.5)
            y = HEIGHT - MARGIN_BOTTOM - plot_height * value / maximum
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}"><title>{_e(labels[index])}: '
                        f'{_number(value)} {_e(unit)} ({_e(s.name)})</title></circle>')
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" '
                            f'stroke-width="2"></polyline>')
    body += _x_labels(labels, slot)
    return _frame(title, css, body)


def horizontal_bars(title: str, labels: list[str], series: list[Series], unit: str = "incidents",
                    css: str = "") -> str:
    """One horizontal bar per label, stacked by series; the value is printed at the end of the bar."""
    row = 30
    height = MARGIN_TOP + row * max(1, len(labels)) + 24
    left = 170
    plot_width = WIDTH - left - 60
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    maximum, _ = axis(max(totals, default=0), integer=True)
    body = _legend([(s.name, s.colour) for s in series]) if len(series) > 1 else []
    for index, label in enumerate(labels):
        y = MARGIN_TOP + row * index
        x = float(left)
        body.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" '
                    f'fill="currentColor">{_e(label)}</text>')
        for s in series:
            value = s.values[index] or 0
            if value <= 0:
                continue
            width = plot_width * value / maximum
            body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="18" fill="{s.colour}">'
                        f'<title>{_e(label)}: {_number(value)} {_e(s.name)}</title></rect>')
            x += width
        body.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="12" fill="currentColor">'
                    f'{_number(totals[index])}</text>')
    label = _e(title)
    return (f'<svg class="pm-chart {css}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-label="{label}" preserveAspectRatio="xMidYMid meet"><title>{label}</title>'
            + "".join(body) + f'<text x="{left}" y="{height - 6}" font-size="11" fill="currentColor">'
            f'{_e(unit)}</text></svg>')
