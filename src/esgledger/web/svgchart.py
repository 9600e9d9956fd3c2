"""Small server-rendered SVG charts for the portal (no script, no style attribute).

The CSP forbids inline styles, so shapes carry presentation attributes and
CSS classes only (``static/portal.css`` colours them). Every chart has a
``<title>`` and the numbers it draws are also in a table next to it (which is
where the links to their explanations are).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bars", "trend"]

_W = 320
_BAR = 18
_GAP = 6
_LABEL = 120


def _num(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def bars(title: str, items: Sequence[tuple[str, float]]) -> Markup:
    """Horizontal bars, one per (label, value); negative values drawn as zero."""
    shown = [(label, max(value, 0.0)) for label, value in items]
    top = max((v for _, v in shown), default=0.0) or 1.0
    height = max(len(shown), 1) * (_BAR + _GAP) + _GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    span = _W - _LABEL - 60
    for i, (label, value) in enumerate(shown):
        y = _GAP + i * (_BAR + _GAP)
        width = span * value / top
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(
            f'<text class="chart-label" x="{_LABEL - 4}" y="{y + 13}" '
            f'text-anchor="end">{escape(short)}</text>'
            f'<rect class="chart-bar c{i % 6}" x="{_LABEL}" y="{y}" '
            f'width="{width:.1f}" height="{_BAR}"/>'
            f'<text class="chart-value" x="{_LABEL + width + 4:.1f}" y="{y + 13}">'
            f"{escape(_num(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


def trend(title: str, points: Sequence[tuple[str, float | None]]) -> Markup:
    """Vertical bars, one per (year, value); a missing year leaves a gap."""
    top = max((v for _, v in points if v is not None and v > 0), default=0.0) or 1.0
    width = 60 * max(len(points), 1) + 20
    height = 120
    parts = [
        f'<svg class="chart trend" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (year, value) in enumerate(points):
        x = 20 + i * 60
        parts.append(
            f'<text class="chart-label" x="{x + 20}" y="{height - 4}" '
            f'text-anchor="middle">{escape(year)}</text>'
        )
        if value is None:
            continue
        h = 80 * max(value, 0.0) / top
        parts.append(
            f'<rect class="chart-bar c{i % 6}" x="{x}" y="{96 - h:.1f}" width="40" '
            f'height="{h:.1f}"/><text class="chart-value" x="{x + 20}" y="{92 - h:.1f}" '
            f'text-anchor="middle">{escape(_num(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)
