"""Materiality and climate-risk use cases (managers keep them; everyone in scope reads them).

The rule "an assessment needs survey responses or expert scores" lives here, not
in an adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from esgledger.assess.materiality import MaterialityResult, Thresholds
from esgledger.errors import Hint, NotFoundError
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store import assessments as repo

__all__ = [
    "climate_register",
    "import_materiality",
    "import_register",
    "materiality_result",
    "questionnaire_data",
    "run_materiality",
]


def import_materiality(
    ctx: Context,
    files: Sequence[Path],
    *,
    year: int | None,
    replace: bool = False,
    dry_run: bool = False,
) -> repo.MaterialityImport:
    """Import topics, stakeholder groups, survey responses or expert scores for ``year``."""
    authorize(ctx, "assess.manage")
    return repo.import_materiality(
        ctx.ledger, files, year=year, actor=ctx.actor, replace=replace, dry_run=dry_run
    )


def run_materiality(
    ctx: Context,
    year: int,
    *,
    method: Literal["survey", "expert"] | None = None,
    thresholds: Thresholds | None = None,
) -> MaterialityResult:
    """Score the year's survey or expert scores, assign tiers and store the result."""
    authorize(ctx, "assess.manage")
    ledger = ctx.ledger
    if (
        method is None
        and not repo.load_responses(ledger, year)
        and not repo.load_expert(ledger, year)
    ):
        raise NotFoundError(
            f"no survey responses or expert scores for {year}",
            hint=Hint("import them first", kind="command", name="materiality.import"),
        )
    return repo.run_materiality(
        ledger, year, method=method, thresholds=thresholds or Thresholds(), actor=ctx.actor
    )


def materiality_result(ctx: Context, year: int | None = None) -> MaterialityResult:
    """A stored assessment (latest when ``year`` is None)."""
    authorize(ctx, "results.read")
    return repo.materiality_result(ctx.ledger, year)


def questionnaire_data(ctx: Context, year: int) -> tuple[list[Any], list[Any]]:
    """The topics and the year's stakeholder groups, for a questionnaire workbook."""
    authorize(ctx, "results.read")
    return repo.load_topics(ctx.ledger), repo.load_groups(ctx.ledger, year)


def import_register(ctx: Context, files: Sequence[Path], *, dry_run: bool = False) -> Any:
    """Replace the climate register with the files'."""
    authorize(ctx, "assess.manage")
    return repo.import_register(ctx.ledger, files, actor=ctx.actor, dry_run=dry_run)


def climate_register(ctx: Context) -> Any:
    """The climate risk and opportunity register."""
    authorize(ctx, "results.read")
    return repo.load_register(ctx.ledger)
