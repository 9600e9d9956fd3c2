"""The one chart style: fonts (with the CJK font Chinese labels need), palette, print size
and deterministic SVG/PNG output (SVG text kept as text, so it can be searched), shared by
the assessment charts and the report charts.

Both :mod:`esgledger.assess.charts` and :mod:`esgledger.report.charts` draw with
matplotlib inside :func:`chart_style` and save with :func:`save_figure`, so the
same font rules and the same bytes-for-bytes output hold for every chart. The
CJK font (Noto Sans CJK from Debian's ``fonts-noto-cjk``) is looked up on first
use, never at import time; without one, a Chinese chart or document stops with
a clear :class:`~esgledger.errors.ReportError` instead of printing empty boxes.

Charts are drawn at print size: :data:`TEXT_WIDTH_IN` is the text width of an
A4 page with the report's 18 mm side margins, so a chart shown at 100 % of the
text width prints its fonts at their nominal size (:data:`FONT_SIZE` points).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from esgledger.errors import ReportError

__all__ = [
    "CJK_FAMILIES",
    "FONT_SIZE",
    "GRID",
    "PALETTE",
    "TEXT",
    "TEXT_WIDTH_IN",
    "CjkFont",
    "chart_rc",
    "chart_style",
    "find_cjk_font",
    "save_figure",
]

# In order of preference; Simplified Chinese first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)

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
TEXT = "#23303b"
GRID = "#d9dee3"
TEXT_WIDTH_IN = 174 / 25.4  # A4 (210 mm) less two 18 mm margins
FONT_SIZE = 8.0


@dataclass(frozen=True)
class CjkFont:
    """A CJK font family and one file of it."""

    family: str
    path: Path


def _font_entries() -> list[tuple[str, str]]:
    """(family, file) of every font matplotlib knows (it reads the fontconfig dirs)."""
    from matplotlib import font_manager

    return [(f.name, f.fname) for f in font_manager.fontManager.ttflist]


@lru_cache(maxsize=1)
def _cached() -> CjkFont | None:
    entries = _font_entries()
    for family in CJK_FAMILIES:
        for name, fname in entries:
            if name == family:
                return CjkFont(family, Path(fname))
    return None


def find_cjk_font() -> CjkFont:
    """The preferred installed CJK font; ReportError when there is none."""
    font = _cached()
    if font is None:
        raise ReportError(
            "no CJK font is installed, so Chinese text cannot be rendered",
            hint="install Debian's fonts-noto-cjk (make system-deps, or "
            "apt-get install fonts-noto-cjk) and run again",
        )
    return font


def chart_rc(lang: str) -> dict[str, Any]:
    """matplotlib settings of a chart in ``lang``: Chinese in the CJK font (required),
    English in DejaVu Sans with the CJK font as fallback (when installed) for names."""
    if lang.startswith("zh"):
        families = [find_cjk_font().family, "DejaVu Sans"]
    else:
        cjk = _cached()
        families = ["DejaVu Sans", *([cjk.family] if cjk else [])]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "font.size": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 1,
        "axes.titleweight": "bold",
        "axes.titlecolor": TEXT,
        "axes.labelcolor": TEXT,
        "axes.edgecolor": GRID,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "svg.hashsalt": "esgledger",
        # text stays text: searchable and selectable in the HTML and PDF, read by screen readers
        "svg.fonttype": "none",
        "svg.id": None,
        "path.simplify": True,
    }


@contextmanager
def chart_style(lang: str) -> Iterator[None]:
    """Draw inside this context: fonts, sizes and colours of :func:`chart_rc`, undone after."""
    import matplotlib

    with matplotlib.rc_context(chart_rc(lang)):  # type: ignore[arg-type]
        yield


def save_figure(fig: Any, fmt: str, dpi: int = 200) -> bytes:
    """The figure as ``fmt`` (svg, png or pdf) bytes with no date or software stamp,
    so the same figure always gives the same bytes. Call inside :func:`chart_style`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    meta: dict[str, Any]
    if fmt == "png":
        meta = {"Software": None}
    elif fmt == "svg":
        meta = {"Date": None, "Creator": "esgledger"}
    else:
        meta = {"CreationDate": None, "Creator": "esgledger", "Producer": "esgledger"}
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()
