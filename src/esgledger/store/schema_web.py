"""Tables of the web portal: sign-in sessions, failed-login counters, idempotency keys.

Added to the shared :data:`esgledger.store.schema.metadata`; created by the
Alembic revision ``0008_portal``. Every worker process reads and writes them,
so the portal keeps no state in memory (any worker serves any request).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from esgledger.store.schema import metadata

__all__ = ["idempotency_keys", "login_failures", "web_sessions"]

#: One row per sign-in; the cookie carries a random token, the row only its SHA-256.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("address", String(64), nullable=False, server_default=""),
    Column("user_agent", String(300), nullable=False, server_default=""),
    Index("ix_web_sessions_username", "username"),
)

#: Failed sign-ins per key (``user:<name>`` or ``addr:<address>``) within a window.
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

#: A creating POST's response, kept under the client's ``Idempotency-Key``.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
