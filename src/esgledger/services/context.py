"""Who is acting, on which ledger, at what time: the first argument of every service.

Every use case is ``fn(ctx, ...)`` with ``ctx = Context(ledger, principal, clock)``.
The CLI builds the context from ``--as USERNAME`` / ``ESGLEDGER_USER`` (or the
built-in local administrator); the web app from the session cookie or a
Bearer token. Services check permissions with
:func:`esgledger.services.authz.authorize`, never the adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from esgledger.model import Entity
    from esgledger.store.ledger import Ledger

__all__ = [
    "GROUP",
    "LOCAL_ADMIN",
    "ROLES",
    "Context",
    "Membership",
    "Principal",
    "Role",
    "system_clock",
]

Role = Literal["admin", "manager", "reviewer", "submitter", "viewer", "auditor"]
ROLES: tuple[Role, ...] = ("admin", "manager", "reviewer", "submitter", "viewer", "auditor")

#: A membership on ``GROUP`` covers every entity of the ledger (the whole group).
GROUP = "*"
#: The built-in local administrator: who acts when the CLI is given no user.
LOCAL_ADMIN = "local-admin"


@dataclass(frozen=True)
class Membership:
    """``username`` holds ``role`` on ``entity`` and its whole subtree (``GROUP``: everything)."""

    username: str
    entity: str
    role: Role


@dataclass(frozen=True)
class Principal:
    """An authenticated user with the memberships in force when the request began."""

    username: str
    memberships: tuple[Membership, ...] = ()
    display_name: str = ""
    #: the built-in local administrator (CLI with no user): every action, everywhere
    is_local_admin: bool = False
    #: how the user proved who they are: ``local``, ``password``, ``token``, ``session``
    auth: str = "local"

    @classmethod
    def local_admin(cls) -> Principal:
        return cls(
            username=LOCAL_ADMIN,
            memberships=(Membership(LOCAL_ADMIN, GROUP, "admin"),),
            display_name="local administrator",
            is_local_admin=True,
        )

    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """The ledger, who acts, and the clock (injectable for tests).

    A context lives for one request (or one CLI command): it reads the entity
    tree once (:meth:`entities`) and keeps it, so that the many authorization
    checks of one request cost one query. A service that changes entities
    calls :meth:`forget_entities`.
    """

    ledger: Ledger
    principal: Principal
    clock: Callable[[], datetime] = field(default=system_clock)
    _entities: list[Entity] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def actor(self) -> str:
        """The username recorded in the audit trail."""
        return self.principal.username

    def now(self) -> datetime:
        return self.clock()

    def entities(self) -> list[Entity]:
        """The ledger's entities, read once per context (a copy of the cached list)."""
        if self._entities is None:
            self._entities = self.ledger.entities()
        return list(self._entities)

    def forget_entities(self) -> None:
        """Drop the cached entity tree (after a service added or changed entities)."""
        self._entities = None
