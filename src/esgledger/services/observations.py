"""Intake use cases: read observations in scope; import files; enter single values.

Files and single values (as a form or an API sends them) go through the same
validation as every import, then one all-or-nothing write. A submitter may
enter values only for the entities of their memberships; adding or changing an
entity needs ``entities.manage`` (managers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import Hint, InputError, NotFoundError, Problem
from esgledger.intake.reader import read_files
from esgledger.intake.tables import OBSERVATION_COLUMNS, Table
from esgledger.intake.validate import ObservationChecker, Progress
from esgledger.model import STATUSES, Entity, ImportBatch, ImportResult, Observation, Period
from esgledger.services.authz import UNKNOWN_ENTITY_HINT, authorize, visible_entities
from esgledger.services.context import Context

__all__ = [
    "FORM_FIELDS",
    "REQUEST",
    "check_filters",
    "enter_values",
    "export_files",
    "import_batch",
    "import_files",
    "list_observations",
    "write_template",
]

#: The ``file`` of the problems of a form or API body.
REQUEST = "request"
#: The fields of one value as a form or API sends it.
FORM_FIELDS = ("entity", "period", "indicator", "value", "unit", "source", "comment")
_REQUIRED = ("entity", "period", "indicator", "value")


def check_filters(
    ctx: Context,
    *,
    entity: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    year: int | None = None,
    status: str | None = None,
) -> None:
    """Refuse a filter that can only match nothing: an unknown (or unseen) entity, an
    unknown indicator, a period that is not ``YYYY``/``YYYY-MM``, a bad year or status
    (a typo would otherwise look like "no data")."""
    if period is not None:
        Period.parse(period)
    if year is not None:
        Period.check_year(year)
    if status is not None and status not in STATUSES:
        raise InputError(
            f"unknown status {status!r}: expected one of {', '.join(STATUSES)}",
            hint=Hint("choose a status", kind="option", name="status"),
        )
    if indicator is not None and indicator not in load_indicators():
        raise NotFoundError(
            f"unknown indicator {indicator!r}",
            hint=Hint("search the indicators", kind="command", name="indicators"),
        )
    if entity is not None:
        authorize(ctx, "data.read", entity)
        if entity not in {e.code for e in ctx.entities()}:
            raise NotFoundError(
                f"unknown entity {entity!r}",
                hint=UNKNOWN_ENTITY_HINT,
            )


def list_observations(
    ctx: Context,
    *,
    entity: str | None = None,
    period: str | None = None,
    indicator: str | None = None,
    status: str | None = None,
    year: int | None = None,
    history: bool = False,
) -> list[Observation]:
    """Observations the user may read (current versions unless ``history``).

    ``period`` matches exactly; ``year`` matches the year and its months.
    """
    check_filters(ctx, entity=entity, indicator=indicator, period=period, year=year, status=status)
    rows = ctx.ledger.observations(entity, period, indicator, year, status=status, history=history)
    if entity is not None:
        return rows
    codes = sorted({o.entity for o in rows})
    mine = set(visible_entities(ctx, "data.read", codes))
    if len(mine) == len(codes):
        return rows
    return [o for o in rows if o.entity in mine]


def _authorize_batch(ctx: Context, batch: ImportBatch) -> None:
    """Every entity a batch writes values for, and every entity it adds or changes."""
    known = {e.code: e for e in ctx.entities()}
    for e in batch.entities:
        old = known.get(e.code)
        if old == e:
            continue
        where = e.code if old is not None else e.parent
        if where is not None and where not in known:
            where = None  # a new subtree: group-wide
        authorize(ctx, "entities.manage", where)
    for code in sorted({o.entity for o in batch.observations}):
        authorize(ctx, "data.enter", code if code in known else _new_parent(batch, code))


def _new_parent(batch: ImportBatch, code: str) -> str | None:
    for e in batch.entities:
        if e.code == code:
            return e.parent
    return None


def import_batch(
    ctx: Context,
    batch: ImportBatch,
    *,
    dry_run: bool = False,
    reason: str | None = None,
    expected_versions: Mapping[tuple[str, str, str], int] | None = None,
) -> ImportResult:
    """Write a validated batch (all or nothing) after checking the user's scope."""
    _authorize_batch(ctx, batch)
    result = ctx.ledger.import_batch(
        batch,
        actor=ctx.actor,
        reason=reason,
        dry_run=dry_run,
        expected_versions=expected_versions,
    )
    if batch.entities and not dry_run:
        ctx.forget_entities()
    if not result.warnings and batch.warnings:
        result = replace(result, warnings=batch.warnings)
    return result


