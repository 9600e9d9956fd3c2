"""Framework coverage: how much of a framework the ledger and the report template answer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from esgledger.errors import NotFoundError
from esgledger.model import Period
from esgledger.services.authz import authorize
from esgledger.services.context import Context

if TYPE_CHECKING:
    from esgledger.report.indexes import ContentIndex

__all__ = ["framework_coverage"]


def framework_coverage(
    ctx: Context,
    framework: str,
    *,
    period: str | None = None,
    template: Path | None = None,
    omissions: Path | None = None,
) -> ContentIndex:
    """The content index of ``framework`` for ``period`` (default: latest year with data).

    A year without observations is refused (``results.read``, group-wide).
    """
    from esgledger.report.coverage import ledger_coverage

    authorize(ctx, "results.read")
    ledger = ctx.ledger
    if period is not None:
        year = Period.parse(period).year
        if not ledger.observations(year=year):
            have = sorted({int(o.period[:4]) for o in ledger.observations()})
            raise NotFoundError(
                f"no observations for {year}",
                hint="years with data: " + (", ".join(map(str, have)) or "none (import data)"),
            )
    return ledger_coverage(ledger, framework, period=period, template=template, omissions=omissions)
