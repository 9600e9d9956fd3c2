"""Renderers by format name: ``html``, ``pdf``, ``docx``, ``xlsx``.

Each format is one small module with one class implementing
:class:`~esgledger.report.render.base.Renderer`. Modules are imported when a
format is first asked for (WeasyPrint is slow to import). A plugin can add a
format with :func:`register_renderer`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from esgledger.errors import ReportError
from esgledger.report.render.base import Publication, Renderer

__all__ = ["FORMATS", "Publication", "Renderer", "get_renderer", "register_renderer"]

FORMATS: tuple[str, ...] = ("html", "pdf", "docx", "xlsx")

_BUILTIN: dict[str, str] = {
    "html": "esgledger.report.render.html:HtmlRenderer",
    "pdf": "esgledger.report.render.pdf:PdfRenderer",
    "docx": "esgledger.report.render.docx:DocxRenderer",
    "xlsx": "esgledger.report.render.xlsx:XlsxRenderer",
}
_EXTRA: dict[str, Callable[[], Renderer]] = {}


def register_renderer(name: str, factory: Callable[[], Renderer]) -> None:
    """Add (or replace) the renderer of format ``name``."""
    _EXTRA[name] = factory


def get_renderer(name: str) -> Renderer:
    """The renderer of format ``name``; ReportError for an unknown format."""
    if name in _EXTRA:
        return _EXTRA[name]()
    target = _BUILTIN.get(name)
    if target is None:
        known = ", ".join(sorted({*_BUILTIN, *_EXTRA}))
        raise ReportError(f"unknown report format {name!r}", hint=f"choose from: {known}")
    module_name, cls_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    renderer: Renderer = cls()
    return renderer
