"""Report build jobs and the online stakeholder survey (links, drafts).

Revision ID: 0012_jobs_survey
Revises: 0009_portal_ui (the integrator re-chains)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_jobs_survey"
down_revision = "0010_energy_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("langs", sa.String(32), nullable=False),
        sa.Column("formats", sa.String(64), nullable=False),
        sa.Column("boundary", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(128), server_default="", nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("step", sa.Text(), server_default="", nullable=False),
        sa.Column("run_id", sa.String(64), server_default="", nullable=False),
        sa.Column("outputs", sa.Text(), server_default="", nullable=False),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        sa.PrimaryKeyConstraint("id", name="pk_report_jobs"),
    )
    op.create_index("ix_report_jobs_state", "report_jobs", ["state"])
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_surveys"),
    )
    op.create_table(
        "survey_links",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent", sa.String(64), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posts", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("kind IN ('group', 'respondent')", name="kind"),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name="fk_survey_links_survey_id_surveys"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_survey_links"),
    )
    op.create_index("ix_survey_links_survey_id", "survey_links", ["survey_id"])
    op.create_table(
        "survey_drafts",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=True),
        sa.Column("financial", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", "topic", name="pk_survey_drafts"),
    )


def downgrade() -> None:
    op.drop_table("survey_drafts")
    op.drop_index("ix_survey_links_survey_id", table_name="survey_links")
    op.drop_table("survey_links")
    op.drop_table("surveys")
    op.drop_index("ix_report_jobs_state", table_name="report_jobs")
    op.drop_table("report_jobs")
