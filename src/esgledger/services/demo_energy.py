"""The demo's energy part: synthetic meters and 15-minute series, quotas, and the alerts they raise.

See :mod:`esgledger.energy.synthetic`. Idempotent: a second run stores no
reading and raises no alert again. Nothing is written to the observations
(the monthly totals go to the ledger only when asked:
``esgledger energy to-ledger --entity SMELTING --period 2025-03``), so the
demo's 2022–2024 figures, calculation runs and report are unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esgledger.services.context import Context, Principal

if TYPE_CHECKING:
    from esgledger.store.ledger import Ledger

__all__ = ["load_demo_energy"]


def _annual(ledger: Ledger, entity: str) -> float:
    from esgledger.energy.synthetic import CARRIER
    from esgledger.units import convert

    found = ledger.observations(entity=entity, period="2024", indicator=CARRIER)
    if not found:
        raise LookupError(f"the demo has no 2024 electricity for {entity}")
    return convert(found[0].value, found[0].unit, "MWh")


#: illustrative annual quotas: this share of the unit's 2024 electricity in tce (RUIXIN's
#: is set below its pace, so the demo shows a quota burn-down alert)
QUOTA_SHARE = {"SMELTING": 1.10, "HUAXING": 1.15, "RUIXIN": 0.95}


def _quotas(ctx: Context, annual: dict[str, float]) -> None:
    from esgledger.energy.datasets import to_tce
    from esgledger.energy.synthetic import CARRIER
    from esgledger.services.energy import coefficients, set_quota

    coefficient = coefficients()[CARRIER]
    for entity, mwh in annual.items():
        share = QUOTA_SHARE.get(entity)
        if share is not None:
            tce = round(to_tce(mwh, "MWh", coefficient) * share)
            set_quota(ctx, entity, 2025, float(tce), "illustrative quota of the synthetic demo")


def load_demo_energy(ledger: Ledger, *, actor: str) -> dict[str, Any]:
    """Register the synthetic meters, store their series, evaluate the alerts; a summary."""
    from esgledger.energy.synthetic import MONTHS, demo_meters, demo_series
    from esgledger.services import alerts, readings
    from esgledger.store import energy as repo

    ctx = Context(ledger, Principal(actor, is_local_admin=True, display_name="demo"))
    meters = demo_meters()
    with ledger.transaction() as conn:
        repo.put_meters(conn, meters, actor=actor, now=ctx.now())
    annual = {e: _annual(ledger, e) for e in sorted({m.entity for m in meters})}
    _quotas(ctx, annual)
    result = readings.ingest_frame(ctx, demo_series(annual), source="file", file="synthetic demo")
    raised: list[dict[str, Any]] = []
    for entity in annual:
        for month in MONTHS:
            raised += alerts.evaluate(ctx, entity, month)
    found = alerts.list_alerts(ctx)
    return {
        "synthetic": True,
        "meters": [m.code for m in meters],
        "readings_stored": result.stored,
        "readings_already_stored": result.duplicates,
        "months": list(MONTHS),
        "alerts": [f"{a['rule']} {a['entity']} {a['meter']} {a['period']}" for a in found],
    }
