"""PDF: WeasyPrint on the HTML page in print mode — A4, cover, table of contents with
page numbers, running headers and footers, embedded Noto Sans CJK.
"""

from __future__ import annotations

from pathlib import Path

from esgledger.errors import ReportError
from esgledger.report.fonts import find_cjk_font
from esgledger.report.model import Lang
from esgledger.report.render.assets import TemplateAssets
from esgledger.report.render.base import Publication, publication_time
from esgledger.report.render.html import render_html

__all__ = ["PdfRenderer", "render_pdf_bytes"]


def render_pdf_bytes(publication: Publication, lang: Lang) -> bytes:
    """The PDF of one edition; ReportError when no CJK font is installed."""
    import logging

    font = find_cjk_font()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    report = publication.edition(lang)
    # Latin text in a Latin font: subsetting the CJK font (CFF, ~65,000 glyphs) is the slowest
    # step of the PDF, so the English edition only falls back to it for CJK characters.
    family = f'"DejaVu Sans", "{font.family}"' if lang == "en" else f'"{font.family}"'
    page = render_html(publication, lang, "pdf", font_family=family)
    when = publication_time(report.report_date).strftime("%Y-%m-%dT%H:%M:%SZ")
    page = page.replace(
        "</head>",
        f'<meta name="dcterms.created" content="{when}">'
        f'<meta name="dcterms.modified" content="{when}"></head>',
        1,
    )
    # WeasyPrint reports unsupported CSS through logging; keep the console clean.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # the page loads only the template's own assets and the report fonts (render/assets.py)
    assets = TemplateAssets(publication.template_dir, font.path.parent)
    try:
        data = HTML(string=page, base_url=assets.base_url, url_fetcher=assets.fetcher()).write_pdf(
            uncompressed_pdf=False, custom_metadata=False
        )
    except FatalURLFetchingError:
        refused = assets.error or ReportError("the report template asks to load a refused URL")
        raise refused from None
    except Exception as exc:  # WeasyPrint raises many unrelated types
        if assets.error is not None:
            raise assets.error from None
        raise ReportError(f"PDF rendering failed: {exc}") from exc
    if assets.error is not None:  # a refusal WeasyPrint swallowed
        raise assets.error
    if not isinstance(data, bytes):
        raise ReportError("PDF rendering produced no output")
    return data


class PdfRenderer:
    """One A4 PDF per language."""

    name = "pdf"
    suffix = ".pdf"

    def render(self, publication: Publication, lang: Lang, out_path: Path) -> Path:
        out_path.write_bytes(render_pdf_bytes(publication, lang))
        return out_path
