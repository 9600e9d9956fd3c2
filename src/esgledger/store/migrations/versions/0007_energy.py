"""Energy management: meters, readings (partitioned by month on PostgreSQL), rollups, alerts.

Revision ID: 0007_energy
Revises: 0004_identity (this branch merged h8core)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_energy"
down_revision = "0005_calc_stamp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meters",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("carrier", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, server_default="interval"),
        sa.Column("multiplier", sa.Float(), nullable=False, server_default="1"),
        sa.Column("rollover", sa.Float(), nullable=True),
        sa.Column("parent", sa.String(64), nullable=True),
        sa.Column("line", sa.String(200), nullable=False, server_default=""),
        sa.Column("key_unit", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("interval_minutes", sa.Integer(), nullable=False, server_default="15"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Shanghai"),
        sa.Column("calibrated_on", sa.Date(), nullable=True),
        sa.Column("certificate", sa.Text(), nullable=False, server_default=""),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint("kind IN ('counter', 'interval')", name="kind"),
        sa.CheckConstraint("multiplier > 0", name="multiplier"),
        sa.ForeignKeyConstraint(["entity"], ["entities.code"]),
        sa.ForeignKeyConstraint(["parent"], ["meters.code"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "meter_readings",
        sa.Column("meter", sa.String(64), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=True),
        sa.Column("state", sa.SmallInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("meter", "ts"),
        postgresql_partition_by="RANGE (ts)",
    )
    op.create_index(
        "ix_meter_readings_pending",
        "meter_readings",
        ["meter", "ts"],
        sqlite_where=sa.text("state = 1"),
        postgresql_where=sa.text("state = 1"),
    )
    op.create_table(
        "reading_rejects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("file", sa.Text(), nullable=False, server_default=""),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("meter", sa.Text(), nullable=False, server_default=""),
        sa.Column("timestamp", sa.Text(), nullable=False, server_default=""),
        sa.Column("value", sa.Text(), nullable=False, server_default=""),
        sa.Column("column", sa.String(32), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reading_rejects_received_at", "reading_rejects", ["received_at"])
    op.create_table(
        "energy_rollups",
        sa.Column("meter", sa.String(64), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("bucket", sa.String(16), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.CheckConstraint("grain IN ('hour', 'day', 'month')", name="grain"),
        sa.PrimaryKeyConstraint("meter", "grain", "bucket"),
    )
    op.create_table(
        "energy_quotas",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quota_tce", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("entity", "year"),
    )
    op.create_table(
        "energy_limits",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("product", sa.String(128), nullable=False),
        sa.Column("limit_value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("standard", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "product"),
    )
    op.create_table(
        "energy_lineage",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("meter", sa.String(64), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("estimated", sa.Float(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity", "period", "indicator", "meter"),
    )
    op.create_table(
        "energy_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("meter", sa.String(64), nullable=False, server_default=""),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("state IN ('open', 'acknowledged', 'closed')", name="state"),
        sa.CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "energy_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    for name in (
        "energy_outbox",
        "energy_alerts",
        "energy_lineage",
        "energy_limits",
        "energy_quotas",
        "energy_rollups",
        "reading_rejects",
        "meter_readings",
        "meters",
    ):
        op.drop_table(name)
