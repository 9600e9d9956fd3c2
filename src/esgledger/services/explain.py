"""Explain one metric from a stored calculation run, and say whether the ledger moved on.

``explain`` reads the lineage kept with a stored run
(:func:`esgledger.store.runs.load_run`) instead of recomputing the ledger: the
latest run of the same options (boundary, GWP set, steam method) that
computed the year, or the run asked for. Only when no such run is stored is
the year computed on the spot (and not stored; the answer says so).

Each stored run carries the ledger's change stamp at the time it read the
ledger (the audit trail's head ``seq``). Any later audit event whose action
can change a calculation input (an import, an observation or entity change, a
status change, a factor import, anything not known to leave the inputs alone)
means the ledger has changed since the run; the answer lists those changes.
"""

from __future__ import annotations

from typing import Any

from esgledger.calc.boundary import BOUNDARIES, Boundary
from esgledger.calc.metrics import METRICS
from esgledger.errors import CalcError, NotFoundError
from esgledger.services.authz import authorize
from esgledger.services.context import Context

__all__ = ["NEUTRAL_ACTIONS", "changes_since", "explain", "neutral"]

#: Audit actions (exact, or a prefix ending in ``.``) that never change what a
#: calculation reads. Anything else after a run's stamp counts as a change.
NEUTRAL_ACTIONS: tuple[str, ...] = (
    "calc.run",
    "quality.",
    "materiality.",
    "risks.",
    "survey.",
    "assess.",
    "report.",
    "users.",
    "user.",
    "tokens.",
    "token.",
    "memberships.",
    "membership.",
    "auth.",
    "session.",
    "alerts.",
    "alert.",
)


def neutral(action: str) -> bool:
    """Whether the audit ``action`` leaves every calculation input as it was."""
    return any(action == a or (a.endswith(".") and action.startswith(a)) for a in NEUTRAL_ACTIONS)


def changes_since(actions: list[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """The audit ``(action, events, last time)`` that can change a calculation input."""
    return [
        {"action": action, "events": n, "last_at": at}
        for action, n, at in actions
        if not neutral(action)
    ]


def _year(period: int | str) -> int:
    text = str(period).strip()
    if len(text) == 4 and text.isdigit():
        return int(text)
    raise CalcError(f"bad period {period!r}: results are annual; give a year such as 2024")


def _check_year(ctx: Context, year: int) -> None:
    if ctx.ledger.observations(year=year):
        return
    have = sorted({int(o.period[:4]) for o in ctx.ledger.observations()})
    raise NotFoundError(
        f"no observations for {year}",
        hint="years with data: " + (", ".join(map(str, have)) if have else "none (import data)"),
    )


def explain(
    ctx: Context,
    metric: str,
    *,
    entity: str,
    period: int | str,
    boundary: str = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
    run_id: int | None = None,
) -> dict[str, Any]:
    """``metric``'s value for ``entity`` in ``period`` with its lineage (the JSON of
    ``explain --json``).

    ``run`` in the answer says where it came from: ``id`` and ``stored`` (a
    stored run, or ``null``/false when computed now), ``ledger_changed``,
    ``changes_since`` (audit actions since the run that can change its inputs)
    and ``note`` (a sentence for people; empty when there is nothing to say).
    With ``run_id`` that run is read (its own options apply).
    """
    if metric not in METRICS:
        raise CalcError(f"unknown metric {metric!r}", hint=f"metrics: {', '.join(sorted(METRICS))}")
    year = _year(period)
    if boundary not in BOUNDARIES:
        raise CalcError(
            f"unknown boundary {boundary!r}", hint=f"use one of: {', '.join(BOUNDARIES)}"
        )
    authorize(ctx, "results.read", entity)
    from esgledger.store.runs import find_run, load_run

    if run_id is not None:
        stored = load_run(ctx.ledger, run_id)
    else:
        found = find_run(
            ctx.ledger, boundary=boundary, gwp=gwp, steam_method=steam_method, year=year
        )
        if found is None:
            return _computed_now(ctx, metric, entity, year, boundary, gwp, steam_method)
        stored = found
    run_id = stored.info.id
    data = stored.result.explain(metric, entity, year)
    changes = changes_since(stored.actions_since)
    note = ""
    if changes:
        n = sum(c["events"] for c in changes)
        what = ", ".join(c["action"] for c in changes)
        note = (
            f"the ledger has changed since run {run_id} ({stored.info.created_at[:19]} UTC): "
            f"{n} change{'s' if n != 1 else ''} ({what}); these figures are the run's, "
            "compute again for the ledger as it is now"
        )
    data["run"].update(
        {
            "id": run_id,
            "stored": True,
            "created_at": stored.info.created_at,
            "ledger_stamp": stored.ledger_stamp,
            "ledger_changed": bool(changes),
            "changes_since": changes,
            "note": note,
        }
    )
    return data


def _computed_now(
    ctx: Context,
    metric: str,
    entity: str,
    year: int,
    boundary: str,
    gwp: str,
    steam_method: str,
) -> dict[str, Any]:
    from esgledger.services.calc import compute_ledger

    _check_year(ctx, year)
    b: Boundary = boundary  # type: ignore[assignment]
    result = compute_ledger(
        ctx.ledger, periods=[year], boundary=b, gwp=gwp, steam_method=steam_method
    )
    data = result.explain(metric, entity, year)
    data["run"].update(
        {
            "id": None,
            "stored": False,
            "created_at": None,
            "ledger_stamp": None,
            "ledger_changed": False,
            "changes_since": [],
            "note": "no stored run of these options for the year: computed from the ledger "
            "as it is now (not stored)",
        }
    )
    return data
