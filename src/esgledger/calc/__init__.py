"""The calculation engine: energy, GHG Scope 1/2/3, consolidation, derived metrics, lineage.

The engine is pure (plain data in, plain data out). Entry point::

    from esgledger.calc import compute
    result = compute(entities, observations, boundary="equity")
    result.value("ghg.scope1", "GROUP", 2024)
    result.explain("ghg.scope2.location", "GROUP", 2024)

:func:`esgledger.services.calc.compute_ledger` reads a ledger and computes.
"""

from __future__ import annotations

from esgledger.calc.boundary import BOUNDARIES, Boundary
from esgledger.calc.engine import GWP_SETS, compute, observations_frame
from esgledger.calc.metrics import METRICS, Metric
from esgledger.calc.result import MetricValue, RunResult

__all__ = [
    "BOUNDARIES",
    "GWP_SETS",
    "METRICS",
    "Boundary",
    "Metric",
    "MetricValue",
    "RunResult",
    "compute",
    "observations_frame",
]
