"""HTML: one self-contained file (inline CSS, inline SVG charts), responsive and printable.

The page template (``report.html.j2``) is Jinja2, sandboxed, with autoescaping;
narrative HTML was sanitized when the report was composed. The PDF renderer uses the
same page in ``pdf`` mode (cover, table of contents with page numbers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from esgledger.errors import ReportError
from esgledger.report.charts import chart_svg
from esgledger.report.model import Chart, Lang, Report
from esgledger.report.numbers import format_date
from esgledger.report.render.assets import lock_html
from esgledger.report.render.base import Publication

__all__ = ["HtmlRenderer", "render_html"]

Mode = Literal["html", "pdf"]


def _fig(report: Report, fid: str | None, printed: str) -> Markup:
    if fid is None:
        return Markup('<span class="missing">{}</span>').format(printed)
    fig = report.figures[fid]
    return Markup('<span class="fig" data-fig="{}" data-ref="{}">{}</span>').format(
        fig.id, str(fig.ref), fig.printed
    )


def render_html(
    publication: Publication, lang: Lang, mode: Mode = "html", font_family: str = ""
) -> str:
    """The page of one edition as an HTML string."""
    report = publication.edition(lang)
    # a template folder may come from elsewhere: the page, like the narrative, is sandboxed
    env = SandboxedEnvironment(
        autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    try:
        css_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)  # CSS
        css = css_env.from_string(publication.css).render(font_family=font_family, mode=mode)
    except TemplateError as exc:
        raise ReportError(f"style.css: {exc}") from None
    css = css.replace("</", "<\\/")  # a style sheet cannot close its <style> element
    try:
        template = env.from_string(publication.html_template)
        return template.render(
            report=report,
            lang=lang,
            mode=mode,
            css=Markup(css),  # noqa: S704 - the template's own style sheet
            L=report.labels,
            fig=lambda fid, printed="": _fig(report, fid, printed),
            svg=lambda chart: Markup(chart_svg(chart)) if isinstance(chart, Chart) else "",  # noqa: S704 - matplotlib output
            day=lambda d: format_date(d, lang),
            safe=Markup,
            esc=escape,
        )
    except TemplateError as exc:
        raise ReportError(f"report.html.j2: {exc}") from None


class HtmlRenderer:
    """One self-contained HTML file per language."""

    name = "html"
    suffix = ".html"

    def render(self, publication: Publication, lang: Lang, out_path: Path) -> Path:
        text = lock_html(render_html(publication, lang, "html"))
        out_path.write_text(text, encoding="utf-8", newline="\n")
        return out_path
