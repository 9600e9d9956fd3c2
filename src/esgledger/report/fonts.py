"""The CJK font the renderers and charts need (Noto Sans CJK from Debian's fonts-noto-cjk).

Looked up on first use, never at import time. Without any CJK font a report
would print Chinese as empty boxes, so rendering stops with a clear
:class:`~esgledger.errors.ReportError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from esgledger.errors import ReportError

__all__ = ["CJK_FAMILIES", "CjkFont", "find_cjk_font"]

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
