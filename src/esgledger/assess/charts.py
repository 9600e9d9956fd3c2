"""Charts of the assessment area: the double-materiality matrix and the climate heat map.

matplotlib's object API (``Figure``, no pyplot), so nothing global changes;
fonts and SVG determinism are set in a temporary ``rc_context``. Chinese labels
use Noto Sans CJK (Debian ``fonts-noto-cjk``), found through
``matplotlib.font_manager``; without it a Chinese chart fails with a clear
:class:`~esgledger.errors.ReportError`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from esgledger.assess.materiality import TIERS, MaterialityResult
from esgledger.assess.risks import ClimateRegister
from esgledger.errors import ReportError

__all__ = [
    "TIER_COLOURS",
    "TIER_LABELS",
    "cjk_font_family",
    "heatmap_chart",
    "matrix_chart",
]

TIER_COLOURS: dict[str, str] = {
    "highly material": "#1b5e20",
    "moderately material": "#43a047",
    "material": "#9ccc65",
    "not material": "#9e9e9e",
}
TIER_LABELS: dict[str, tuple[str, str]] = {
    "highly material": ("Highly material", "高度重要"),
    "moderately material": ("Moderately material", "中度重要"),
    "material": ("Material", "一般重要"),
    "not material": ("Not material", "不重要"),
}
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans SC")


def cjk_font_family() -> str | None:
    """The name of an installed Noto Sans CJK family, or ``None``."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in _CJK_FAMILIES:
        if fam in names:
            return fam
    return None


@contextmanager
def _style(lang: str) -> Iterator[None]:
    import matplotlib

    families = ["DejaVu Sans"]
    if lang.startswith("zh"):
        fam = cjk_font_family()
        if fam is None:
            raise ReportError(
                "no CJK font found for Chinese chart labels",
                hint="install the Debian package fonts-noto-cjk",
            )
        families.insert(0, fam)
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": families,
            "svg.hashsalt": "esgledger",
            "svg.fonttype": "path",
            "axes.unicode_minus": False,
        }
    ):
        yield


