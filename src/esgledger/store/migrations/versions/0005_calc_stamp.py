"""Stored lineage of calculation runs and the ledger stamp of each run.

Revision ID: 0005_calc_stamp
Revises: 0003_assess
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_calc_stamp"
down_revision = "0004_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calc_run_lineage",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("ledger_stamp", sa.Integer(), nullable=False),
        sa.Column("steam_method", sa.String(16), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("lineage", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["calc_runs.id"]),
        sa.PrimaryKeyConstraint("run_id"),
    )


def downgrade() -> None:
    op.drop_table("calc_run_lineage")
