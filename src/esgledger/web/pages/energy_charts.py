"""Server-rendered inline SVG charts of the energy monitoring page (no script, no style attribute).

Every shape is styled by a class of ``static/portal.css`` (the CSP has no
``unsafe-inline``). Each chart is an ``<svg role="img">`` with a ``<title>``
and ``<desc>``; the page also lists the numbers in a table. Charts draw in a
fixed ``viewBox`` and scale to the width of the page (phone included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["Band", "Bar", "bars", "burn_down", "line"]

W, H = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 26, 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    flagged: bool = False  # drawn in the warning colour (say a day below completeness)


@dataclass(frozen=True)
class Band:
    """A highlighted stretch of the x axis (an alert's hour): indexes ``start`` .. ``end``."""

    start: int
    end: int
    label: str


def _svg(parts: list[str]) -> Markup:
    """The chart's markup: every text and label in ``parts`` went through ``escape``."""
    return Markup("".join([*parts, "</svg>"]))  # noqa: S704


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0 or not math.isfinite(top):
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= top:
            return step * power
    return 10 * power


def _num(v: float) -> str:
    if abs(v) >= 10_000:
        return f"{v / 1000:,.0f}k"
    if abs(v) >= 100 or v == int(v):
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def _frame(title: str, desc: str, top: float, unit: str, css: str) -> list[str]:
    out = [
        f'<svg class="chart {css}" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{css}-t {css}-d">',
        f'<title id="{css}-t">{escape(title)}</title><desc id="{css}-d">{escape(desc)}</desc>',
    ]
    for i in range(5):
        v = top * i / 4
        y = _y(v, top)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}">{escape(_num(v))}</text>')
    out.append(f'<text class="unit" x="4" y="14">{escape(unit)}</text>')
    return out


def _y(v: float, top: float) -> float:
    return TOP + (H - TOP - BOTTOM) * (1 - v / top)


def _x_labels(labels: Sequence[str], xs: Sequence[float], every: int) -> list[str]:
    out = []
    for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
        if i % every == 0:
            out.append(f'<text class="xtick" x="{x:.1f}" y="{H - 10}">{escape(label)}</text>')
    return out


def line(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    desc: str,
    unit: str,
    bands: Sequence[Band] = (),
    ticks: int = 8,
) -> Markup:
    """A load curve: one point per interval; ``None`` leaves a gap in the line."""
    n = len(values)
    top = _nice(max((v for v in values if v is not None), default=0.0))
    out = _frame(title, desc, top, unit, "load")
    span = (W - LEFT - RIGHT) / max(n - 1, 1)
    xs = [LEFT + i * span for i in range(n)]
    for b in bands:
        x0 = xs[max(min(b.start, n - 1), 0)] if n else LEFT
        x1 = xs[max(min(b.end, n - 1), 0)] if n else LEFT
        width = max(x1 - x0, 3.0)
        out.append(
            f'<rect class="band" x="{x0 - 1.5:.1f}" y="{TOP}" width="{width:.1f}" '
            f'height="{H - TOP - BOTTOM}"><title>{escape(b.label)}</title></rect>'
        )
    runs: list[list[str]] = [[]]
    for x, v in zip(xs, values, strict=True):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(f"{x:.1f},{_y(v, top):.1f}")
    for run in runs:
        if len(run) == 1:
            cx, cy = run[0].split(",")
            out.append(f'<circle class="point" cx="{cx}" cy="{cy}" r="2"/>')
        elif run:
            out.append(f'<polyline class="curve" points="{" ".join(run)}"/>')
    out += _x_labels(labels, xs, max(1, math.ceil(n / ticks)))
    return _svg(out)


def bars(items: Sequence[Bar], *, title: str, desc: str, unit: str, ticks: int = 8) -> Markup:
    """Daily bars; flagged bars in the warning colour."""
    n = len(items)
    top = _nice(max((b.value for b in items), default=0.0))
    out = _frame(title, desc, top, unit, "days")
    slot = (W - LEFT - RIGHT) / max(n, 1)
    width = max(slot * 0.7, 1.0)
    xs = []
    for i, b in enumerate(items):
        x = LEFT + i * slot + (slot - width) / 2
        y = _y(max(b.value, 0.0), top)
        xs.append(x + width / 2)
        css = "dbar flagged" if b.flagged else "dbar"
        out.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{H - BOTTOM - y:.1f}"><title>{escape(b.label)}: {escape(_num(b.value))}'
            f"</title></rect>"
        )
    out += _x_labels([b.label for b in items], xs, max(1, math.ceil(n / ticks)))
    return _svg(out)


def burn_down(
    monthly: Sequence[float],
    forecast: float,
    quota: float,
    *,
    title: str,
    desc: str,
    unit: str,
    labels: Sequence[str],
) -> Markup:
    """The year to date (cumulative, by month) against the annual quota, with the forecast.

    ``monthly``: consumption of months 1..k; the forecast runs from the year
    to date at month k to ``forecast`` at month 12.
    """
    cumulative: list[float] = []
    for v in monthly:
        cumulative.append((cumulative[-1] if cumulative else 0.0) + v)
    top = _nice(max([quota, forecast, *cumulative, 0.0]) * 1.05)
    out = _frame(title, desc, top, unit, "quota")
    span = (W - LEFT - RIGHT) / 12
    xs = [LEFT + span * m for m in range(13)]  # x of the end of month m (0: 1 January)
    yq = _y(quota, top)
    out.append(
        f'<line class="quota-line" x1="{LEFT}" x2="{W - RIGHT}" y1="{yq:.1f}" y2="{yq:.1f}"/>'
    )
    points = [f"{xs[0]:.1f},{_y(0, top):.1f}"] + [
        f"{xs[i + 1]:.1f},{_y(c, top):.1f}" for i, c in enumerate(cumulative)
    ]
    out.append(f'<polyline class="actual" points="{" ".join(points)}"/>')
    if cumulative:
        k = len(cumulative)
        css = "forecast over" if forecast > quota else "forecast"
        out.append(
            f'<line class="{css}" x1="{xs[k]:.1f}" y1="{_y(cumulative[-1], top):.1f}" '
            f'x2="{xs[12]:.1f}" y2="{_y(forecast, top):.1f}"/>'
        )
    label_xs = [(xs[m] + xs[m + 1]) / 2 for m in range(12)]
    out += _x_labels(labels, label_xs, 1 if len(labels) == 12 else 3)
    return _svg(out)
