"""The one small interface every output format implements, and shared helpers."""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from esgledger.errors import ReportError
from esgledger.report.model import Lang, Report
from esgledger.spreadsheet import neutralise

__all__ = [
    "Publication",
    "RenderOptions",
    "Renderer",
    "normalize_zip",
    "publication_time",
    "safe_text",
]


@dataclass(frozen=True)
class RenderOptions:
    """How the files are written (not what they say).

    ``pdf_archive``: the PDF is PDF/A-3b (archival: sRGB output intent, file
    identifier) as well as tagged PDF/UA-1; without it, PDF/UA-1 only.
    """

    pdf_archive: bool = False


@dataclass(frozen=True)
class Publication:
    """A composed report in each language, with the page template and style sheet."""

    editions: dict[Lang, Report]
    html_template: str
    css: str
    entity_names: dict[str, tuple[str, str]]
    template_dir: Path | None = None  # where the page's own assets are (render/assets.py)
    options: RenderOptions = RenderOptions()

    def edition(self, lang: Lang) -> Report:
        try:
            return self.editions[lang]
        except KeyError:
            raise ReportError(f"the report was not composed in {lang!r}") from None


class Renderer(Protocol):
    """Writes one edition of a publication in one format to ``out_path``."""

    name: str
    suffix: str

    def render(self, publication: Publication, lang: Lang, out_path: Path) -> Path: ...


def publication_time(report_date: date) -> datetime:
    """The timestamp written into PDF and DOCX metadata: SOURCE_DATE_EPOCH, else the report date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            raise ReportError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp",
                hint="set it to whole seconds since 1970-01-01, or unset it",
            ) from None
    return datetime(report_date.year, report_date.month, report_date.day)


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML package with fixed entry times and core-property dates.

    openpyxl and python-docx stamp the current time into every ZIP entry and
    into ``docProps/core.xml``; this makes the file a pure function of its
    content and ``when``.
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    dt = (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(2), blob)
            entry = zipfile.ZipInfo(info.filename, date_time=dt)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, blob)
    return out.getvalue()


def safe_text(text: str) -> str:
    """Neutralize spreadsheet formula injection (see :mod:`esgledger.spreadsheet`)."""
    return neutralise(text)
