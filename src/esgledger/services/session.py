"""Open a ledger and say who acts: the context an adapter hands to every use case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from esgledger.services.context import Context, Principal
from esgledger.services.identity import principal_for
from esgledger.store.database import safe_url
from esgledger.store.ledger import Ledger

__all__ = ["ledger_info", "open_context", "safe_url"]


@contextmanager
def open_context(url: str | None = None, username: str | None = None) -> Iterator[Context]:
    """The ledger at ``url`` (default: settings), opened and migrated, and who acts.

    ``username`` is a user of the ledger (the CLI's ``--as``); ``None`` is the
    built-in local administrator, recorded as ``local-admin``.
    """
    ledger = Ledger.open(url)
    try:
        principal = Principal.local_admin() if not username else principal_for(ledger, username)
        yield Context(ledger, principal)
    finally:
        ledger.close()


def ledger_info(ctx: Context) -> dict[str, object]:
    """The database (password hidden), schema revision and counts (any user)."""
    ledger = ctx.ledger
    return {
        "database": safe_url(ledger.url),
        "revision": ledger.revision(),
        "entities": len(ledger.entities()),
        "audit_events": ledger.verify_audit().events,
    }
