"""One authorization rule: :func:`authorize` (principal, action, scope).

A membership (user, entity, role) covers the entity's subtree; a membership on
:data:`~esgledger.services.context.GROUP` covers the whole ledger. Data outside
every one of a user's memberships is :class:`~esgledger.errors.NotFoundError`
(its existence is not revealed); inside the scope but beyond the role it is
:class:`~esgledger.errors.PermissionDenied`.

The table :data:`ROLE_ACTIONS` is the policy; tests walk it as a matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from esgledger.errors import Hint, NotFoundError, PermissionDenied
from esgledger.services.context import GROUP, Context, Principal, Role

__all__ = [
    "ACTIONS",
    "GLOBAL_READERS",
    "ROLE_ACTIONS",
    "UNKNOWN_ENTITY_HINT",
    "allowed",
    "authorize",
    "covers",
    "visible_entities",
]

#: The hint of every "unknown entity" error: the same whether the entity does not exist
#: or lies outside the user's scope, so that the answer reveals nothing.
UNKNOWN_ENTITY_HINT = Hint("list the entities", kind="command", name="entities")

#: Every action a service may check, with what it lets a user do.
ACTIONS: Final[Mapping[str, str]] = {
    "data.read": "read observations, evidence and comments",
    "data.enter": "enter, import and edit draft values; attach evidence",
    "data.submit": "submit values for review",
    "data.review": "review submitted values",
    "data.approve": "approve reviewed values",
    "data.reject": "send values back to their submitter with a reason",
    "data.comment": "comment on values",
    "period.lock": "lock an approved period",
    "period.unlock": "unlock a locked period",
    "entities.manage": "add and change entities",
    "catalog.manage": "add indicators and factors",
    "calc.compute": "compute and store calculation runs",
    "results.read": "read calculation results, lineage and targets",
    "quality.read": "read data-quality findings",
    "quality.ack": "acknowledge data-quality findings",
    "assess.manage": "run materiality, surveys and keep the climate risk register",
    "report.build": "build and publish reports",
    "campaigns.manage": "open collection campaigns and assign owners",
    "meters.manage": "register meters and monitoring rules",
    "readings.write": "send meter readings",
    "alerts.ack": "acknowledge and close energy alerts",
    "audit.read": "read and verify the audit trail",
    "users.manage": "add, disable and change users, memberships and tokens",
    "settings.manage": "change ledger settings (such as separation of duties)",
}

_READ = frozenset({"data.read", "results.read", "quality.read"})
_MANAGER = frozenset(ACTIONS) - {"users.manage", "settings.manage", "period.unlock"}

ROLE_ACTIONS: Final[Mapping[Role, frozenset[str]]] = {
    "admin": frozenset(ACTIONS),
    "manager": _MANAGER,
    "reviewer": _READ
    | {"data.review", "data.approve", "data.reject", "data.comment", "quality.ack", "alerts.ack"},
    "submitter": _READ | {"data.enter", "data.submit", "data.comment", "readings.write"},
    "viewer": _READ,
    "auditor": _READ | {"audit.read"},
}

#: Roles whose reading is not limited by their memberships' entities.
GLOBAL_READERS: Final[frozenset[Role]] = frozenset({"auditor"})
_READ_ONLY: Final[frozenset[str]] = _READ | {"audit.read"}


def covers(membership_entity: str, entity: str | None, ancestors: Mapping[str, str | None]) -> bool:
    """Whether a membership on ``membership_entity`` covers ``entity`` (``None``: the group)."""
    if membership_entity == GROUP:
        return True
    if entity is None or entity == GROUP:
        return False
    code: str | None = entity
    seen: set[str] = set()
    while code is not None and code not in seen:
        if code == membership_entity:
            return True
        seen.add(code)
        code = ancestors.get(code)
    return False


def allowed(
    principal: Principal,
    action: str,
    entity: str | None,
    parents: Mapping[str, str | None],
) -> bool:
    """Whether ``principal`` may do ``action`` on ``entity`` (``None``: group-wide)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if principal.is_local_admin:
        return True
    for m in principal.memberships:
        if action not in ROLE_ACTIONS[m.role]:
            continue
        if m.role in GLOBAL_READERS and action in _READ_ONLY:
            return True
        if covers(m.entity, entity, parents):
            return True
    return False


def _sees(principal: Principal, entity: str | None, parents: Mapping[str, str | None]) -> bool:
    if principal.is_local_admin or entity is None:
        return True
    return any(
        m.role in GLOBAL_READERS or covers(m.entity, entity, parents) for m in principal.memberships
    )


def authorize(ctx: Context, action: str, entity: str | None = None) -> None:
    """Raise unless ``ctx.principal`` may do ``action`` on ``entity`` (``None``: group-wide).

    Out of every membership's scope: :class:`NotFoundError` (the entity's
    existence is not revealed). In scope but not allowed:
    :class:`PermissionDenied`.
    """
    parents = _parents(ctx)
    if entity is not None and entity != GROUP and not _sees(ctx.principal, entity, parents):
        raise NotFoundError(f"unknown entity {entity!r}")
    if not allowed(ctx.principal, action, entity, parents):
        where = "the group" if entity in (None, GROUP) else f"entity {entity!r}"
        raise PermissionDenied(f"{ctx.principal.username} may not {ACTIONS[action]} for {where}")


def visible_entities(ctx: Context, action: str, codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` on which ``ctx.principal`` may do ``action``."""
    parents = _parents(ctx)
    return [c for c in codes if allowed(ctx.principal, action, c, parents)]


def _parents(ctx: Context) -> dict[str, str | None]:
    if ctx.principal.is_local_admin:
        return {}
    return {e.code: e.parent for e in ctx.entities()}
