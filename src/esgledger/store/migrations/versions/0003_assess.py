"""Assessment: materiality topics, surveys, expert scores and results; the climate register.

Revision ID: 0003_assess
Revises: 0002_calc
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_assess"
down_revision = "0002_calc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "materiality_topics",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=False),
        sa.Column("dimension", sa.String(1), nullable=False),
        sa.Column("sse", sa.String(200), nullable=False, server_default=""),
        sa.Column("gri", sa.String(300), nullable=False, server_default=""),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("dimension IN ('E', 'S', 'G')", name="dimension"),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "materiality_groups",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("weight > 0", name="weight"),
        sa.PrimaryKeyConstraint("year", "code"),
    )
    op.create_table(
        "materiality_responses",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("group_code", sa.String(64), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("financial", sa.Integer(), nullable=False),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
        sa.CheckConstraint("financial BETWEEN 1 AND 5", name="financial"),
        sa.PrimaryKeyConstraint("year", "respondent", "topic"),
    )
    op.create_table(
        "materiality_expert_scores",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("expert", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("irremediability", sa.Integer(), nullable=False),
        sa.Column("impact_likelihood", sa.Integer(), nullable=False),
        sa.Column("magnitude", sa.Integer(), nullable=False),
        sa.Column("financial_likelihood", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "expert", "topic"),
    )
    op.create_table(
        "materiality_runs",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("highly", sa.Float(), nullable=False),
        sa.Column("moderately", sa.Float(), nullable=False),
        sa.Column("material", sa.Float(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint("method IN ('survey', 'expert')", name="method"),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "materiality_results",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=False),
        sa.Column("dimension", sa.String(1), nullable=False),
        sa.Column("sse", sa.String(200), nullable=False, server_default=""),
        sa.Column("gri", sa.String(300), nullable=False, server_default=""),
        sa.Column("impact", sa.Float(), nullable=False),
        sa.Column("financial", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("tier", sa.String(32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("material_on", sa.String(32), nullable=False, server_default=""),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "topic"),
    )
    op.create_table(
        "climate_horizons",
        sa.Column("horizon", sa.String(16), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("to_year", sa.Integer(), nullable=False),
        sa.CheckConstraint("horizon IN ('short', 'medium', 'long')", name="horizon"),
        sa.PrimaryKeyConstraint("horizon"),
    )
    op.create_table(
        "climate_items",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("title_zh", sa.Text(), nullable=False, server_default=""),
        sa.Column("description_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("description_zh", sa.Text(), nullable=False, server_default=""),
        sa.Column("horizons", sa.String(64), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("magnitude", sa.Integer(), nullable=False),
        sa.Column("current_effect_min_cny", sa.Float(), nullable=True),
        sa.Column("current_effect_max_cny", sa.Float(), nullable=True),
        sa.Column("anticipated_effect_min_cny", sa.Float(), nullable=True),
        sa.Column("anticipated_effect_max_cny", sa.Float(), nullable=True),
        sa.Column("entities", sa.Text(), nullable=False, server_default=""),
        sa.Column("value_chain", sa.String(64), nullable=False, server_default=""),
        sa.Column("response_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("response_zh", sa.Text(), nullable=False, server_default=""),
        sa.Column("metrics", sa.Text(), nullable=False, server_default=""),
        sa.Column("targets", sa.Text(), nullable=False, server_default=""),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood"),
        sa.CheckConstraint("magnitude BETWEEN 1 AND 5", name="magnitude"),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("climate_items")
    op.drop_table("climate_horizons")
    op.drop_table("materiality_results")
    op.drop_table("materiality_runs")
    op.drop_table("materiality_expert_scores")
    op.drop_table("materiality_responses")
    op.drop_table("materiality_groups")
    op.drop_table("materiality_topics")
