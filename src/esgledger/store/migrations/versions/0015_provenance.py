"""Observations: provenance (data-quality tier); entities: financial control apart.

Revision ID: 0015_provenance
Revises: 0009_portal_ui (the integrator re-chains)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_provenance"
down_revision = "0012_jobs_survey"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities") as batch:
        batch.add_column(
            sa.Column("financial_control", sa.String(16), nullable=False, server_default="")
        )
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("provenance", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("provenance")
    with op.batch_alter_table("entities") as batch:
        batch.drop_column("financial_control")
