"""The ledger's tables: SQLAlchemy Core on one :data:`metadata`, the same on SQLite and PostgreSQL.

Other areas add their tables to the same :data:`metadata` in their own module
(``schema_calc.py``, ``schema_assess.py``) and their own Alembic revision; the
migration environment imports those modules when they exist.

Timestamps of audit events are ISO 8601 UTC text, because they are part of the
hashed content and must read back exactly as written on both engines.
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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from esgledger.model import CODE_MAX, NAME_MAX

__all__ = [
    "GENESIS_HASH",
    "audit_events",
    "audit_head",
    "entities",
    "metadata",
    "observations",
    "period_locks",
    "users",
]

#: The ``prev_hash`` of the first audit event.
GENESIS_HASH = "0" * 64

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("role", String(32), nullable=False, server_default="editor"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # identity (0004_identity): a user without a password hash cannot sign in with one
    Column("password_hash", Text, nullable=True),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
    # ``role`` predates memberships and is not read: roles are per entity (``memberships``)
    CheckConstraint("role IN ('viewer', 'editor', 'reviewer', 'approver', 'admin')", name="role"),
)

entities = Table(
    "entities",
    metadata,
    Column("code", String(CODE_MAX), primary_key=True),
    Column("name_en", String(NAME_MAX), nullable=False, server_default=""),
    Column("name_zh", String(NAME_MAX), nullable=False, server_default=""),
    Column("parent", String(CODE_MAX), ForeignKey("entities.code"), nullable=True),
    Column("type", String(CODE_MAX), nullable=False, server_default=""),
    Column("ownership_pct", Float, nullable=True),
    Column("control", String(16), nullable=False, server_default="operational"),
    Column("region", String(16), nullable=False, server_default=""),
    Column("included_from", Date, nullable=True),
    Column("included_to", Date, nullable=True),
    # 0015_provenance: financial control stated apart from control ("" = derived)
    Column("financial_control", String(16), nullable=False, server_default=""),
    CheckConstraint("control IN ('operational', 'financial', 'none')", name="control"),
    CheckConstraint(
        "ownership_pct IS NULL OR (ownership_pct >= 0 AND ownership_pct <= 100)",
        name="ownership_pct",
    ),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(64), ForeignKey("entities.code"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("raw_value", Text, nullable=False),
    Column("raw_unit", String(CODE_MAX), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("comment", Text, nullable=False, server_default=""),
    # 0015_provenance: measured / calculated / estimated / illustrative, "" = not stated
    Column("provenance", String(16), nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default="draft"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), ForeignKey("users.username"), nullable=False),
    # workflow attribution and restatements (0004_identity)
    Column("submitted_by", String(64), nullable=True),
    Column("reviewed_by", String(64), nullable=True),
    Column("approved_by", String(64), nullable=True),
    #: a restatement of a locked value awaiting approval: not current until approved
    Column("pending", Boolean, nullable=False, server_default=false()),
    Column("reason", Text, nullable=True),
    UniqueConstraint("entity", "period", "indicator", "version"),
    CheckConstraint("status IN ('draft', 'submitted', 'reviewed', 'approved')", name="status"),
    CheckConstraint("version >= 1", name="version"),
    # at most one current version per key
    Index(
        "uq_observations_current",
        "entity",
        "period",
        "indicator",
        unique=True,
        sqlite_where=text("is_current"),
        postgresql_where=text("is_current"),
    ),
    Index("ix_observations_period_current", "period", "is_current"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("ref", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row (id = 1): the last event's seq and hash. Appends lock it, so the chain
# never forks, and verification notices events removed from the end.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

period_locks = Table(
    "period_locks",
    metadata,
    Column("entity", String(64), primary_key=True),  # an entity code or '*' for all
    Column("period", String(7), primary_key=True),
    Column("locked_at", DateTime(timezone=True), nullable=False),
    Column("locked_by", String(64), nullable=False),
)
