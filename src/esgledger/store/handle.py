"""The part of the Ledger that repository modules use, as a Protocol.

Repository functions that open their own transaction take a :class:`LedgerHandle`
instead of importing :class:`~esgledger.store.ledger.Ledger`, so that no store
module depends on the Ledger (no import cycle); the Ledger satisfies it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy import Connection

from esgledger.model import Entity

__all__ = ["LedgerHandle"]


class LedgerHandle(Protocol):
    def read(self) -> AbstractContextManager[Connection]: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def entities(self) -> list[Entity]: ...

    def ensure_user(self, conn: Connection, username: str) -> None: ...

    def append_audit(
        self, conn: Connection, *, actor: str, action: str, ref: str, payload: Any
    ) -> Any: ...
