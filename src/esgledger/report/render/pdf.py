"""PDF: WeasyPrint on the HTML page in print mode — A4, cover, table of contents with
page numbers, running headers and footers, embedded Noto Sans CJK.

The file is accessible and self-describing:

- tagged PDF/UA-1: a structure tree from the HTML (headings, paragraphs, lists,
  tables with header cells, figures whose ``/Alt`` is the chart's text
  alternative), the document language (``/Lang`` from ``<html lang>``) and the
  title shown in the viewer's title bar;
- XMP metadata: title, author (the company), subject, language, dates, the
  PDF/UA part and, with :attr:`RenderOptions.pdf_archive`, the PDF/A part;
- with ``pdf_archive`` also PDF/A-3b (sRGB output intent, file identifier);
- chart labels are text (SVG text), so they can be searched and copied.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, fromstring, tostring

from esgledger.errors import ReportError
from esgledger.report.fonts import find_cjk_font
from esgledger.report.model import Lang, Report
from esgledger.report.render.assets import TemplateAssets
from esgledger.report.render.base import Publication, publication_time
from esgledger.report.render.html import render_html

__all__ = ["PdfRenderer", "pdf_language", "render_pdf_bytes"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def pdf_language(lang: Lang) -> str:
    """The BCP 47 tag of an edition (``/Lang``, XMP ``dc:language``)."""
    return "zh-CN" if lang == "zh" else "en"


def _metadata(document: Any, report: Report, archive: bool) -> Any:
    """``document.metadata`` with the report's XMP: language, subject, and the PDF/UA claim
    next to WeasyPrint's PDF/A one when the file is both."""
    from weasyprint.document import DocumentMetadata

    language = pdf_language(report.lang)

    class _ReportMetadata(DocumentMetadata):  # type: ignore[misc]
        def generate_rdf_metadata(self, variant: str, version: int, conformance: Any) -> bytes:
            own = super().generate_rdf_metadata(variant, version, conformance)
            rdf = fromstring(own)  # noqa: S314 - WeasyPrint's own XML, built just now
            about = {f"{{{_RDF}}}about": ""}
            desc = SubElement(rdf, f"{{{_RDF}}}Description", about)
            bag = SubElement(SubElement(desc, f"{{{_DC}}}language"), f"{{{_RDF}}}Bag")
            SubElement(bag, f"{{{_RDF}}}li").text = language
            if variant == "a":  # PDF/A-3b that is also PDF/UA-1
                ua: Element = SubElement(rdf, f"{{{_RDF}}}Description", about)
                ua.set(f"{{{_PDFUAID}}}part", "1")
            return bytes(tostring(rdf, encoding="utf-8"))

    old = document.metadata
    return _ReportMetadata(
        title=old.title or report.title,
        authors=old.authors or [report.company],
        description=old.description or report.title,
        keywords=old.keywords,
        generator=old.generator,
        created=old.created,
        modified=old.modified,
        attachments=old.attachments,
        lang=old.lang or language,
        custom=old.custom,
        xmp_metadata=old.xmp_metadata,
    )


def render_pdf_bytes(publication: Publication, lang: Lang) -> bytes:
    """The PDF of one edition; ReportError when no CJK font is installed."""
    import logging

    font = find_cjk_font()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    report = publication.edition(lang)
    archive = publication.options.pdf_archive
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
    options: dict[str, Any] = {"uncompressed_pdf": False, "custom_metadata": False}
    if archive:  # PDF/A-3b, tagged as PDF/UA-1 requires
        options.update(pdf_variant="pdf/a-3b", pdf_tags=True)
    else:
        options.update(pdf_variant="pdf/ua-1")
    try:
        document = HTML(string=page, base_url=assets.base_url, url_fetcher=assets.fetcher()).render(
            **options
        )
        document.metadata = _metadata(document, report, archive)
        with warnings.catch_warnings():
            # WeasyPrint opens its sRGB profile (PDF/A output intent) and never closes it
            warnings.simplefilter("ignore", ResourceWarning)
            data = document.write_pdf(**options)
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
