"""Alembic environment for esgledger (used programmatically; no alembic.ini needed).

The caller passes an open Connection in ``config.attributes["connection"]``
(see :func:`esgledger.store.migrate.upgrade`). The target metadata is the one
:data:`esgledger.store.schema.metadata`, after importing every optional table
module of the other areas (``schema_calc``, ``schema_assess`` ...) that exists.
"""

from __future__ import annotations

from alembic import context

from esgledger.store.migrate import target_metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic CLI
    raise RuntimeError("esgledger migrations run through esgledger.store.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
