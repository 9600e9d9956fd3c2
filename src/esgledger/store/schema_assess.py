"""Tables of the assessment area: materiality topics, surveys, results; the climate register.

Lists (SSE topics, GRI standards, horizons, entities ...) are stored as
``;``-joined text: they are read and written whole, never queried by element.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
)

from esgledger.store.schema import metadata

__all__ = [
    "climate_horizons",
    "climate_items",
    "materiality_expert_scores",
    "materiality_groups",
    "materiality_responses",
    "materiality_results",
    "materiality_runs",
    "materiality_topics",
]

materiality_topics = Table(
    "materiality_topics",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name_en", String(300), nullable=False),
    Column("name_zh", String(300), nullable=False),
    Column("dimension", String(1), nullable=False),
    Column("sse", String(200), nullable=False, server_default=""),
    Column("gri", String(300), nullable=False, server_default=""),
    Column("position", Integer, nullable=False),
    CheckConstraint("dimension IN ('E', 'S', 'G')", name="dimension"),
)

materiality_groups = Table(
    "materiality_groups",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("name_en", String(300), nullable=False),
    Column("name_zh", String(300), nullable=False),
    Column("weight", Float, nullable=False),
    Column("position", Integer, nullable=False),
    CheckConstraint("weight > 0", name="weight"),
)

materiality_responses = Table(
    "materiality_responses",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("respondent", String(128), primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("group_code", String(64), nullable=False),
    Column("impact", Integer, nullable=False),
    Column("financial", Integer, nullable=False),
    CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
    CheckConstraint("financial BETWEEN 1 AND 5", name="financial"),
)

materiality_expert_scores = Table(
    "materiality_expert_scores",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("expert", String(128), primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("scale", Integer, nullable=False),
    Column("scope", Integer, nullable=False),
    Column("irremediability", Integer, nullable=False),
    Column("impact_likelihood", Integer, nullable=False),
    Column("magnitude", Integer, nullable=False),
    Column("financial_likelihood", Integer, nullable=False),
)

materiality_runs = Table(
    "materiality_runs",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("method", String(16), nullable=False),
    Column("highly", Float, nullable=False),
    Column("moderately", Float, nullable=False),
    Column("material", Float, nullable=False),
    Column("respondents", Integer, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    CheckConstraint("method IN ('survey', 'expert')", name="method"),
)

materiality_results = Table(
    "materiality_results",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("name_en", String(300), nullable=False),
    Column("name_zh", String(300), nullable=False),
    Column("dimension", String(1), nullable=False),
    Column("sse", String(200), nullable=False, server_default=""),
    Column("gri", String(300), nullable=False, server_default=""),
    Column("impact", Float, nullable=False),
    Column("financial", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("tier", String(32), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("material_on", String(32), nullable=False, server_default=""),
    Column("responses", Integer, nullable=False),
)

climate_horizons = Table(
    "climate_horizons",
    metadata,
    Column("horizon", String(16), primary_key=True),
    Column("from_year", Integer, nullable=False),
    Column("to_year", Integer, nullable=False),
    CheckConstraint("horizon IN ('short', 'medium', 'long')", name="horizon"),
)

climate_items = Table(
    "climate_items",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("category", String(64), nullable=False),
    Column("title_en", Text, nullable=False, server_default=""),
    Column("title_zh", Text, nullable=False, server_default=""),
    Column("description_en", Text, nullable=False, server_default=""),
    Column("description_zh", Text, nullable=False, server_default=""),
    Column("horizons", String(64), nullable=False),
    Column("likelihood", Integer, nullable=False),
    Column("magnitude", Integer, nullable=False),
    Column("current_effect_min_cny", Float, nullable=True),
    Column("current_effect_max_cny", Float, nullable=True),
    Column("anticipated_effect_min_cny", Float, nullable=True),
    Column("anticipated_effect_max_cny", Float, nullable=True),
    Column("entities", Text, nullable=False, server_default=""),
    Column("value_chain", String(64), nullable=False, server_default=""),
    Column("response_en", Text, nullable=False, server_default=""),
    Column("response_zh", Text, nullable=False, server_default=""),
    Column("metrics", Text, nullable=False, server_default=""),
    Column("targets", Text, nullable=False, server_default=""),
    Column("owner", String(200), nullable=False, server_default=""),
    Column("notes", Text, nullable=False, server_default=""),
    CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood"),
    CheckConstraint("magnitude BETWEEN 1 AND 5", name="magnitude"),
)
