"""Import files into a ledger: validate everything, then write all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from esgledger.intake.reader import read_files
from esgledger.intake.validate import Progress
from esgledger.model import ImportResult, LedgerLike

if TYPE_CHECKING:
    from esgledger.catalog.factors import FactorSet

__all__ = ["LedgerLike", "import_files"]


def import_files(
    ledger: LedgerLike,
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    actor: str,
    reason: str | None = None,
    progress: Progress | None = None,
    factors: FactorSet | None = None,
) -> ImportResult:
    """Validate ``paths`` and write them to ``ledger`` in one transaction (all or nothing).

    Raises :class:`~esgledger.errors.ValidationError` listing every problem
    (nothing written). With ``dry_run`` the ledger runs every check of a real
    import (locked periods included) and writes nothing; the result says what
    would change. Re-importing the same files changes nothing. ``reason``
    makes changes to approved (locked) periods restatements; without it the
    store refuses them with :class:`~esgledger.errors.LockedError`. ``factors``
    (the ledger's, defaults plus user factors) convert fuels given in energy or
    volume and steam given as heat.
    """
    batch = read_files(paths, ledger.entities(), progress=progress, factors=factors)
    result = ledger.import_batch(batch, actor=actor, reason=reason, dry_run=dry_run)
    if not result.warnings and batch.warnings:
        result = replace(result, warnings=batch.warnings)
    return result
