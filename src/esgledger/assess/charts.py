"""Charts of the assessment area: the double-materiality matrix and the climate heat map.

matplotlib's object API (``Figure``, no pyplot), so nothing global changes.
Fonts, sizes and byte-stable output come from :mod:`esgledger.chartstyle`
(the one chart style of the project): Chinese labels use Noto Sans CJK
(Debian ``fonts-noto-cjk``), and without it a Chinese chart fails with a clear
:class:`~esgledger.errors.ReportError`.

Both charts are drawn at print size (the text width of an A4 page) with a
numbered marker per item and the numbered names listed beside the plot, so no
label sits on another however tightly the scores cluster. The plain-data
drawings (:func:`matrix_figure`, :func:`heatmap_figure`) also serve the report
builder when it has only scores, not the engine's result objects. Charts are
returned as bytes; :mod:`esgledger.intake.assessment_files` writes them to files.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from esgledger.assess.materiality import TIERS, MaterialityResult
from esgledger.assess.risks import ClimateRegister
from esgledger.chartstyle import (
    GRID,
    PALETTE,
    TEXT,
    TEXT_WIDTH_IN,
    chart_style,
    find_cjk_font,
    save_figure,
)

__all__ = [
    "TIER_COLOURS",
    "TIER_LABELS",
    "HeatItem",
    "MatrixPoint",
    "cjk_font_family",
    "heatmap_chart",
    "heatmap_figure",
    "matrix_chart",
    "matrix_figure",
]

TIER_COLOURS: dict[str, str] = {
    "highly material": PALETTE[0],
    "moderately material": PALETTE[1],
    "material": PALETTE[2],
    "not material": PALETTE[7],
}
TIER_LABELS: dict[str, tuple[str, str]] = {
    "highly material": ("Highly material", "高度重要"),
    "moderately material": ("Moderately material", "中度重要"),
    "material": ("Material", "一般重要"),
    "not material": ("Not material", "不重要"),
}
_OPPORTUNITY = PALETTE[1]
_LIST_FONT = 7.0  # points: the numbered names beside a chart
_MARK_FONT = 6.0  # points: the number inside a marker
_MARK_IN = 0.16  # inches: the diameter of a numbered marker, with a little air


def cjk_font_family() -> str | None:
    """The name of an installed Noto Sans CJK (or other CJK) family, or ``None``."""
    from esgledger.errors import ReportError

    try:
        return find_cjk_font().family
    except ReportError:
        return None


@dataclass(frozen=True)
class MatrixPoint:
    """One topic on the matrix: its scores, the number on its marker, colour and name."""

    financial: float
    impact: float
    number: int
    colour: str
    name: str


@dataclass(frozen=True)
class HeatItem:
    """One risk or opportunity on the heat map."""

    code: str
    title: str
    likelihood: int
    magnitude: int
    opportunity: bool = False


def _render(fig: Any, fmt: str | None) -> bytes:
    return save_figure(fig, fmt or "png", dpi=200)


def _wrap(text: str, zh: bool) -> list[str]:
    return textwrap.wrap(text, 22 if zh else 38) or [""]


def _side_list(
    fig: Any,
    rows: Sequence[tuple[str, str, str]],
    *,
    x_in: float,
    top_in: float,
    bottom_in: float,
    zh: bool,
    code_width_in: float = 0.22,
) -> None:
    """Numbered (or coded) names in a column from ``top_in`` down to ``bottom_in``."""
    w, h = fig.get_size_inches()
    lines = sum(len(_wrap(name, zh)) for _, name, _ in rows)
    step = min(0.16, (top_in - bottom_in) / max(lines, 1))
    y = top_in
    for code, name, colour in rows:
        fig.text(x_in / w, y / h, code, fontsize=_LIST_FONT, weight="bold", color=colour, va="top")
        for part in _wrap(name, zh):
            fig.text(
                (x_in + code_width_in) / w, y / h, part, fontsize=_LIST_FONT, color=TEXT, va="top"
            )
            y -= step


def _spread(
    points: Sequence[tuple[float, float]], *, min_gap: float, rounds: int = 300
) -> list[tuple[float, float]]:
    """Label positions near ``points`` but at least ``min_gap`` apart (a small, deterministic
    repulsion; each label is also pulled back towards its point)."""
    spots = [list(p) for p in points]
    n = len(spots)
    for _ in range(rounds):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                dx = spots[j][0] - spots[i][0]
                dy = spots[j][1] - spots[i][1]
                dist = (dx * dx + dy * dy) ** 0.5
                if dist >= min_gap:
                    continue
                if dist < 1e-9:  # same spot: separate along a fixed direction
                    dx, dy, dist = 0.6, 0.8, 1.0
                push = (min_gap - dist) / 2 / dist * 1.05
                spots[i][0] -= dx * push
                spots[i][1] -= dy * push
                spots[j][0] += dx * push
                spots[j][1] += dy * push
                moved = True
        if not moved:
            break
        for k in range(n):
            spots[k][0] += (points[k][0] - spots[k][0]) * 0.01
            spots[k][1] += (points[k][1] - spots[k][1]) * 0.01
    return [(sp[0], sp[1]) for sp in spots]


def _axis_range(values: Sequence[float]) -> tuple[float, float]:
    """The data range padded and rounded out to quarter points, within the 1-5 scale."""
    lo = max(1.0, math.floor((min(values) - 0.12) * 4) / 4)
    hi = min(5.0, math.ceil((max(values) + 0.12) * 4) / 4)
    if hi - lo < 1.0:
        hi = min(5.0, lo + 1.0)
        lo = max(1.0, hi - 1.0)
    return lo, hi


def matrix_figure(
    points: Sequence[MatrixPoint],
    *,
    thresholds: Sequence[float],
    x_label: str,
    y_label: str,
    legend: Sequence[tuple[str, str]],
    lang: str = "en",
    title: str = "",
    note: str = "",
) -> Any:
    """The matrix as a matplotlib ``Figure`` at print width: axes zoomed to the scores,
    threshold lines, one numbered marker per point, the numbered names beside it.
    Call inside :func:`~esgledger.chartstyle.chart_style`."""
    from matplotlib.figure import Figure

    zh = lang.startswith("zh")
    width = TEXT_WIDTH_IN
    top_pad = 0.35 if title else 0.12
    bottom_pad = 0.58 if note else 0.48
    side = 3.35  # 8.5 cm: with its caption the matrix fits under a few paragraphs
    height = side + top_pad + bottom_pad
    fig = Figure(figsize=(width, height))
    left = 0.55
    ax = fig.add_axes((left / width, bottom_pad / height, side / width, side / height))
    lo, hi = _axis_range([v for p in points for v in (p.financial, p.impact)])
    for value in thresholds:
        if value <= lo:
            continue
        ax.plot([value, value], [lo, value], color="#9aa5ae", lw=0.7, ls="--", zorder=1)
        ax.plot([lo, value], [value, value], color="#9aa5ae", lw=0.7, ls="--", zorder=1)
    per_unit = side / (hi - lo)
    xy = [(p.financial, p.impact) for p in points]
    spots = _spread(xy, min_gap=_MARK_IN / per_unit)
    for p, (x, y), (lx, ly) in zip(points, xy, spots, strict=True):
        ax.scatter([x], [y], s=6, color=p.colour, zorder=3, linewidths=0)
        if math.hypot(lx - x, ly - y) * per_unit > 0.04:
            ax.plot([x, lx], [y, ly], color=p.colour, lw=0.5, zorder=2)
        ink = TEXT if p.colour == PALETTE[2] else "white"
        ax.annotate(
            str(p.number),
            (lx, ly),
            ha="center",
            va="center",
            fontsize=_MARK_FONT,
            color=ink,
            weight="bold",
            zorder=5,
            bbox={"boxstyle": "circle,pad=0.22", "fc": p.colour, "ec": "white", "lw": 0.5},
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ticks = [lo + 0.25 * i for i in range(round((hi - lo) / 0.25) + 1)]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True, color=GRID, lw=0.4)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, loc="left")
    handles = [ax.scatter([], [], s=30, color=colour, label=label) for label, colour in legend]
    if handles:
        ax.legend(
            handles=handles,
            loc="lower right",
            frameon=True,
            framealpha=0.9,
            edgecolor=GRID,
            fontsize=_LIST_FONT,
            labelcolor=TEXT,
        )
    if note:
        fig.text(left / width, 0.04 / height, note, fontsize=6.5, color="#5b6b78")
    rows = [(str(p.number), p.name, p.colour) for p in sorted(points, key=lambda p: p.number)]
    _side_list(
        fig,
        rows,
        x_in=left + side + 0.3,
        top_in=height - top_pad,
        bottom_in=bottom_pad - 0.1,
        zh=zh,
    )
    return fig


def matrix_chart(
    result: MaterialityResult,
    *,
    lang: str = "en",
    fmt: str | None = None,
    title: bool = True,
) -> bytes:
    """The materiality matrix (x = financial, y = impact), one numbered marker per topic
    coloured by tier, with the ranked topic names beside it. Returns the image bytes
    (``fmt`` png, svg or pdf; png by default); ``title=False`` leaves the title to the
    page (a report's figure caption)."""
    zh = lang.startswith("zh")
    points = [
        MatrixPoint(
            r.financial, r.impact, r.rank, TIER_COLOURS[r.tier], r.name_zh if zh else r.name_en
        )
        for r in result.topics
    ]
    th = result.thresholds
    legend = [
        (TIER_LABELS[t][1 if zh else 0], TIER_COLOURS[t])
        for t in TIERS
        if any(r.tier == t for r in result.topics)
    ]
    heading = ""
    if title:
        heading = (
            f"{result.year}年双重重要性矩阵" if zh else f"Double materiality matrix {result.year}"
        )
    note = ""
    if result.synthetic:
        note = "演示数据：问卷答复为合成数据" if zh else "Demo: survey answers are synthetic"
    with chart_style(lang):
        fig = matrix_figure(
            points,
            thresholds=(th.material, th.moderately, th.highly),
            x_label="财务重要性" if zh else "Financial materiality",
            y_label="影响重要性" if zh else "Impact materiality",
            legend=legend,
            lang=lang,
            title=heading,
            note=note,
        )
        return _render(fig, fmt)


def _heat_colour(score: int) -> str:
    if score >= 15:
        return "#e8a287"
    if score >= 8:
        return "#f3cf86"
    if score >= 4:
        return "#f7ecc4"
    return "#dcefe5"


def heatmap_figure(
    items: Sequence[HeatItem],
    *,
    x_label: str,
    y_label: str,
    lang: str = "en",
    title: str = "",
    counts: Sequence[Sequence[int]] = (),
) -> Any:
    """Likelihood x magnitude heat map at print width: item codes in their cells
    (opportunities in blue) and the titles listed beside it; with no items, the
    ``counts`` (rows = magnitude 1-5, columns = likelihood 1-5) are printed instead.
    Call inside :func:`~esgledger.chartstyle.chart_style`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    zh = lang.startswith("zh")
    width = TEXT_WIDTH_IN
    side = 3.2
    top_pad = 0.35 if title else 0.12
    bottom_pad = 0.5
    height = side + top_pad + bottom_pad
    fig = Figure(figsize=(width, height) if items else (side + 0.8, height))
    fw = width if items else side + 0.8
    left = 0.55
    ax = fig.add_axes((left / fw, bottom_pad / height, side / fw, side / height))
    for lk in range(1, 6):
        for mg in range(1, 6):
            ax.add_patch(
                Rectangle((lk - 0.5, mg - 0.5), 1, 1, fc=_heat_colour(lk * mg), ec="white", lw=1.5)
            )
    cells: dict[tuple[int, int], list[HeatItem]] = {}
    for i in items:
        cells.setdefault((i.likelihood, i.magnitude), []).append(i)
    for (lk, mg), its in cells.items():
        k = len(its)
        size = 7.0 if k <= 4 else 5.5
        gap = 0.19 if k <= 4 else 0.15
        for j, i in enumerate(its):
            ax.text(
                lk,
                mg - (j - (k - 1) / 2) * gap,
                i.code,
                ha="center",
                va="center",
                fontsize=size,
                weight="bold",
                color=_OPPORTUNITY if i.opportunity else TEXT,
            )
    for mg, row in enumerate(counts, start=1):
        for lk, n in enumerate(row, start=1):
            if n:
                ax.text(lk, mg, str(n), ha="center", va="center", fontsize=10, color=TEXT)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if title:
        ax.set_title(title, loc="left")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    if items:
        rows = [
            (
                i.code,
                f"{i.title} ({i.likelihood}×{i.magnitude})",
                _OPPORTUNITY if i.opportunity else TEXT,
            )
            for i in items
        ]
        _side_list(
            fig,
            rows,
            x_in=left + side + 0.3,
            top_in=height - top_pad,
            bottom_in=bottom_pad,
            zh=zh,
            code_width_in=0.5,
        )
        key = (
            "蓝色为机遇；括号内为可能性×影响程度"
            if zh
            else "Blue: opportunities. In brackets: likelihood × magnitude."
        )
        fig.text((left + side + 0.3) / fw, 0.1 / height, key, fontsize=6.5, color="#5b6b78")
    return fig


def heatmap_chart(
    register: ClimateRegister,
    *,
    lang: str = "en",
    fmt: str | None = None,
    kinds: Sequence[str] = ("risk", "opportunity"),
    title: bool = True,
) -> bytes:
    """Likelihood x magnitude heat map of the register's items (codes in the cells,
    opportunities in blue), with the item titles listed beside it. Returns the image
    bytes (``fmt`` png, svg or pdf; png by default); ``title=False`` leaves the title
    to the page."""
    zh = lang.startswith("zh")
    items = [
        HeatItem(
            i.code,
            (i.title_zh or i.title_en) if zh else (i.title_en or i.title_zh),
            i.likelihood,
            i.magnitude,
            i.kind == "opportunity",
        )
        for i in register.ranked()
        if i.kind in kinds
    ]
    heading = ""
    if title:
        heading = "气候相关风险与机遇热力图" if zh else "Climate-related risks and opportunities"
    with chart_style(lang):
        fig = heatmap_figure(
            items,
            x_label="可能性" if zh else "Likelihood",
            y_label="影响程度" if zh else "Magnitude",
            lang=lang,
            title=heading,
        )
        return _render(fig, fmt)
