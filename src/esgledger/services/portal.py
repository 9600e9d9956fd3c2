"""The portal's own use cases: open the served ledger, search indicators, update one value.

The web adapter never imports :mod:`esgledger.store`; it asks here for the
ledger (an open, migrated :class:`~esgledger.store.Ledger`) and hands it to
each service through :class:`~esgledger.services.context.Context`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from esgledger.errors import NotFoundError, StaleVersionError
from esgledger.model import ImportResult, Observation
from esgledger.services.context import Context

if TYPE_CHECKING:
    from esgledger.catalog.indicators import Indicator
    from esgledger.store.ledger import Ledger

__all__ = ["find_indicators", "get_value", "open_ledger", "update_value"]


def open_ledger(url: str) -> Ledger:
    """Open (and migrate) the ledger at ``url``."""
    from esgledger.store.ledger import Ledger

    return Ledger.open(url)


def find_indicators(ctx: Context, query: str = "") -> list[Indicator]:
    """Catalogue indicators whose code or name contains ``query`` (everyone signed in)."""
    from esgledger.catalog.indicators import find_indicators as find

    return find(query)


def update_value(
    ctx: Context,
    entity: str,
    period: str,
    indicator: str,
    fields: Mapping[str, object],
    *,
    expected_version: int,
    reason: str | None = None,
) -> tuple[ImportResult, Observation]:
    """Change one current value, if it is still at ``expected_version`` (``If-Match``).

    A newer version is :class:`StaleVersionError` naming it; an unknown value
    is :class:`NotFoundError`. Returns the import result and the value after.
    """
    from esgledger.services import observations

    current = _current(ctx, entity, period, indicator)
    if current.version != expected_version:
        raise StaleVersionError(
            f"{entity} {period} {indicator} is at version {current.version}, "
            f"not {expected_version}: reload it and apply your change again",
            current=str(current.version),
        )
    item = {"entity": entity, "period": period, "indicator": indicator, **fields}
    # checked again inside the write transaction: a concurrent edit from the same
    # version gets StaleVersionError (409) instead of overwriting unseen
    result = observations.enter_values(
        ctx,
        [item],
        reason=reason,
        expected_versions={(entity, period, indicator): expected_version},
    )
    return result, _current(ctx, entity, period, indicator)


def get_value(ctx: Context, entity: str, period: str, indicator: str) -> Observation:
    """The current value of one (entity, period, indicator); NotFoundError when none."""
    return _current(ctx, entity, period, indicator)


def _current(ctx: Context, entity: str, period: str, indicator: str) -> Observation:
    from esgledger.services import observations

    found = observations.list_observations(ctx, entity=entity, period=period, indicator=indicator)
    if not found:
        raise NotFoundError(f"no value of {indicator} for {entity} {period}")
    return found[-1]
