"""Import files into a ledger: validate everything, then write all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from esgledger.intake.reader import read_files
from esgledger.intake.validate import Progress
from esgledger.model import Entity, ImportBatch, ImportResult, LedgerLike, Observation

__all__ = ["LedgerLike", "diff_batch", "import_files"]


def _same(a: Observation, b: Observation) -> bool:
    return (a.raw_value, a.raw_unit, a.source, a.comment) == (
        b.raw_value,
        b.raw_unit,
        b.source,
        b.comment,
    )


def diff_batch(
    batch: ImportBatch, entities: Sequence[Entity], observations: Iterable[Observation]
) -> ImportResult:
    """What writing ``batch`` would change, given the ledger's current rows (for --dry-run).

    An observation is unchanged when its raw value, raw unit, source and
    comment equal the current version's; otherwise it would be a new version.
    """
    current_e = {e.code: e for e in entities}
    current_o = {(o.entity, o.period, o.indicator): o for o in observations}
    ea = eu = ec = oa = ou = oc = 0
    for e in batch.entities:
        old_e = current_e.get(e.code)
        if old_e is None:
            ea += 1
        elif old_e == e:
            ec += 1
        else:
            eu += 1
    for o in batch.observations:
        old_o = current_o.get((o.entity, o.period, o.indicator))
        if old_o is None:
            oa += 1
        elif _same(old_o, o):
            oc += 1
        else:
            ou += 1
    return ImportResult(
        entities_added=ea,
        entities_updated=eu,
        entities_unchanged=ec,
        observations_added=oa,
        observations_updated=ou,
        observations_unchanged=oc,
        warnings=batch.warnings,
        dry_run=True,
    )


def import_files(
    ledger: LedgerLike,
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    actor: str,
    reason: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate ``paths`` and write them to ``ledger`` in one transaction (all or nothing).

    Raises :class:`~esgledger.errors.ValidationError` listing every problem
    (nothing written). With ``dry_run`` nothing is written and the result says
    what would change. Re-importing the same files changes nothing. ``reason``
    makes changes to approved (locked) periods restatements; without it the
    store refuses them with :class:`~esgledger.errors.LockedError`.
    """
    known = ledger.entities()
    batch = read_files(paths, known, progress=progress)
    if dry_run:
        return diff_batch(batch, known, ledger.observations())
    result = ledger.import_batch(batch, actor=actor, reason=reason)
    if not result.warnings and batch.warnings:
        result = replace(result, warnings=batch.warnings)
    return result
