"""Build a report end to end: data → content model (per language) → files (per format).

:func:`publish` takes plain :class:`~esgledger.report.data.ReportData` (tests
and other front ends use it); :func:`build_report` reads that data from a
ledger first (``sources.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from esgledger.errors import ReportError
from esgledger.report.compose import compose_report
from esgledger.report.data import ReportData
from esgledger.report.definition import LANGS, ReportDefinition, load_definition
from esgledger.report.model import Lang
from esgledger.report.render import FORMATS, get_renderer
from esgledger.report.render.base import Publication, RenderOptions
from esgledger.report.render.buildlog import build_log_name, build_log_text

if TYPE_CHECKING:
    from esgledger.store import Ledger

__all__ = [
    "ProgressFn",
    "build_report",
    "compose_publication",
    "default_report_date",
    "output_name",
    "parse_list",
    "publish",
]

ProgressFn = Callable[[int, int, str], None]
"""Called as ``progress(done, total, description)`` after each step."""


def default_report_date(period: int) -> date:
    """The report date when none is given: 31 March of the following year."""
    return date(period + 1, 3, 31)


def parse_list(text: str | Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    """``"en,zh"`` or ``["en", "zh"]`` → a checked, de-duplicated list."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for raw in items:
        item = raw.strip().lower()
        if not item:
            continue
        if item not in allowed:
            raise ReportError(
                f"unknown {what} {raw.strip()!r}", hint=f"choose from: {', '.join(allowed)}"
            )
        if item not in out:
            out.append(item)
    if not out:
        raise ReportError(f"no {what} given", hint=f"choose from: {', '.join(allowed)}")
    return out


def output_name(period: int, lang: str, suffix: str) -> str:
    """File name of one edition, e.g. ``esg-report-2024-en.pdf``."""
    return f"esg-report-{period}-{lang}{suffix}"


def compose_publication(
    definition: ReportDefinition,
    data: ReportData,
    langs: Sequence[Lang],
    report_date: date | None = None,
) -> Publication:
    """The content model of every requested language."""
    when = report_date or default_report_date(data.period)
    editions = {lang: compose_report(definition, data, lang, when) for lang in langs}
    return Publication(
        editions=editions,
        html_template=definition.html_template,
        css=definition.css,
        entity_names=dict(data.entity_names),
        template_dir=definition.directory,
    )


def publish(
    data: ReportData,
    langs: Sequence[str],
    formats: Sequence[str],
    out_dir: Path,
    progress: ProgressFn | None = None,
    *,
    template: Path | None = None,
    report_date: date | None = None,
    narrative: Path | None = None,
    pdf_archive: bool = False,
) -> list[Path]:
    """Write every (language, format) edition of the report to ``out_dir``, and the build
    log (the builder's warnings, :func:`build_log_name`) beside them; returns the report
    files written.

    ``narrative`` is a narrative overlay (see :func:`load_definition`);
    ``pdf_archive`` makes the PDF PDF/A-3b as well as PDF/UA-1."""
    lang_list = cast(list[Lang], parse_list(langs, LANGS, "language"))
    fmt_list = parse_list(formats, FORMATS, "format")
    renderers = [get_renderer(f) for f in fmt_list]
    definition = load_definition(template, narrative=narrative)
    total = 1 + len(lang_list) * len(renderers)
    publication = compose_publication(definition, data, lang_list, report_date)
    publication = replace(publication, options=RenderOptions(pdf_archive=pdf_archive))
    if progress:
        progress(1, total, f"composed ({', '.join(lang_list)})")
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    # All or nothing: every file is rendered into a hidden folder inside out_dir (same file
    # system, so the final moves are renames) and moved into place only when all succeeded.
    staging = Path(tempfile.mkdtemp(prefix=".esg-report-", dir=out_dir))
    finished = False
    try:
        staged: list[Path] = []
        done = 1
        for lang in lang_list:
            for renderer in renderers:
                name = output_name(data.period, lang, renderer.suffix)
                staged.append(renderer.render(publication, lang, staging / name))
                done += 1
                if progress:
                    progress(done, total, f"rendered {name}")
        log = staging / build_log_name(data.period)
        text = build_log_text(publication, [p.name for p in staged])
        log.write_text(text, encoding="utf-8", newline="\n")
        written = [out_dir / path.name for path in staged]
        for path, final in zip([*staged, log], [*written, out_dir / log.name], strict=True):
            os.replace(path, final)
        finished = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not finished:
            _remove_if_empty(out_dir)
    return written


def _remove_if_empty(folder: Path) -> None:
    """Remove a folder this build created when a failed build left it empty."""
    with contextlib.suppress(OSError):
        folder.rmdir()


def build_report(
    ledger: Ledger,
    period: int,
    langs: Sequence[str] = ("en", "zh"),
    formats: Sequence[str] = FORMATS,
    out_dir: Path = Path("out/report"),
    progress: ProgressFn | None = None,
    *,
    template: Path | None = None,
    report_date: date | None = None,
    targets: Path | None = None,
    boundary: str = "operational",
    narrative: Path | None = None,
    pdf_archive: bool = False,
) -> list[Path]:
    """Read the ledger and write the report for ``period``; returns the files written.

    ``targets`` is a targets file (see ``calc.targets``) whose progress the
    report shows; ``boundary`` is the consolidation boundary of the engine run;
    ``pdf_archive``: the PDF is PDF/A-3b too.
    """
    from esgledger.report.sources import collect

    parse_list(langs, LANGS, "language")
    for name in parse_list(formats, FORMATS, "format"):
        get_renderer(name)
    definition = load_definition(template, narrative=narrative)
    data = collect(ledger, period, boundary=boundary, targets=targets, definition=definition)
    return publish(
        data,
        langs,
        formats,
        out_dir,
        progress,
        template=template,
        report_date=report_date,
        narrative=narrative,
        pdf_archive=pdf_archive,
    )
