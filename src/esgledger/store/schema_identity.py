"""Tables of identity and workflow: memberships, API tokens, ledger settings, rejections.

Added to the shared :data:`esgledger.store.schema.metadata`; created by the
Alembic revision ``0004_identity`` (which also adds the password and workflow
columns of ``users`` and ``observations``).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from esgledger.store.schema import metadata

__all__ = ["api_tokens", "ledger_settings", "memberships", "rejections"]

ROLE_CHECK = "role IN ('admin', 'manager', 'reviewer', 'submitter', 'viewer', 'auditor')"

memberships = Table(
    "memberships",
    metadata,
    Column("username", String(64), ForeignKey("users.username"), primary_key=True),
    Column("entity", String(64), primary_key=True),  # an entity code or '*' (the whole group)
    Column("role", String(16), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    CheckConstraint(ROLE_CHECK, name="role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # public id, shown in lists; not a secret
    Column("username", String(64), ForeignKey("users.username"), nullable=False),
    Column("name", String(200), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_api_tokens_username", "username"),
)

ledger_settings = Table(
    "ledger_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("observation_id", Integer, ForeignKey("observations.id"), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("rejected_by", String(64), nullable=False),
    Column("rejected_at", DateTime(timezone=True), nullable=False),
    Column("submitted_by", String(64), nullable=True),
    Index("ix_rejections_entity_period", "entity", "period"),
)
