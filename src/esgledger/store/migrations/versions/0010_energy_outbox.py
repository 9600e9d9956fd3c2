"""Energy alerts notify through the portal's outbox: drop the separate ``energy_outbox``.

Revision ID: 0010_energy_outbox
Revises: 0009_portal_ui (the integrator re-chains)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_energy_outbox"
down_revision = "0009_portal_ui"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("energy_outbox")


def downgrade() -> None:
    op.create_table(
        "energy_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