def import_files(
    ctx: Context,
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    reason: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate files and write them in one transaction (all or nothing).

    Raises :class:`~esgledger.errors.InputError` listing every problem (nothing
    written). ``dry_run`` runs every check of a real import, locked periods
    included, and writes nothing. Changes to approved (locked) periods need a
    ``reason``: they become restatements waiting for review and approval.
    """
    from esgledger.services.calc import ledger_factors  # fuels given in energy units need NCVs

    batch = read_files(paths, ctx.entities(), progress=progress, factors=ledger_factors(ctx.ledger))
    return import_batch(ctx, batch, dry_run=dry_run, reason=reason)


def _text(item: Mapping[str, object], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _form_problem(p: Problem) -> Problem:
    field = None if p.row is None or p.column is None else f"observations[{p.row}].{p.column}"
    return replace(p, file=REQUEST, field=field)


def enter_values(
    ctx: Context,
    items: Sequence[Mapping[str, object]],
    *,
    dry_run: bool = False,
    reason: str | None = None,
    expected_versions: Mapping[tuple[str, str, str], int] | None = None,
) -> ImportResult:
    """Enter single values as a form or an API sends them, validated like an import.

    Each item has ``entity, period, indicator, value, unit`` and optionally
    ``source, comment``. All or nothing: problems are :class:`InputError`
    problems with ``file="request"``, ``row`` the item's 0-based index,
    ``column`` the field and ``field`` ``observations[i].name``.
    """
    problems: list[Problem] = []
    if not items:
        problems.append(Problem(REQUEST, None, None, None, "at least one value", "observations"))
    rows: list[tuple[int, list[str]]] = []
    for i, item in enumerate(items):
        unknown = sorted(set(item) - set(FORM_FIELDS))
        for name in unknown:
            problems.append(
                Problem(
                    REQUEST,
                    i,
                    name,
                    _text(item, name)[:50],
                    f"only the fields {', '.join(FORM_FIELDS)}",
                    f"observations[{i}].{name}",
                )
            )
        for name in _REQUIRED:
            if not _text(item, name).strip():
                problems.append(
                    Problem(REQUEST, i, name, None, f"a {name}", f"observations[{i}].{name}")
                )
        rows.append((i, [_text(item, name) for name in OBSERVATION_COLUMNS]))
    if problems:
        raise InputError(problems, what=REQUEST)
    entities: dict[str, Entity] = {e.code: e for e in ctx.entities()}
    warnings: list[Problem] = []
    checker = ObservationChecker(entities, problems, warnings)
    index = {name: k for k, name in enumerate(OBSERVATION_COLUMNS)}
    checker.check(Table(REQUEST, "observations", index, rows))
    if problems:
        raise InputError([_form_problem(p) for p in problems], what=REQUEST)
    batch = ImportBatch(
        entities=(),
        observations=tuple(checker.observations),
        warnings=tuple(_form_problem(w) for w in warnings),
        files=(REQUEST,),
    )
    return import_batch(
        ctx, batch, dry_run=dry_run, reason=reason, expected_versions=expected_versions
    )


class _Scoped:
    """The ledger's read side limited to the entities a user may read (a LedgerReader)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def entities(self) -> list[Entity]:
        every = self._ctx.entities()
        mine = set(visible_entities(self._ctx, "data.read", [e.code for e in every]))
        return [e for e in every if e.code in mine]

    def observations(
        self,
        entity: str | None = None,
        period: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
    ) -> list[Observation]:
        return list_observations(
            self._ctx, entity=entity, period=period, indicator=indicator, year=year
        )


def export_files(ctx: Context, fmt: Literal["csv", "xlsx"], out: str | Path) -> list[Path]:
    """Export the entities and current observations the user may read (the import format)."""
    from esgledger.intake.export import export_ledger

    return export_ledger(_Scoped(ctx), fmt, out)


def write_template(
    ctx: Context,
    entity: str,
    period: str,
    out: str | Path,
    *,
    indicators: Sequence[str] | None = None,
) -> Path:
    """Write the collection workbook of one entity and period (who may read it)."""
    from esgledger.intake.collection import template

    check_filters(ctx, entity=entity, period=period)
    return template(_Scoped(ctx), entity, period, out, indicators=indicators)