def _save(fig: Any, path: str | Path | None, fmt: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    meta: dict[str, Any] = {"Software": None} if fmt == "png" else {"Date": None}
    fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _fmt(path: str | Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if path is not None and Path(path).suffix.lower() in {".svg", ".png", ".pdf"}:
        return Path(path).suffix.lower().lstrip(".")
    return "png"


def matrix_chart(
    result: MaterialityResult,
    path: str | Path | None = None,
    *,
    lang: str = "en",
    fmt: str | None = None,
) -> bytes:
    """The materiality matrix (x = financial, y = impact), one numbered dot per topic
    coloured by tier, with the ranked topic names beside it. Returns the image bytes."""
    from matplotlib.figure import Figure

    zh = lang.startswith("zh")
    form = _fmt(path, fmt)
    with _style(lang):
        fig = Figure(figsize=(12, 7.2))
        ax = fig.add_axes((0.07, 0.09, 0.50, 0.83))
        scores = [v for r in result.topics for v in (r.impact, r.financial)]
        lo = min([*scores, result.thresholds.material]) - 0.25
        lo = max(1.0, int(lo * 4) / 4)
        hi = 5.0
        th = result.thresholds
        for value in (th.material, th.moderately, th.highly):
            ax.plot([value, value], [lo, value], color="#bdbdbd", lw=0.8, ls="--", zorder=1)
            ax.plot([lo, value], [value, value], color="#bdbdbd", lw=0.8, ls="--", zorder=1)
        points = [(r.financial, r.impact) for r in result.topics]
        spots = _spread(points, min_gap=(hi - lo) * 0.036)
        for r, (x, y), (lx, ly) in zip(result.topics, points, spots, strict=True):
            colour = TIER_COLOURS[r.tier]
            ax.scatter([x], [y], s=14, color=colour, zorder=3)
            if (lx, ly) != (x, y):
                ax.plot([x, lx], [y, ly], color=colour, lw=0.6, zorder=2)
            ax.annotate(
                str(r.rank),
                (lx, ly),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white",
                weight="bold",
                zorder=5,
                bbox={"boxstyle": "circle,pad=0.25", "fc": colour, "ec": "white", "lw": 0.6},
            )
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xlabel("财务重要性" if zh else "Financial materiality")
        ax.set_ylabel("影响重要性" if zh else "Impact materiality")
        title = (
            f"{result.year}年双重重要性矩阵" if zh else f"Double materiality matrix {result.year}"
        )
        ax.set_title(title, fontsize=12, weight="bold")
        ax.grid(False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [
            ax.scatter([], [], s=60, color=TIER_COLOURS[t], label=TIER_LABELS[t][1 if zh else 0])
            for t in TIERS
            if any(r.tier == t for r in result.topics)
        ]
        ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)
        # the ranked list
        n = len(result.topics)
        step = min(0.032, 0.9 / max(n, 1))
        y = 0.93
        for r in result.topics:
            name = r.name_zh if zh else r.name_en
            fig.text(
                0.61, y, f"{r.rank:>2}", fontsize=8.5, color=TIER_COLOURS[r.tier], weight="bold"
            )
            fig.text(0.64, y, name, fontsize=8.5, color="#212121")
            y -= step
        if result.synthetic:
            note = "演示数据：问卷答复为合成数据" if zh else "Demo: survey answers are synthetic"
            fig.text(0.07, 0.01, note, fontsize=7, color="#757575")
        return _save(fig, path, form)


def _spread(
    points: Sequence[tuple[float, float]], *, min_gap: float, rounds: int = 200
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
                push = (min_gap - dist) / 2 / dist
                spots[i][0] -= dx * push
                spots[i][1] -= dy * push
                spots[j][0] += dx * push
                spots[j][1] += dy * push
                moved = True
        for k in range(n):
            spots[k][0] += (points[k][0] - spots[k][0]) * 0.02
            spots[k][1] += (points[k][1] - spots[k][1]) * 0.02
        if not moved:
            break
    return [(sp[0], sp[1]) for sp in spots]


def _heat_colour(score: int) -> str:
    if score >= 15:
        return "#e57373"
    if score >= 8:
        return "#ffb74d"
    if score >= 4:
        return "#fff176"
    return "#c5e1a5"


def heatmap_chart(
    register: ClimateRegister,
    path: str | Path | None = None,
    *,
    lang: str = "en",
    fmt: str | None = None,
    kinds: Sequence[str] = ("risk", "opportunity"),
) -> bytes:
    """Likelihood x magnitude heat map of the register's items (codes in the cells,
    opportunities in blue), with the item titles listed beside it."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    zh = lang.startswith("zh")
    form = _fmt(path, fmt)
    items = [i for i in register.ranked() if i.kind in kinds]
    with _style(lang):
        fig = Figure(figsize=(12, 6.5))
        ax = fig.add_axes((0.06, 0.1, 0.48, 0.8))
        for lk in range(1, 6):
            for mg in range(1, 6):
                ax.add_patch(
                    Rectangle(
                        (lk - 0.5, mg - 0.5), 1, 1, color=_heat_colour(lk * mg), ec="white", lw=2
                    )
                )
        cells: dict[tuple[int, int], list[Any]] = {}
        for i in items:
            cells.setdefault((i.likelihood, i.magnitude), []).append(i)
        for (lk, mg), its in cells.items():
            k = len(its)
            for j, i in enumerate(its):
                dy = (j - (k - 1) / 2) * 0.2
                ax.text(
                    lk,
                    mg + dy,
                    i.code,
                    ha="center",
                    va="center",
                    fontsize=8,
                    weight="bold",
                    color="#0d47a1" if i.kind == "opportunity" else "#212121",
                )
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_aspect("equal")
        ax.set_xlabel("可能性" if zh else "Likelihood")
        ax.set_ylabel("影响程度" if zh else "Magnitude")
        ax.set_title(
            "气候相关风险与机遇热力图" if zh else "Climate-related risks and opportunities",
            fontsize=12,
            weight="bold",
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        step = min(0.05, 0.85 / max(len(items), 1))
        y = 0.9
        for i in items:
            title = (i.title_zh or i.title_en) if zh else (i.title_en or i.title_zh)
            colour = "#0d47a1" if i.kind == "opportunity" else "#212121"
            fig.text(0.58, y, i.code, fontsize=8.5, weight="bold", color=colour)
            fig.text(0.66, y, f"{title} ({i.likelihood}×{i.magnitude})", fontsize=8.5)
            y -= step
        return _save(fig, path, form)
