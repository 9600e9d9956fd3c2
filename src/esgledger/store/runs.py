"""Repository for calculation runs, their results and user factor overrides.

The engine (:mod:`esgledger.calc`) never touches the database; this module
stores what it returns and reads back what users imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, select

from esgledger.calc.result import LINEAGE_FORMAT, MetricValue, RunResult
from esgledger.catalog.factors import Factor
from esgledger.errors import Hint, NotFoundError
from esgledger.store.handle import LedgerHandle as Ledger
from esgledger.store.rows import check_actor, check_widths, from_row
from esgledger.store.schema import audit_events, audit_head
from esgledger.store.schema_calc import calc_factor_overrides, calc_results, calc_runs
from esgledger.store.schema_lineage import calc_run_lineage

__all__ = [
    "FactorImport",
    "RunInfo",
    "StoredRun",
    "audit_actions_since",
    "factor_overrides",
    "find_run",
    "import_factor_overrides",
    "ledger_stamp",
    "list_runs",
    "load_run",
    "run_values",
    "save_run",
]


@dataclass(frozen=True)
class RunInfo:
    """One stored calculation run."""

    id: int
    created_at: str
    actor: str
    boundary: str
    gwp: str
    periods: str
    inputs_hash: str
    factor_version: str
    code_version: str
    result_hash: str
    n_values: int


@dataclass(frozen=True)
class StoredRun:
    """A stored run with its lineage: what ``explain`` reads instead of recomputing."""

    info: RunInfo
    ledger_stamp: int  # the audit head seq when the run read the ledger
    steam_method: str
    result: RunResult
    #: (action, events, last time) of the audit events since ``ledger_stamp``
    actions_since: list[tuple[str, int, str]]


@dataclass(frozen=True)
class FactorImport:
    """What a factor import changed."""

    added: int
    updated: int
    unchanged: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def save_run(ledger: Ledger, result: RunResult, *, actor: str, reuse: bool = False) -> int:
    """Store ``result`` (run metadata and every value) in one transaction; return the run id.

    With ``reuse``, a stored run of the same inputs, options, factor and code
    versions and the same results is returned instead of storing it again (so
    re-running the demo changes nothing).
    """
    check_actor(actor)
    canonical = result.to_json()
    result_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    periods = result.options.get("periods")
    periods_text = ",".join(str(p) for p in periods) if isinstance(periods, list) else ""
    with ledger.transaction() as conn:
        if reuse:
            same = conn.execute(
                select(calc_runs.c.id)
                .where(
                    calc_runs.c.boundary == result.boundary,
                    calc_runs.c.gwp == result.gwp,
                    calc_runs.c.periods == periods_text,
                    calc_runs.c.inputs_hash == result.inputs_hash,
                    calc_runs.c.factor_version == result.factor_version,
                    calc_runs.c.code_version == result.code_version,
                    calc_runs.c.result_hash == result_hash,
                )
                .order_by(calc_runs.c.id)
                .limit(1)
            ).scalar_one_or_none()
            if same is not None:
                # same inputs and results as of now: the run is current at today's stamp
                conn.execute(
                    calc_run_lineage.update()
                    .where(calc_run_lineage.c.run_id == same)
                    .values(ledger_stamp=_head_seq(conn))
                )
                return int(same)
        stamp = _head_seq(conn)
        run_id = conn.execute(
            calc_runs.insert()
            .values(
                created_at=_now(),
                actor=actor,
                boundary=result.boundary,
                gwp=result.gwp,
                periods=periods_text,
                inputs_hash=result.inputs_hash,
                factor_version=result.factor_version,
                code_version=result.code_version,
                result_hash=result_hash,
                n_values=len(result.values),
            )
            .returning(calc_runs.c.id)
        ).scalar_one()
        rows = [
            {
                "run_id": run_id,
                "metric": v.metric,
                "entity": v.entity,
                "period": v.period,
                "value": v.value,
                "unit": v.unit,
                "lineage_ref": v.lineage_ref,
            }
            for v in result.values
        ]
        for start in range(0, len(rows), 5000):
            conn.execute(calc_results.insert(), rows[start : start + 5000])
        conn.execute(
            calc_run_lineage.insert().values(
                run_id=run_id,
                ledger_stamp=stamp,
                steam_method=str(result.options.get("steam_method", "enthalpy")),
                format=LINEAGE_FORMAT,
                lineage=result.to_lineage(),
            )
        )
        ledger.append_audit(
            conn,
            actor=actor,
            action="calc.run",
            ref=str(run_id),
            payload={
                "boundary": result.boundary,
                "gwp": result.gwp,
                "inputs_hash": result.inputs_hash,
                "factor_version": result.factor_version,
                "result_hash": result_hash,
                "statuses": result.options.get("statuses", {}),
            },
        )
    return int(run_id)


def _head_seq(conn: Connection) -> int:
    seq = conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).scalar()
    return int(seq or 0)


def ledger_stamp(ledger: Ledger) -> int:
    """The ledger's change stamp now: the audit trail's head ``seq``."""
    with ledger.read() as conn:
        return _head_seq(conn)


def _actions_since(conn: Connection, seq: int) -> list[tuple[str, int, str]]:
    t = audit_events
    rows = conn.execute(
        select(t.c.action, func.count(), func.max(t.c.at))
        .where(t.c.seq > seq)
        .group_by(t.c.action)
        .order_by(t.c.action)
    ).all()
    return [(str(a), int(n), str(at)) for a, n, at in rows]


def audit_actions_since(ledger: Ledger, seq: int) -> list[tuple[str, int, str]]:
    """(action, events, last time) of the audit events after ``seq``, by action."""
    with ledger.read() as conn:
        return _actions_since(conn, seq)


def _stored(conn: Connection, run_id: int) -> StoredRun:
    lin_t = calc_run_lineage
    row = conn.execute(
        select(
            calc_runs, lin_t.c.ledger_stamp, lin_t.c.steam_method, lin_t.c.format, lin_t.c.lineage
        )
        .select_from(calc_runs.outerjoin(lin_t, lin_t.c.run_id == calc_runs.c.id))
        .where(calc_runs.c.id == run_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no calculation run {run_id}")
    fields = dict(row._mapping)
    stamp, steam, fmt, blob = (
        fields.pop(k) for k in ("ledger_stamp", "steam_method", "format", "lineage")
    )
    if blob is None or fmt != LINEAGE_FORMAT:
        raise NotFoundError(
            f"calculation run {run_id} has no stored lineage (it was stored by an older esgledger)",
            hint=Hint("compute the run again", kind="command", name="compute"),
        )
    return StoredRun(
        info=RunInfo(**fields),
        ledger_stamp=int(stamp),
        steam_method=str(steam),
        result=RunResult.from_lineage(bytes(blob)),
        actions_since=_actions_since(conn, int(stamp)),
    )


def find_run(
    ledger: Ledger, *, boundary: str, gwp: str, steam_method: str, year: int
) -> StoredRun | None:
    """The latest stored run with lineage of these options that computed ``year``."""
    r, lin = calc_runs, calc_run_lineage
    with ledger.read() as conn:
        rows = conn.execute(
            select(r.c.id, r.c.periods)
            .join(lin, lin.c.run_id == r.c.id)
            .where(
                r.c.boundary == boundary,
                r.c.gwp == gwp,
                lin.c.steam_method == steam_method,
                lin.c.format == LINEAGE_FORMAT,
            )
            .order_by(r.c.id.desc())
        ).all()
        for run_id, periods in rows:
            if not periods or str(year) in str(periods).split(","):
                return _stored(conn, int(run_id))
    return None


def load_run(ledger: Ledger, run_id: int) -> StoredRun:
    """Run ``run_id`` with its lineage; NotFoundError if there is none."""
    with ledger.read() as conn:
        return _stored(conn, run_id)


def list_runs(ledger: Ledger) -> list[RunInfo]:
    """Stored runs, oldest first."""
    with ledger.read() as conn:
        rows = conn.execute(select(calc_runs).order_by(calc_runs.c.id)).all()
    return [RunInfo(**dict(r._mapping)) for r in rows]


def run_values(ledger: Ledger, run_id: int | None = None) -> list[MetricValue]:
    """The values of run ``run_id`` (default: the latest run), sorted by metric, entity, period."""
    with ledger.read() as conn:
        if run_id is None:
            run_id = conn.execute(select(func.max(calc_runs.c.id))).scalar()
            if run_id is None:
                raise NotFoundError("no calculation run yet", hint="run: esgledger compute")
        run = conn.execute(select(calc_runs).where(calc_runs.c.id == run_id)).first()
        if run is None:
            raise NotFoundError(f"no calculation run {run_id}")
        rows = conn.execute(
            select(calc_results)
            .where(calc_results.c.run_id == run_id)
            .order_by(calc_results.c.metric, calc_results.c.entity, calc_results.c.period)
        ).all()
    return [
        MetricValue(r.metric, r.entity, r.period, run.boundary, r.value, r.unit, r.lineage_ref)
        for r in rows
    ]


def factor_overrides(ledger: Ledger) -> list[Factor]:
    """Every user factor imported into this ledger."""
    with ledger.read() as conn:
        rows = conn.execute(
            select(calc_factor_overrides).order_by(calc_factor_overrides.c.factor_id)
        ).all()
    return [from_row(Factor, r, table=r.table_ref, origin="user") for r in rows]


def import_factor_overrides(
    ledger: Ledger, factors: Sequence[Factor], *, actor: str, file: str
) -> FactorImport:
    """Add or replace user factors (keyed by factor id) in one audited transaction."""
    check_actor(actor)
    check_widths(calc_factor_overrides, [_factor_texts(f) for f in factors], file=file, key="id")
    added = updated = unchanged = 0
    current = {f.id: f for f in factor_overrides(ledger)}
    with ledger.transaction() as conn:
        changed = []
        for f in factors:
            old = current.get(f.id)
            if old is not None and _same(old, f):
                unchanged += 1
                continue
            if old is not None:
                conn.execute(
                    delete(calc_factor_overrides).where(calc_factor_overrides.c.factor_id == f.id)
                )
                updated += 1
            else:
                added += 1
            conn.execute(
                calc_factor_overrides.insert().values(
                    factor_id=f.id,
                    kind=f.kind,
                    subject=f.subject,
                    region=f.region,
                    entity=f.entity,
                    year_from=f.year_from,
                    year_to=f.year_to,
                    value=f.value,
                    unit=f.unit,
                    source=f.source,
                    edition=f.edition,
                    table_ref=f.table,
                    confidence=f.confidence,
                    note=f.note,
                    imported_at=_now(),
                    imported_by=actor,
                    file=file,
                )
            )
            changed.append({"id": f.id, "value": f.value, "unit": f.unit, "old": old and old.value})
        if changed:
            ledger.append_audit(
                conn, actor=actor, action="factors.import", ref=file, payload=changed
            )
    return FactorImport(added, updated, unchanged)


def _factor_texts(f: Factor) -> dict[str, str]:
    """The text columns of a factor's row, for :func:`check_widths` (``id`` names it)."""
    return {
        "id": f.id,
        "factor_id": f.id,
        "kind": f.kind,
        "subject": f.subject,
        "region": f.region,
        "entity": f.entity,
        "unit": f.unit,
        "confidence": f.confidence,
    }


def _same(a: Factor, b: Factor) -> bool:
    keys = ("value", "unit", "source", "edition", "table", "confidence", "note")
    return all(getattr(a, k) == getattr(b, k) for k in keys)
