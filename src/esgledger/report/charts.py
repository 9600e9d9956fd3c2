"""Charts of a report, drawn with matplotlib from the plain :class:`Chart` data.

The style (fonts, sizes, palette, byte-stable SVG/PNG) is the project's one
chart style, :mod:`esgledger.chartstyle`, shared with the assessment charts.
Charts are drawn at the text width of an A4 page, so shown at 100 % of the text
width their labels print at the nominal 8 pt. SVG (text kept as text, so the
PDF's chart labels can be searched and copied; fixed hash salt, no date) for
HTML and PDF, PNG for DOCX; the same chart gives the same bytes. Chinese labels
use the installed Noto Sans CJK font.

Every chart has a text alternative (:func:`chart_alt`): its title and its data
in words. The SVG carries it as ``<title>`` (the PDF's Figure tag takes its
``/Alt`` from there) and the DOCX as the picture's description.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from esgledger.chartstyle import (
    GRID,
    PALETTE,
    TEXT,
    TEXT_WIDTH_IN,
    chart_style,
    find_cjk_font,
    save_figure,
)
from esgledger.errors import ReportError
from esgledger.report.model import Chart
from esgledger.report.numbers import format_number

__all__ = ["PALETTE", "TIER_COLOURS", "chart_alt", "chart_png", "chart_svg"]

# Materiality tiers, most material first (the assessment charts' colours).
TIER_COLOURS = (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[7])


def _new_figure(height: float = 3.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(TEXT_WIDTH_IN, height), dpi=100, layout="constrained")


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
        ax.bar(x, vals, 0.5, bottom=bottoms, label=s.name, color=PALETTE[i % len(PALETTE)])
        bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
    ax.set_xticks(x, list(chart.categories))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if len(chart.series) > 1:
        # below the plot, so the bars get the whole width; in stacking order
        ax.legend(
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncols=min(len(chart.series), 4),
        )


def _bars_target(fig: Any, chart: Chart) -> None:
    from matplotlib.ticker import FuncFormatter

    ax = fig.add_subplot()
    s = chart.series[0]
    x = list(range(len(chart.categories)))
    vals = [0.0 if v is None else v for v in s.values]
    bars = ax.bar(x, vals, 0.5, color=PALETTE[0], label=s.name)
    ax.bar_label(bars, labels=[format_number(v) for v in vals], padding=2, color=TEXT)
    if chart.target is not None:
        ax.axhline(
            chart.target, color=PALETTE[5], linestyle="--", linewidth=1.2, label=chart.target_label
        )
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
    top = max([*vals, chart.target or 0.0]) * 1.18 or 1.0
    ax.set_ylim(0, top)
    ax.set_xticks(x, list(chart.categories))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _tier_points(chart: Chart) -> tuple[list[Any], list[tuple[str, str]]]:
    """Numbered matrix points (in the order given: the ranking) and the tier legend."""
    from esgledger.assess.charts import TIER_COLOURS as BY_TIER
    from esgledger.assess.charts import TIER_LABELS, MatrixPoint

    known = {label: BY_TIER[t] for t, pair in TIER_LABELS.items() for label in (t, *pair)}
    tiers: list[str] = []
    for s in chart.series:
        if s.name not in tiers:
            tiers.append(s.name)
    colour = {t: known.get(t, TIER_COLOURS[i % len(TIER_COLOURS)]) for i, t in enumerate(tiers)}
    points = [
        MatrixPoint(x, y, n, colour[s.name], label)
        for n, ((x, y, label), s) in enumerate(zip(chart.points, chart.series, strict=True), 1)
    ]
    return points, [(t, colour[t]) for t in tiers]


def _materiality_figure(chart: Chart) -> Any:
    from esgledger.assess.charts import matrix_figure
    from esgledger.assess.materiality import Thresholds

    points, legend = _tier_points(chart)
    if chart.thresholds:  # the limits the assessment used, so lines and tiers agree
        limits = chart.thresholds
    else:  # none given: the assessment engine's defaults
        th = Thresholds()
        limits = (th.material, th.moderately, th.highly)
    return matrix_figure(
        points,
        thresholds=limits,
        x_label=chart.x_label,
        y_label=chart.y_label,
        legend=legend,
        lang=chart.lang,
    )


def _heatmap_figure(chart: Chart) -> Any:
    from esgledger.assess.charts import heatmap_figure

    return heatmap_figure(
        (), x_label=chart.x_label, y_label=chart.y_label, lang=chart.lang, counts=chart.matrix
    )


_DRAW = {
    "stacked_bars": _stacked,
    "bars_target": _bars_target,
}


def _draw(chart: Chart) -> Any:
    if chart.chart == "materiality":
        return _materiality_figure(chart)
    if chart.chart == "heatmap":
        return _heatmap_figure(chart)
    draw = _DRAW.get(chart.chart)
    if draw is None:
        raise ReportError(f"unknown chart type {chart.chart!r}")
    fig = _new_figure()
    draw(fig, chart)
    return fig


_SVG_HEADER = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)


def _assessment_chart(chart: Chart, fmt: str) -> bytes | None:
    """The assessment engine's own matrix or heat map, when the chart carries its result
    (without its title: the report's figure caption names it)."""
    if chart.source is None or chart.chart not in ("materiality", "heatmap"):
        return None
    from esgledger.assess import charts as assess_charts

    find_cjk_font()
    if chart.chart == "materiality":
        data: bytes = assess_charts.matrix_chart(
            chart.source, lang=chart.lang, fmt=fmt, title=False
        )
    else:
        data = assess_charts.heatmap_chart(chart.source, lang=chart.lang, fmt=fmt, title=False)
    return data


def _draw_bytes(chart: Chart, fmt: str, dpi: int) -> bytes:
    theirs = _assessment_chart(chart, fmt)
    if theirs is not None:
        return theirs
    find_cjk_font()  # every report needs it (the PDF and DOCX embed it); fail early and clearly
    with chart_style(chart.lang):
        return save_figure(_draw(chart), fmt, dpi)


def _scope_ids(svg: str, prefix: str) -> str:
    """Prefix every id (and reference to it) so several charts can share one page."""
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}-{m.group(1)}"', svg)


