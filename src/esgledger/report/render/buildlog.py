"""The build log: what the builder noticed while composing the report (missing values,
skipped charts, mixed units), written next to the report files instead of into them.

The readers of a report are not its builders: the warnings are for whoever
runs the build, so they go to ``esg-report-<year>-build-log.txt`` (UTF-8, one
warning a line, the same bytes for the same build) and the data annex only
says where that file is.
"""

from __future__ import annotations

from collections.abc import Sequence

from esgledger.report.model import Lang
from esgledger.report.render.base import Publication

__all__ = ["build_log_name", "build_log_text", "build_warnings"]


def build_log_name(period: int) -> str:
    """File name of the build log, e.g. ``esg-report-2024-build-log.txt``."""
    return f"esg-report-{period}-build-log.txt"


def build_warnings(publication: Publication) -> list[str]:
    """Every edition's warnings, each once, in the order first seen."""
    seen: dict[str, None] = {}
    for report in publication.editions.values():
        for warning in report.warnings:
            seen.setdefault(warning, None)
    return list(seen)


def build_log_text(publication: Publication, files: Sequence[str]) -> str:
    """The log of one build: period, languages, files written and the warnings."""
    first = next(iter(publication.editions.values()))
    langs: list[Lang] = list(publication.editions)
    warnings = build_warnings(publication)
    lines = [
        "esgledger report build log",
        f"period: {first.period}",
        f"report date: {first.report_date.isoformat()}",
        f"languages: {', '.join(langs)}",
        f"PDF: {'PDF/A-3b and PDF/UA-1' if publication.options.pdf_archive else 'PDF/UA-1'}",
        "files:",
        *[f"  {name}" for name in files],
        f"warnings: {len(warnings)}",
        *[f"  - {w}" for w in warnings],
    ]
    return "\n".join(lines) + "\n"
