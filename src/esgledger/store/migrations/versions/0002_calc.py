"""Calculation runs, results and user factor overrides.

Revision ID: 0002_calc
Revises: 0001_ledger
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_calc"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calc_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("boundary", sa.String(16), nullable=False),
        sa.Column("gwp", sa.String(8), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False, server_default=""),
        sa.Column("inputs_hash", sa.String(64), nullable=False),
        sa.Column("factor_version", sa.String(128), nullable=False),
        sa.Column("code_version", sa.String(128), nullable=False),
        sa.Column("result_hash", sa.String(64), nullable=False),
        sa.Column("n_values", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "calc_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("lineage_ref", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["calc_runs.id"]),
        sa.PrimaryKeyConstraint("run_id", "metric", "entity", "period"),
    )
    op.create_index(
        "ix_calc_results_metric_entity_period", "calc_results", ["metric", "entity", "period"]
    )
    op.create_table(
        "calc_factor_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("factor_id", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("region", sa.String(32), nullable=False, server_default=""),
        sa.Column("entity", sa.String(64), nullable=False, server_default=""),
        sa.Column("year_from", sa.Integer(), nullable=True),
        sa.Column("year_to", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.Column("edition", sa.Text(), nullable=False, server_default=""),
        sa.Column("table_ref", sa.Text(), nullable=False, server_default=""),
        sa.Column("confidence", sa.String(32), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.Column("file", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("factor_id"),
    )


def downgrade() -> None:
    op.drop_table("calc_factor_overrides")
    op.drop_index("ix_calc_results_metric_entity_period", table_name="calc_results")
    op.drop_table("calc_results")
    op.drop_table("calc_runs")
