"""Tables of the portal: collection campaigns and assignments, evidence, comments, the outbox.

A campaign asks a set of entities for a set of indicators for one reporting
year (``monthly``: quantities summed over the year are asked month by month).
Each entity of a campaign has one assignment: its data owner, its reviewer and
its due date. Evidence files are stored content-addressed (SHA-256) outside the
database; the rows here say which value each file backs. The outbox holds
e-mails until a sender delivers them (``dedupe`` makes enqueueing idempotent).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from esgledger.store.schema import metadata

__all__ = [
    "campaign_assignments",
    "campaign_indicators",
    "campaigns",
    "comments",
    "evidence",
    "outbox",
]

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False),
    Column("name", String(300), nullable=False),
    Column("monthly", Boolean, nullable=False),
    Column("closed", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
)

campaign_indicators = Table(
    "campaign_indicators",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), primary_key=True),
    Column("indicator", String(128), primary_key=True),
    Column("position", Integer, nullable=False),
)

campaign_assignments = Table(
    "campaign_assignments",
    metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), primary_key=True),
    Column("entity", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("due", Date, nullable=False),
    Index("ix_campaign_assignments_owner", "owner"),
    Index("ix_campaign_assignments_reviewer", "reviewer"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("entity", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(128), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    Index("ix_evidence_entity_period", "entity", "period"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(128), nullable=False),
    Column("author", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_comments_entity_period", "entity", "period"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recipient", String(64), nullable=False),
    Column("address", String(320), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("dedupe", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    #: the sender delivering the message now, and until when its claim holds (0017)
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", DateTime(timezone=True), nullable=True),
    Index("ix_outbox_sent_at", "sent_at"),
)
