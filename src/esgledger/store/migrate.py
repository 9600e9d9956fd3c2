"""Alembic migrations, driven from code: no ``alembic.ini`` is needed.

Revisions live in ``store/migrations/versions`` and form one linear chain
(``0001_ledger`` → ``0002_calc`` → ``0003_assess`` → …). Every module
``esgledger.store.schema_*`` is imported before a migration runs, so tables
defined there join :data:`esgledger.store.schema.metadata`.
"""

from __future__ import annotations

import importlib
import pkgutil

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData

from esgledger.store import schema

__all__ = [
    "SCRIPT_LOCATION",
    "alembic_config",
    "current_revision",
    "head_revision",
    "target_metadata",
    "upgrade",
]

SCRIPT_LOCATION = "esgledger.store:migrations"


def target_metadata() -> MetaData:
    """The shared metadata, with every ``store/schema_*.py`` module's tables added."""
    import esgledger.store as store_pkg

    for info in pkgutil.iter_modules(store_pkg.__path__):
        if info.name.startswith("schema_"):
            importlib.import_module(f"esgledger.store.{info.name}")
    return schema.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations (optionally bound to a connection)."""
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision id of the packaged chain."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001_ledger
        raise RuntimeError("no migrations packaged")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate the database behind ``connection`` (inside the caller's transaction)."""
    command.upgrade(alembic_config(connection), revision)
