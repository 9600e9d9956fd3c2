"""Read and validate interchange files into one :class:`~esgledger.model.ImportBatch`."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from esgledger.errors import Problem, ValidationError
from esgledger.intake.tables import ReadError, open_tables
from esgledger.intake.validate import ObservationChecker, Progress, check_entities, check_tree
from esgledger.model import Entity, ImportBatch

if TYPE_CHECKING:
    from esgledger.catalog.factors import FactorSet

__all__ = ["read_files"]


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def read_files(
    paths: Iterable[str | Path],
    known_entities: Iterable[Entity] = (),
    *,
    progress: Progress | None = None,
    factors: FactorSet | None = None,
) -> ImportBatch:
    """Read ``entities.csv``/``observations.csv`` files or XLSX workbooks and validate them.

    ``known_entities`` are the ledger's entities (observations may refer to
    them; the file's rows replace them). Raises one
    :class:`~esgledger.errors.ValidationError` listing every problem; returns
    the batch, with warnings, when there is none. Rows whose value cell is
    empty are "not reported": they are skipped with one warning per file.
    ``factors`` (default: the packaged defaults) bridge fuels given in energy
    or volume and steam given as heat (:mod:`esgledger.intake.bridge`); each
    conversion is reported as a warning naming the factor.
    """
    paths = [Path(p) for p in paths]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not paths:
        raise ValidationError([Problem("(no files)", None, None, None, "at least one file")])
    tables = open_tables(paths, problems)
    # Reading allocates millions of short-lived, acyclic objects; the cyclic
    # collector would rescan the growing result again and again (3x slower for
    # a 100,000-row workbook), so it is paused while reading.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        known = {e.code: e for e in known_entities}
        seen: dict[str, tuple[str, int]] = {}
        rows: list[tuple[str, int, Entity]] = []
        for table in tables:
            if table.kind != "entities":
                continue
            try:
                rows += check_entities(table, problems, seen, warnings)
            except ReadError as exc:
                problems.append(exc.problem)
        rejected = set(seen) - {e.code for _, _, e in rows}
        check_tree(rows, known, problems, rejected)
        entities = dict(known)
        entities.update({e.code: e for _, _, e in rows})
        checker = ObservationChecker(
            entities,
            problems,
            warnings,
            progress=progress,
            rejected=frozenset(rejected),
            factors=factors,
        )
        for table in tables:
            if table.kind != "observations":
                continue
            try:
                checker.check(table)
            except ReadError as exc:
                problems.append(exc.problem)
    finally:
        if gc_was_enabled:
            gc.enable()
        for table in tables:
            table.close()
    if problems:
        order = {t: i for i, t in enumerate(dict.fromkeys(p.file for p in problems))}
        problems.sort(key=lambda p: (order[p.file], p.row or 0))
        raise ValidationError(problems, what="import")
    for file, skipped in checker.skipped.items():
        warnings.append(
            Problem(
                file,
                None,
                "value",
                None,
                f"a value to import a row; {len(skipped)} "
                f"row{'s' if len(skipped) != 1 else ''} without one skipped as not reported "
                f"(rows {_rows_text(skipped)})",
            )
        )
    by_note: dict[tuple[str, str], list[int]] = {}
    for file, row, note in checker.conversions:
        by_note.setdefault((file, note), []).append(row)
    for (file, note), rows_converted in by_note.items():
        warnings.append(
            Problem(file, None, "unit", None, f"{note}: rows {_rows_text(rows_converted)}")
        )
    return ImportBatch(
        entities=tuple(e for _, _, e in rows),
        observations=tuple(checker.observations),
        warnings=tuple(warnings),
        files=tuple(Path(p).name for p in paths),  # names, not paths: the audit trail keeps them
    )