_ALT_LIMIT = 600  # characters: a description, not a data table (the annex has the data)


def _series_text(chart: Chart) -> list[str]:
    sep = "：" if chart.lang == "zh" else ": "
    parts: list[str] = []
    for s in chart.series:
        values = [
            f"{cat} {format_number(v)}"
            for cat, v in zip(chart.categories, s.values, strict=False)
            if v is not None
        ]
        if values:
            parts.append(f"{s.name}{sep}{', '.join(values)}")
    return parts


def chart_alt(chart: Chart) -> str:
    """The chart's text alternative: title, unit and its values (or points) in words."""
    zh = chart.lang == "zh"
    head = chart.title
    if chart.unit:
        head += f"（{chart.unit}）" if zh else f" ({chart.unit})"
    if chart.chart in ("materiality", "heatmap"):
        axes = " × ".join(t for t in (chart.x_label, chart.y_label) if t)
        body = [axes] if axes else []
        labels = [label for _, _, label in chart.points if label]
        if labels:
            body.append(("、" if zh else ", ").join(labels))
    else:
        body = _series_text(chart)
        if chart.target is not None:
            name = chart.target_label or ("目标" if zh else "target")
            body.append(f"{name} {format_number(chart.target)}")
    text = ("。" if zh else ". ").join([head, *body])
    if len(text) > _ALT_LIMIT:
        text = text[: _ALT_LIMIT - 1] + "…"
    return text


def _with_title(svg: str, chart: Chart) -> str:
    """``svg`` with ``<title>`` first inside it and ``role="img"``: its name for assistive
    technology and the /Alt of the PDF's Figure tag."""
    from markupsafe import escape

    alt = str(escape(chart_alt(chart)))
    return re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img"><title>{alt}</title>',
        svg,
        count=1,
    )


@lru_cache(maxsize=64)
def chart_svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no XML header), deterministic."""
    svg = _draw_bytes(chart, "svg", 100).decode("utf-8")
    svg = _SVG_HEADER.sub("", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = _scope_ids(svg, re.sub(r"[^A-Za-z0-9_-]", "-", f"{chart.id}-{chart.lang}"))
    return _with_title(svg, chart)


@lru_cache(maxsize=64)
def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as PNG bytes (for DOCX), deterministic."""
    return _draw_bytes(chart, "png", dpi)
