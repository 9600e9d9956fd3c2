"""Tables of the calculation engine: runs, their results, and user factor overrides.

Added to the shared :data:`esgledger.store.schema.metadata`; created by the
Alembic revision ``0002_calc``.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text

from esgledger.store.schema import metadata

__all__ = ["calc_factor_overrides", "calc_results", "calc_runs"]

calc_runs = Table(
    "calc_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("boundary", String(16), nullable=False),
    Column("gwp", String(8), nullable=False),
    Column("periods", Text, nullable=False, server_default=""),
    Column("inputs_hash", String(64), nullable=False),
    Column("factor_version", String(128), nullable=False),
    Column("code_version", String(128), nullable=False),
    Column("result_hash", String(64), nullable=False),
    Column("n_values", Integer, nullable=False),
)

calc_results = Table(
    "calc_results",
    metadata,
    Column("run_id", Integer, ForeignKey("calc_runs.id"), primary_key=True),
    Column("metric", String(64), primary_key=True),
    Column("entity", String(64), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("value", Float, nullable=True),
    Column("unit", String(32), nullable=False),
    Column("lineage_ref", Text, nullable=False),
    Index("ix_calc_results_metric_entity_period", "metric", "entity", "period"),
)

calc_factor_overrides = Table(
    "calc_factor_overrides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factor_id", String(300), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("region", String(32), nullable=False, server_default=""),
    Column("entity", String(64), nullable=False, server_default=""),
    Column("year_from", Integer, nullable=True),
    Column("year_to", Integer, nullable=True),
    Column("value", Float, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("edition", Text, nullable=False, server_default=""),
    Column("table_ref", Text, nullable=False, server_default=""),
    Column("confidence", String(32), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(64), nullable=False),
    Column("file", Text, nullable=False, server_default=""),
)
