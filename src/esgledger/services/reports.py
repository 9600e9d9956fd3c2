"""Report builds: the ``report`` use case, checked against ``report.build``.

The report itself is built by :func:`esgledger.report.build.build_report` from
the ledger; this module is the entry point the adapters call with a context.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from esgledger.report.build import ProgressFn
from esgledger.report.build import build_report as _build
from esgledger.report.render import FORMATS
from esgledger.services.authz import authorize
from esgledger.services.context import Context

__all__ = ["build_report"]


def build_report(
    ctx: Context,
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
    pdf_archive: bool = False,
) -> list[Path]:
    """Build the group's report for ``period``; returns the files written (``report.build``)."""
    authorize(ctx, "report.build")
    return _build(
        ctx.ledger,
        period,
        langs,
        formats,
        out_dir,
        progress,
        template=template,
        report_date=report_date,
        targets=targets,
        boundary=boundary,
        pdf_archive=pdf_archive,
    )
