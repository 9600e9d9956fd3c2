"""Quality findings and targets in the user's scope (the portal's pages).

:func:`esgledger.services.quality.findings` and
:func:`esgledger.services.targets.targets_progress` are group-wide use cases;
these filter the same results to what the user may read, so a reviewer of one
subsidiary sees and acknowledges that subsidiary's findings only, and a
viewer of one subsidiary sees only the targets set on entities it may read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from esgledger.errors import NotFoundError
from esgledger.services.authz import authorize, visible_entities
from esgledger.services.context import Context

if TYPE_CHECKING:
    from esgledger.quality import Finding
    from esgledger.services.targets import TargetsResult

__all__ = ["acknowledge_in_scope", "findings_in_scope", "targets_in_scope"]


def findings_in_scope(
    ctx: Context,
    *,
    entity: str | None = None,
    period: str | None = None,
    status: str | None = None,
    check: str | None = None,
    threshold: float = 0.3,
) -> list[Finding]:
    """The current findings on entities the user may read (``quality.read``), filtered."""
    from esgledger.services.quality import ledger_findings, select_findings

    if entity:
        authorize(ctx, "quality.read", entity)
    found = select_findings(ledger_findings(ctx.ledger, threshold=threshold), period=period or None)
    mine = set(visible_entities(ctx, "quality.read", sorted({f.entity for f in found})))
    return [
        f
        for f in found
        if f.entity in mine
        and (not entity or f.entity == entity)
        and (not status or f.status == status)
        and (not check or f.check == check)
    ]


def acknowledge_in_scope(
    ctx: Context, finding_id: str, reason: str, *, threshold: float = 0.3
) -> Finding:
    """Acknowledge a finding on an entity where the user may (``quality.ack`` there).

    A finding outside the user's scope is answered as unknown.
    """
    from esgledger.services.quality import acknowledge, check_reason, ledger_findings

    check_reason(reason, source="form")
    fid = finding_id.strip().lower()
    found = {f.id: f for f in ledger_findings(ctx.ledger, threshold=threshold)}.get(fid)
    if found is None or not visible_entities(ctx, "quality.read", [found.entity]):
        raise NotFoundError(f"no current finding with id {finding_id!r}")
    authorize(ctx, "quality.ack", found.entity)
    return acknowledge(ctx.ledger, fid, reason, actor=ctx.actor, threshold=threshold)


def targets_in_scope(
    ctx: Context,
    *,
    data_dir: Path,
    boundary: str = "operational",
    year: int | None = None,
) -> TargetsResult:
    """Progress of the targets whose entities the user may all read (``results.read``)."""
    from dataclasses import replace

    from esgledger.services.targets import TargetsFile, ledger_targets, load_targets_file

    found = load_targets_file(None, data_dir=data_dir)
    mine = set(visible_entities(ctx, "results.read", [e.code for e in ctx.ledger.entities()]))
    if not mine:
        authorize(ctx, "results.read")
    kept = tuple(t for t in found.targets if t.entities and set(t.entities) <= mine)
    result = ledger_targets(
        ctx.ledger,
        TargetsFile(name=found.name, targets=kept),
        data_dir=data_dir,
        boundary=boundary,
        year=year,
    )
    return replace(result, demo=found.demo)
