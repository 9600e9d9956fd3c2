"""Factor use cases: the user factors imported into a ledger."""

from __future__ import annotations

from collections.abc import Sequence

from esgledger.catalog.factors import Factor
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store.runs import FactorImport
from esgledger.store.runs import factor_overrides as _overrides
from esgledger.store.runs import import_factor_overrides as _import

__all__ = ["factor_overrides", "import_factors"]


def factor_overrides(ctx: Context) -> list[Factor]:
    """The factors imported into this ledger (they override the defaults)."""
    authorize(ctx, "results.read")
    return _overrides(ctx.ledger)


def import_factors(ctx: Context, factors: Sequence[Factor], *, file: str) -> FactorImport:
    """Add or replace user factors (managers: ``catalog.manage``)."""
    authorize(ctx, "catalog.manage")
    return _import(ctx.ledger, list(factors), actor=ctx.actor, file=file)
