"""Tables of energy management: meters, readings, rejects, rollups, rules, alerts.

Created by the Alembic revision ``0007_energy`` (``0010_energy_outbox`` dropped its
own outbox: alerts notify through the portal's ``outbox``). On PostgreSQL
``meter_readings`` is partitioned by month of its UTC timestamp (range
partitions ``meter_readings_pYYYYMM``, created on demand by
:mod:`esgledger.store.energy`); on SQLite it is a plain table. Its primary key
(meter, ts) makes a reading sent twice one row.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from esgledger.store.schema import metadata

__all__ = [
    "energy_alerts",
    "energy_limits",
    "energy_lineage",
    "energy_quotas",
    "energy_rollups",
    "meter_readings",
    "meters",
    "reading_rejects",
]

meters = Table(
    "meters",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("entity", String(64), ForeignKey("entities.code"), nullable=False),
    Column("carrier", String(128), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("kind", String(16), nullable=False, server_default="interval"),
    Column("multiplier", Float, nullable=False, server_default="1"),
    Column("rollover", Float, nullable=True),
    Column("parent", String(64), ForeignKey("meters.code"), nullable=True),
    Column("line", String(200), nullable=False, server_default=""),
    Column("key_unit", Boolean, nullable=False, server_default=text("false")),
    Column("interval_minutes", Integer, nullable=False, server_default="15"),
    Column("timezone", String(64), nullable=False, server_default="Asia/Shanghai"),
    Column("calibrated_on", Date, nullable=True),
    Column("certificate", Text, nullable=False, server_default=""),
    Column("name", String(300), nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    CheckConstraint("kind IN ('counter', 'interval')", name="kind"),
    CheckConstraint("multiplier > 0", name="multiplier"),
)

meter_readings = Table(
    "meter_readings",
    metadata,
    Column("meter", String(64), primary_key=True),
    Column("ts", DateTime(timezone=True), primary_key=True),
    Column("value", Float, nullable=False),
    Column("delta", Float, nullable=True),
    Column("state", SmallInteger, nullable=False, server_default="0"),
    Index(
        "ix_meter_readings_pending",
        "meter",
        "ts",
        sqlite_where=text("state = 1"),
        postgresql_where=text("state = 1"),
    ),
    postgresql_partition_by="RANGE (ts)",
)

reading_rejects = Table(
    "reading_rejects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("source", String(16), nullable=False),
    Column("file", Text, nullable=False, server_default=""),
    Column("row", Integer, nullable=True),
    Column("meter", Text, nullable=False, server_default=""),
    Column("timestamp", Text, nullable=False, server_default=""),
    Column("value", Text, nullable=False, server_default=""),
    Column("column", String(32), nullable=False),
    Column("error", Text, nullable=False),
    Index("ix_reading_rejects_received_at", "received_at"),
)

energy_rollups = Table(
    "energy_rollups",
    metadata,
    Column("meter", String(64), primary_key=True),
    Column("grain", String(8), primary_key=True),
    Column("bucket", String(16), primary_key=True),
    Column("total", Float, nullable=False),
    Column("readings", Integer, nullable=False),
    CheckConstraint("grain IN ('hour', 'day', 'month')", name="grain"),
)

energy_quotas = Table(
    "energy_quotas",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("quota_tce", Float, nullable=False),
    Column("source", Text, nullable=False, server_default=""),
)

energy_limits = Table(
    "energy_limits",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("product", String(128), primary_key=True),
    Column("limit_value", Float, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("standard", Text, nullable=False),
)

energy_lineage = Table(
    "energy_lineage",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("indicator", String(128), primary_key=True),
    Column("meter", String(64), primary_key=True),
    Column("total", Float, nullable=False),
    Column("readings", Integer, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("completeness", Float, nullable=False),
    Column("estimated", Float, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

energy_alerts = Table(
    "energy_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("state", String(16), nullable=False, server_default="open"),
    Column("entity", String(64), nullable=False),
    Column("meter", String(64), nullable=False, server_default=""),
    Column("period", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("value", Float, nullable=True),
    Column("threshold", Float, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    UniqueConstraint("key"),
    CheckConstraint("state IN ('open', 'acknowledged', 'closed')", name="state"),
    CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity"),
)
