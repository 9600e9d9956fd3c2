"""Charts of a report, drawn with matplotlib from the plain :class:`Chart` data.

One palette for every chart; SVG (glyphs as paths, fixed hash salt, no date)
for HTML and PDF, PNG for DOCX. Both are deterministic: the same chart gives
the same bytes. Chinese labels use the installed Noto Sans CJK font.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from typing import Any

from esgledger.errors import ReportError
from esgledger.report.fonts import find_cjk_font
from esgledger.report.model import Chart
from esgledger.report.numbers import format_number

__all__ = ["PALETTE", "TIER_COLOURS", "chart_png", "chart_svg"]

PALETTE = (
    "#1b7f5c",
    "#2d5d8a",
    "#e0a100",
    "#4fb286",
    "#7aa6c9",
    "#c4572e",
    "#9ad1b0",
    "#8c8c8c",
)
TIER_COLOURS = ("#c4572e", "#e0a100", "#2d5d8a", "#8c8c8c")
_TEXT = "#23303b"
_GRID = "#d9dee3"


def _rc() -> dict[str, Any]:
    font = find_cjk_font()
    return {
        "font.family": [font.family, "DejaVu Sans"],
        "font.size": 9,
        "axes.edgecolor": _GRID,
        "axes.labelcolor": _TEXT,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlecolor": _TEXT,
        "xtick.color": _TEXT,
        "ytick.color": _TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "svg.hashsalt": "esgledger",
        "svg.fonttype": "path",
        "svg.id": None,
        "path.simplify": True,
    }


def _new_figure(width: float = 6.4, height: float = 3.4) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _thousands(value: float, _pos: int) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def _stacked(fig: Any, chart: Chart) -> None:
    from matplotlib.ticker import FuncFormatter

    ax = fig.add_subplot()
    x = list(range(len(chart.categories)))
    bottoms = [0.0] * len(x)
    for i, s in enumerate(chart.series):
        vals = [0.0 if v is None else v for v in s.values]
        ax.bar(x, vals, 0.55, bottom=bottoms, label=s.name, color=PALETTE[i % len(PALETTE)])
        bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
    ax.set_xticks(x, list(chart.categories))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if len(chart.series) > 1:
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _bars_target(fig: Any, chart: Chart) -> None:
    from matplotlib.ticker import FuncFormatter

    ax = fig.add_subplot()
    s = chart.series[0]
    x = list(range(len(chart.categories)))
    vals = [0.0 if v is None else v for v in s.values]
    bars = ax.bar(x, vals, 0.5, color=PALETTE[0], label=s.name)
    ax.bar_label(bars, labels=[format_number(v) for v in vals], fontsize=8, padding=2)
    if chart.target is not None:
        ax.axhline(
            chart.target, color=PALETTE[5], linestyle="--", linewidth=1.2, label=chart.target_label
        )
        ax.legend(frameon=False, fontsize=8, loc="upper right")
    top = max([*vals, chart.target or 0.0]) * 1.18 or 1.0
    ax.set_ylim(0, top)
    ax.set_xticks(x, list(chart.categories))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _materiality(fig: Any, chart: Chart) -> None:
    ax = fig.add_subplot()
    tiers: list[str] = []
    for s in chart.series:
        if s.name not in tiers:
            tiers.append(s.name)
    for tier_i, tier in enumerate(tiers):
        pts = [p for p, s in zip(chart.points, chart.series, strict=True) if s.name == tier]
        ax.scatter(
            [p[0] for p in pts],
            [p[1] for p in pts],
            s=28,
            color=TIER_COLOURS[tier_i % len(TIER_COLOURS)],
            label=tier,
            zorder=3,
        )
    for x, y, label in chart.points:
        ax.annotate(label, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=5.5)
    xs = [p[0] for p in chart.points]
    ys = [p[1] for p in chart.points]
    pad = 0.15
    ax.set_xlim(math.floor(min(xs) - pad), math.ceil(max(xs) + pad))
    ax.set_ylim(math.floor(min(ys) - pad), math.ceil(max(ys) + pad))
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.grid(color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=8, loc="lower right")


def _heatmap(fig: Any, chart: Chart) -> None:
    from matplotlib.colors import LinearSegmentedColormap

    ax = fig.add_subplot()
    cmap = LinearSegmentedColormap.from_list("esg", ["#f4f7f5", PALETTE[2], PALETTE[5]])
    grid = [list(row) for row in chart.matrix]
    # background: risk level = likelihood x magnitude
    level = [[(i + 1) * (j + 1) for j in range(5)] for i in range(5)]
    ax.imshow(level, cmap=cmap, origin="lower", vmin=1, vmax=25, alpha=0.85)
    for i in range(5):
        for j in range(5):
            if grid[i][j]:
                ax.text(j, i, str(grid[i][j]), ha="center", va="center", fontsize=10, color=_TEXT)
    ax.set_xticks(range(5), [str(n) for n in range(1, 6)])
    ax.set_yticks(range(5), [str(n) for n in range(1, 6)])
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    for spine in ax.spines.values():
        spine.set_visible(False)


_DRAW = {
    "stacked_bars": _stacked,
    "bars_target": _bars_target,
    "materiality": _materiality,
    "heatmap": _heatmap,
}


def _draw(chart: Chart) -> Any:
    draw = _DRAW.get(chart.chart)
    if draw is None:
        raise ReportError(f"unknown chart type {chart.chart!r}")
    if chart.chart == "materiality":
        fig = _new_figure(6.4, 4.8)
    elif chart.chart == "heatmap":
        fig = _new_figure(4.2, 3.6)
    else:
        fig = _new_figure()
    draw(fig, chart)
    return fig


_SVG_HEADER = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)


def _assessment_chart(chart: Chart, fmt: str) -> bytes | None:
    """The assessment engine's own matrix or heat map, when the chart carries its result."""
    if chart.source is None or chart.chart not in ("materiality", "heatmap"):
        return None
    try:
        from esgledger.assess import charts as assess_charts
    except ImportError:  # pragma: no cover - assessment package not installed
        return None
    find_cjk_font()
    if chart.chart == "materiality":
        data: bytes = assess_charts.matrix_chart(chart.source, lang=chart.lang, fmt=fmt)
    else:
        data = assess_charts.heatmap_chart(chart.source, lang=chart.lang, fmt=fmt)
    return data


def _draw_bytes(chart: Chart, fmt: str, dpi: int) -> bytes:
    theirs = _assessment_chart(chart, fmt)
    if theirs is not None:
        return theirs
    import matplotlib

    with matplotlib.rc_context(_rc()):  # type: ignore[arg-type]
        fig = _draw(chart)
        buf = io.BytesIO()
        meta: dict[str, Any] = (
            {"Date": None, "Creator": "esgledger"} if fmt == "svg" else {"Software": None}
        )
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def _scope_ids(svg: str, prefix: str) -> str:
    """Prefix every id (and reference to it) so several charts can share one page."""
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}-{m.group(1)}"', svg)


@lru_cache(maxsize=64)
def chart_svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no XML header), deterministic."""
    svg = _draw_bytes(chart, "svg", 100).decode("utf-8")
    svg = _SVG_HEADER.sub("", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return _scope_ids(svg, re.sub(r"[^A-Za-z0-9_-]", "-", f"{chart.id}-{chart.lang}"))


@lru_cache(maxsize=64)
def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (for DOCX), deterministic."""
    return _draw_bytes(chart, "png", dpi)
