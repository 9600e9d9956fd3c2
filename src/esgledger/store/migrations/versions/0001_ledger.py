"""The ledger: users, entities, observations, hash-chained audit trail, period locks.

Revision ID: 0001_ledger
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("role", sa.String(32), nullable=False, server_default="editor"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('viewer', 'editor', 'reviewer', 'approver', 'admin')", name="role"
        ),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "entities",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False, server_default=""),
        sa.Column("name_zh", sa.String(300), nullable=False, server_default=""),
        sa.Column("parent", sa.String(64), nullable=True),
        sa.Column("type", sa.String(64), nullable=False, server_default=""),
        sa.Column("ownership_pct", sa.Float(), nullable=True),
        sa.Column("control", sa.String(16), nullable=False, server_default="operational"),
        sa.Column("region", sa.String(16), nullable=False, server_default=""),
        sa.Column("included_from", sa.Date(), nullable=True),
        sa.Column("included_to", sa.Date(), nullable=True),
        sa.CheckConstraint("control IN ('operational', 'financial', 'none')", name="control"),
        sa.CheckConstraint(
            "ownership_pct IS NULL OR (ownership_pct >= 0 AND ownership_pct <= 100)",
            name="ownership_pct",
        ),
        sa.ForeignKeyConstraint(["parent"], ["entities.code"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("raw_value", sa.Text(), nullable=False),
        sa.Column("raw_unit", sa.String(64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'reviewed', 'approved')", name="status"
        ),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.ForeignKeyConstraint(["entity"], ["entities.code"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.username"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entity", "period", "indicator", "version"),
    )
    op.create_index(
        "uq_observations_current",
        "observations",
        ["entity", "period", "indicator"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_index("ix_observations_period_current", "observations", ["period", "is_current"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "period_locks",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "period"),
    )


def downgrade() -> None:
    op.drop_table("period_locks")
    op.drop_table("audit_head")
    op.drop_table("audit_events")
    op.drop_index("ix_observations_period_current", table_name="observations")
    op.drop_index("uq_observations_current", table_name="observations")
    op.drop_table("observations")
    op.drop_table("entities")
    op.drop_table("users")
