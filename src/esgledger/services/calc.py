"""Calculation service: read a ledger, run the pure calculation engine, store the run.

The engine itself takes plain data; these helpers fetch it from a
:class:`~esgledger.store.Ledger` (entities, current observations, imported
factor overrides) so that the CLI, the web app and the report builder compute
the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import replace

from esgledger.calc.boundary import Boundary
from esgledger.calc.engine import compute
from esgledger.calc.result import RunResult
from esgledger.catalog.factors import FactorSet, load_factors
from esgledger.errors import NotFoundError, PermissionDenied
from esgledger.model import STATUSES
from esgledger.services.authz import authorize, covers
from esgledger.services.context import Context
from esgledger.store import Ledger
from esgledger.store.runs import factor_overrides, save_run

__all__ = [
    "check_years",
    "compute_ledger",
    "compute_run",
    "compute_subtree",
    "ledger_factors",
    "run_and_store",
    "status_counts",
]


def ledger_factors(ledger: Ledger) -> FactorSet:
    """The default factors plus the user factors imported into ``ledger``."""
    return load_factors().with_overrides(factor_overrides(ledger))


def compute_ledger(
    ledger: Ledger,
    *,
    periods: Collection[int] | None = None,
    boundary: Boundary = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
) -> RunResult:
    """Compute from the ledger's entities and current observations (nothing is written)."""
    entities = ledger.entities()
    if periods is not None and len(periods) == 1:
        observations = ledger.observations(year=next(iter(periods)))
    else:
        observations = ledger.observations()
    result = compute(
        entities,
        observations,
        ledger_factors(ledger),
        periods=periods,
        boundary=boundary,
        gwp=gwp,
        steam_method=steam_method,
    )
    # which workflow statuses the run read: stored with the run (options, lineage) so
    # that a report says when it was built from data not yet approved
    years = None if periods is None else {int(p) for p in periods}
    result.options["statuses"] = status_counts(
        o.status for o in observations if years is None or int(o.period[:4]) in years
    )
    return result


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """Observations per workflow status (draft, submitted, reviewed, approved), pure."""
    counts = Counter(statuses)
    return {s: counts[s] for s in STATUSES if counts[s]}


def run_and_store(
    ledger: Ledger,
    *,
    actor: str,
    periods: Collection[int] | None = None,
    boundary: Boundary = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
    reuse: bool = False,
) -> tuple[int, RunResult]:
    """Compute from the ledger and store the run and its results; return (run id, result).

    ``reuse`` returns an identical stored run instead of storing a new one.
    """
    result = compute_ledger(
        ledger, periods=periods, boundary=boundary, gwp=gwp, steam_method=steam_method
    )
    return save_run(ledger, result, actor=actor, reuse=reuse), result


def check_years(ledger: Ledger, years: Collection[int] | None) -> None:
    """Refuse years without a single observation (a typo would give an empty run)."""
    if not years:
        return
    missing = [y for y in years if not ledger.observations(year=y)]
    if not missing:
        return
    have = sorted({int(o.period[:4]) for o in ledger.observations()})
    raise NotFoundError(
        f"no observations for {', '.join(map(str, missing))}",
        hint="years with data: " + (", ".join(map(str, have)) if have else "none (import data)"),
    )


def compute_run(
    ctx: Context,
    *,
    periods: Collection[int] | None = None,
    boundary: Boundary = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
) -> tuple[int, RunResult]:
    """The ``compute`` use case: compute the whole group and store the run (``calc.compute``).

    Years without observations are refused before anything is computed. A
    manager of one subsidiary may not store a group run; the error points to
    :func:`compute_subtree`.
    """
    try:
        authorize(ctx, "calc.compute")
    except PermissionDenied as exc:
        mine = [m.entity for m in ctx.principal.memberships if m.role in ("manager", "admin")]
        if mine:
            raise PermissionDenied(
                exc.message,
                hint=f"compute your own entities without storing: esgledger compute "
                f"--entity {mine[0]}",
            ) from None
        raise
    check_years(ctx.ledger, periods)
    return run_and_store(
        ctx.ledger,
        actor=ctx.actor,
        periods=periods,
        boundary=boundary,
        gwp=gwp,
        steam_method=steam_method,
    )


def compute_subtree(
    ctx: Context,
    entity: str,
    *,
    periods: Collection[int] | None = None,
    boundary: Boundary = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
) -> RunResult:
    """Compute ``entity`` and its subtree as if it were the group; nothing is stored.

    ``calc.compute`` on ``entity`` is enough, so a manager of one subsidiary
    can check their own figures before the group computes. The run is not
    stored: stored runs are the group's record that reports and ``explain``
    read, and a subtree run would stand beside them with different totals.
    """
    authorize(ctx, "calc.compute", entity)
    check_years(ctx.ledger, periods)
    every = ctx.entities()
    parents = {e.code: e.parent for e in every}
    codes = {e.code for e in every if covers(entity, e.code, parents)}
    entities = [
        replace(e, parent=None) if e.code == entity else e for e in every if e.code in codes
    ]
    if periods is not None and len(periods) == 1:
        rows = ctx.ledger.observations(year=next(iter(periods)))
    else:
        rows = ctx.ledger.observations()
    observations = [o for o in rows if o.entity in codes]
    result = compute(
        entities,
        observations,
        ledger_factors(ctx.ledger),
        periods=periods,
        boundary=boundary,
        gwp=gwp,
        steam_method=steam_method,
    )
    years = None if periods is None else {int(p) for p in periods}
    result.options["statuses"] = status_counts(
        o.status for o in observations if years is None or int(o.period[:4]) in years
    )
    result.options["subtree"] = entity
    return result
