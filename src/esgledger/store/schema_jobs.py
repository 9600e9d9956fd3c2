"""Tables of background work and the online survey: report build jobs, survey links, drafts.

``report_jobs``: one row per requested report build. A worker claims a queued
row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; a conditional ``UPDATE`` on
SQLite), keeps ``heartbeat_at`` fresh while it builds, and records the
outputs (``name:sha256:size`` lines) or the error. Created by revision
``0012_jobs_survey``.

``surveys`` / ``survey_links`` / ``survey_drafts``: an online stakeholder
questionnaire for one year's double materiality. A link's token is random
(:mod:`secrets`); only its SHA-256 is stored. A draft holds a respondent's
answers until they submit; then the answers move to ``materiality_responses``
under a fresh random respondent id and the draft is deleted, so nothing ties the
answers to the link. No address or browser data is stored anywhere here.
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

__all__ = ["report_jobs", "survey_drafts", "survey_links", "surveys"]

report_jobs = Table(
    "report_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(16), nullable=False),
    Column("period", Integer, nullable=False),
    Column("langs", String(32), nullable=False),
    Column("formats", String(64), nullable=False),
    Column("boundary", String(32), nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(128), nullable=False, server_default=""),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("heartbeat_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("step", Text, nullable=False, server_default=""),
    Column("run_id", String(64), nullable=False, server_default=""),
    Column("outputs", Text, nullable=False, server_default=""),
    Column("error", Text, nullable=False, server_default=""),
    CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
    Index("ix_report_jobs_state", "state"),
)

surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
)

survey_links = Table(
    "survey_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "survey_id",
        Integer,
        ForeignKey("surveys.id", name="fk_survey_links_survey_id_surveys"),
        nullable=False,
    ),
    Column("group_code", String(64), nullable=False),
    #: ``group``: shared by a stakeholder group, each visit starts a respondent link;
    #: ``respondent``: one response
    Column("kind", String(16), nullable=False),
    #: the group link a respondent link was started from ('' when issued directly)
    Column("parent", String(64), nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    #: rate limit: posts counted in the window that began at window_start
    Column("window_start", DateTime(timezone=True), nullable=True),
    Column("posts", Integer, nullable=False, server_default="0"),
    CheckConstraint("kind IN ('group', 'respondent')", name="kind"),
    Index("ix_survey_links_survey_id", "survey_id"),
)

survey_drafts = Table(
    "survey_drafts",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("impact", Integer, nullable=True),
    Column("financial", Integer, nullable=True),
)
