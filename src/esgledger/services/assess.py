"""Materiality and climate-risk use cases (managers keep them; everyone in scope reads them).

The rule "an assessment needs survey responses or expert scores" lives here, not
in an adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from esgledger.assess.materiality import MaterialityResult, Thresholds
from esgledger.assess.risks import CATEGORIES, HORIZONS, RISK_COLUMNS
from esgledger.errors import Hint, NotFoundError
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store import assessments as repo

__all__ = [
    "CATEGORIES",
    "HORIZONS",
    "RISK_COLUMNS",
    "climate_register",
    "heat_map_svg",
    "import_materiality",
    "import_register",
    "materiality_result",
    "questionnaire_data",
    "run_materiality",
    "save_climate_item",
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


def save_climate_item(ctx: Context, fields: Mapping[str, str]) -> Any:
    """Add or edit one register item from form fields named like the register's columns
    (checked by the same rules as an imported register); returns the item."""
    from esgledger.assess.risks import RISK_COLUMNS, parse_register
    from esgledger.assess.tables import Row, Table
    from esgledger.errors import ValidationError

    authorize(ctx, "assess.manage")
    register = repo.load_register(ctx.ledger)
    cells = {c: str(fields.get(c, "")).strip() for c in RISK_COLUMNS}
    table = Table("form", "risks", RISK_COLUMNS, (Row(1, cells),))
    known = {e.code for e in ctx.ledger.entities()} or None
    items, problems = parse_register(table, register.horizons, known_entities=known)
    if problems:
        raise ValidationError(problems, what="climate register item")
    repo.save_climate_item(ctx.ledger, items[0], actor=ctx.actor)
    return items[0]


def heat_map_svg(ctx: Context, lang: str = "en") -> str:
    """The register's likelihood x magnitude heat map as SVG text (the report's chart)."""
    from esgledger.assess.charts import heatmap_chart

    authorize(ctx, "results.read")
    register = repo.load_register(ctx.ledger)
    if not register.items:
        return ""
    return heatmap_chart(register, lang=lang, fmt="svg", title=False).decode("utf-8")
