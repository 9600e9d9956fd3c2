"""Uncertainty of a figure: error propagation over its lineage (IPCC 2006 Vol. 1 Ch. 3).

Each observation's contribution c = activity x factor has a relative uncertainty of its
activity data, by the observation's ``provenance`` tier, and of its factor, by the
factor's ``confidence``. Propagation follows IPCC 2006 Guidelines Vol. 1 Chapter 3,
Approach 1: for a product the relative uncertainties add in quadrature (Eq. 3.2), for a
sum the absolute ones do (Eq. 3.1). Activity data of different rows are independent;
the factor of one indicator is the same for all its rows, so its error is taken as fully
correlated across them (their contributions are summed before squaring).

The default percentages below are esgledger's assumptions (half-widths of a 95 %
interval), not values read from a published table; a verifier may replace them by
importing ``uncertainty`` factors (subject ``tier.<provenance>`` or
``confidence.<level>``, value in percent) — see docs/methodology.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["ACTIVITY_PCT", "FACTOR_PCT", "uncertainty_pct"]

#: Activity-data uncertainty (± %) by the observation's provenance tier.
ACTIVITY_PCT: dict[str, float] = {
    "measured": 2.0,
    "calculated": 5.0,
    "estimated": 20.0,
    "illustrative": 20.0,
    "": 10.0,  # not stated
}
#: Factor uncertainty (± %) by the factor's confidence; GWPs are conventionally excluded.
FACTOR_PCT: dict[str, float] = {"high": 5.0, "medium": 10.0, "low": 30.0, "": 10.0}
_NO_FACTOR_KINDS = ("definition",)


def _factor_pct(factors: list[dict[str, Any]], table: Mapping[str, float]) -> float:
    parts = [
        table.get(f.get("confidence") or "", table[""])
        for f in factors
        if not str(f.get("id", "")).startswith("gwp:") and f.get("source") not in _NO_FACTOR_KINDS
    ]
    return math.sqrt(sum(p * p for p in parts))


def _base(
    lineage: Mapping[str, Any], activity: Mapping[str, float], factor: Mapping[str, float]
) -> tuple[float, float]:
    """(sum of contributions, variance in squared units) of a base lineage."""
    total = 0.0
    var_activity = 0.0
    by_indicator: dict[str, list[float]] = {}
    for ent in lineage.get("entities", []):
        share = float(ent.get("share", 1.0))
        for o in ent.get("observations", []):
            c = float(o.get("contribution") or 0.0) * share
            if c == 0:
                continue
            total += c
            ua = activity.get(o.get("provenance") or "", activity[""]) / 100
            var_activity += (c * ua) ** 2
            uf = _factor_pct(o.get("factors", []), factor) / 100
            slot = by_indicator.setdefault(o["indicator"], [0.0, uf])
            slot[0] += c
            slot[1] = max(slot[1], uf)
    var_factor = sum((c * uf) ** 2 for c, uf in by_indicator.values())
    return total, var_activity + var_factor


def _walk(
    lineage: Mapping[str, Any] | None,
    activity: Mapping[str, float],
    factor: Mapping[str, float],
) -> tuple[float, float]:
    if not lineage:
        return 0.0, 0.0
    if "inputs" in lineage:
        total = var = 0.0
        for inp in lineage["inputs"]:
            t, v = _walk(inp.get("lineage"), activity, factor)
            total += t
            var += v
        return total, var
    return _base(lineage, activity, factor)


def uncertainty_pct(
    lineage: Mapping[str, Any] | None,
    activity: Mapping[str, float] = ACTIVITY_PCT,
    factor: Mapping[str, float] = FACTOR_PCT,
) -> float | None:
    """± % (95 %) of the sum the lineage adds up, or None when it adds up to 0.

    For a metric made of other metrics (a total of scopes) the inputs are treated as
    independent sums, so call it only for sums (the ``ghg.*`` metrics), not for ratios.
    """
    total, var = _walk(lineage, activity, factor)
    if total == 0:
        return None
    return round(100 * math.sqrt(var) / abs(total), 2)
