"""The CJK font the renderers and charts need (Noto Sans CJK from Debian's fonts-noto-cjk).

The lookup itself lives in :mod:`esgledger.chartstyle`, shared with the
assessment charts; this module names it for the report renderers. Without any
CJK font a report would print Chinese as empty boxes, so rendering stops with a
clear :class:`~esgledger.errors.ReportError` instead.
"""

from __future__ import annotations

from esgledger.chartstyle import CJK_FAMILIES, CjkFont, find_cjk_font

__all__ = ["CJK_FAMILIES", "CjkFont", "find_cjk_font"]
