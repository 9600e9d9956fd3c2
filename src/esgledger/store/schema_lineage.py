"""The stored lineage of calculation runs, and the ledger stamp each run was computed at.

One row per run (``calc_runs.id``): the packed :class:`~esgledger.calc.result.RunResult`
(:meth:`~esgledger.calc.result.RunResult.to_lineage`) so that ``explain`` reads a
stored run instead of recomputing the ledger, and ``ledger_stamp``, the audit
trail's head ``seq`` when the run read the ledger: any later event that can
change a calculation input means the ledger has changed since the run.
Created by the Alembic revision ``0005_calc_stamp``.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Table

from esgledger.store.schema import metadata

__all__ = ["calc_run_lineage"]

calc_run_lineage = Table(
    "calc_run_lineage",
    metadata,
    Column("run_id", Integer, ForeignKey("calc_runs.id"), primary_key=True),
    Column("ledger_stamp", Integer, nullable=False),
    Column("steam_method", String(16), nullable=False),
    Column("format", Integer, nullable=False),
    Column("lineage", LargeBinary, nullable=False),
)
