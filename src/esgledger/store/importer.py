"""Writing an :class:`~esgledger.model.ImportBatch`: upsert entities, version observations.

Runs inside one transaction opened by :meth:`Ledger.import_batch` (a function of
a Connection: this module knows nothing of the Ledger). Work is done
in bulk: one query preloads the current rows of the touched entities and
periods, new rows go in with one executemany, and the audit trail gets one
event per added or changed entity, one per changed value and one summary; an
import that changes nothing writes nothing at all.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, select, text, update

from esgledger.errors import Hint, InputError, LockedError, StaleVersionError
from esgledger.model import Entity, ImportBatch, ImportResult, Observation, PeriodLock
from esgledger.store.audit import NewEvent, append_events
from esgledger.store.database import bulk_insert
from esgledger.store.identity import ensure_user
from esgledger.store.rows import entity_from_row
from esgledger.store.schema import entities as t_entities
from esgledger.store.schema import observations as t_obs
from esgledger.store.workflow import load_locks
from esgledger.workflow_rules import ALL_ENTITIES, LockSet

_REASON_HINT = Hint("to restate approved figures, give a reason", kind="option", name="reason")

__all__ = ["STRUCTURAL_FIELDS", "write_batch"]

_CHUNK = 20_000  # new rows built and inserted at a time
_IN_LIMIT = 5000  # above this many distinct values, filter in Python instead of SQL IN


def _obs_payload(
    *,
    version: int,
    raw_value: str,
    raw_unit: str,
    value: float,
    unit: str,
    source: str,
    comment: str,
    status: str,
) -> dict[str, Any]:
    return {
        "version": version,
        "raw_value": raw_value,
        "raw_unit": raw_unit,
        "value": value,
        "unit": unit,
        "source": source,
        "comment": comment,
        "status": status,
    }


def _parents_first(new: list[Entity], known: set[str]) -> list[Entity]:
    """New entities ordered so every parent is written before its children."""
    ordered: list[Entity] = []
    placed = set(known)
    pending = list(new)
    while pending:
        ready = [e for e in pending if e.parent is None or e.parent in placed]
        if not ready:
            codes = ", ".join(sorted(f"{e.code} (parent {e.parent})" for e in pending)[:5])
            raise InputError(f"entities with an unknown parent or a parent cycle: {codes}")
        ordered += ready
        placed.update(e.code for e in ready)
        pending = [e for e in pending if e.code not in placed]
    return ordered


def _check_tree(all_entities: dict[str, Entity]) -> None:
    for code in all_entities:
        seen = {code}
        cur = all_entities[code].parent
        while cur is not None:
            if cur in seen:
                raise InputError(f"entity {code!r} would be its own ancestor (parent cycle)")
            seen.add(cur)
            parent = all_entities.get(cur)
            if parent is None:
                raise InputError(f"entity {code!r} has an unknown parent {cur!r}")
            cur = parent.parent


#: Entity fields that change consolidated figures (boundary shares, windows, the tree).
STRUCTURAL_FIELDS = (
    "parent",
    "ownership_pct",
    "control",
    "financial_control",
    "included_from",
    "included_to",
)


def _ancestors(code: str, tree: dict[str, Entity]) -> set[str]:
    out: set[str] = set()
    cur = tree[code].parent if code in tree else None
    while cur is not None and cur not in out:
        out.add(cur)
        cur = tree[cur].parent if cur in tree else None
    return out


def _check_locked_restructure(
    changed: list[tuple[Entity, Entity]],
    current: dict[str, Entity],
    merged: dict[str, Entity],
    locks: list[PeriodLock],
    reason: str | None,
) -> dict[str, list[str]]:
    """Structural entity changes that touch approved figures need a restatement reason.

    A change of parent, ownership, control or inclusion window changes the
    consolidated figures of the entity and of every ancestor; when any of them
    (or the whole group) has a locked period, it is a restatement. Returns the
    locked periods per changed entity (for the audit trail).
    """
    locked_by_entity: dict[str, set[str]] = {}
    for lock in locks:
        locked_by_entity.setdefault(lock.entity, set()).add(lock.period)
    restated: dict[str, list[str]] = {}
    for old, new in changed:
        fields = [f for f in STRUCTURAL_FIELDS if getattr(old, f) != getattr(new, f)]
        if not fields:
            continue
        touched = {new.code, ALL_ENTITIES}
        touched |= _ancestors(new.code, current) | _ancestors(new.code, merged)
        periods = sorted({p for who in touched for p in locked_by_entity.get(who, set())})
        if not periods:
            continue
        if reason is None:
            raise LockedError(
                f"entity {new.code!r}: changing {', '.join(fields)} restates approved, "
                f"locked figures ({', '.join(periods[:5])})",
                hint=_REASON_HINT,
            )
        restated[new.code] = periods
    return restated


def _write_entities(
    conn: Connection, batch_entities: Sequence[Entity], actor: str, reason: str | None
) -> tuple[int, int, int, list[NewEvent]]:
    existing = {r.code: r for r in conn.execute(select(t_entities)).all()}
    current = {code: entity_from_row(r) for code, r in existing.items()}
    added: list[Entity] = []
    changed: list[tuple[Entity, Entity]] = []
    seen: set[str] = set()
    for e in batch_entities:
        if e.code in seen:
            raise InputError(f"entity {e.code!r} appears twice in one import")
        seen.add(e.code)
        old = current.get(e.code)
        if old is None:
            added.append(e)
        elif old != e:
            changed.append((old, e))
    if not added and not changed:
        return 0, 0, len(batch_entities), []
    merged = dict(current)
    merged.update({e.code: e for e in batch_entities})
    _check_tree(merged)
    restated = _check_locked_restructure(changed, current, merged, load_locks(conn), reason)
    events: list[NewEvent] = []
    for e in _parents_first(added, set(current)):
        conn.execute(t_entities.insert().values(**asdict(e)))
        events.append(NewEvent(actor, "entity.add", e.code, {"new": e.as_dict()}))
    for old, e in changed:
        values = asdict(e)
        del values["code"]
        conn.execute(update(t_entities).where(t_entities.c.code == e.code).values(**values))
        payload: dict[str, Any] = {"old": old.as_dict(), "new": e.as_dict()}
        if e.code in restated:
            payload |= {"reason": reason, "restates": restated[e.code]}
        events.append(NewEvent(actor, "entity.update", e.code, payload))
    unchanged = len(batch_entities) - len(added) - len(changed)
    return len(added), len(changed), unchanged, events


def _preload(
    conn: Connection, obs: Sequence[Observation], *, pending: bool = False
) -> dict[tuple[str, str, str], Any]:
    codes = sorted({o.entity for o in obs})
    periods = sorted({o.period for o in obs})
    q = select(
        t_obs.c.id,
        t_obs.c.entity,
        t_obs.c.period,
        t_obs.c.indicator,
        t_obs.c.version,
        t_obs.c.raw_value,
        t_obs.c.raw_unit,
        t_obs.c.value,
        t_obs.c.unit,
        t_obs.c.source,
        t_obs.c.comment,
        t_obs.c.provenance,
        t_obs.c.status,
    ).where(t_obs.c.pending.is_(True) if pending else t_obs.c.is_current.is_(True))
    if len(codes) <= _IN_LIMIT:
        q = q.where(t_obs.c.entity.in_(codes))
    if len(periods) <= _IN_LIMIT:
        q = q.where(t_obs.c.period.in_(periods))
    return {(r.entity, r.period, r.indicator): r for r in conn.execute(q)}


#: The PostgreSQL advisory lock every import holds until its transaction ends.
IMPORT_LOCK = 0x45534749  # "ESGI"


def serialise_imports(conn: Connection) -> None:
    """Make concurrent imports take turns (PostgreSQL; SQLite has one writer anyway).

    Two imports of the same file would both find a row missing and both insert
    version 1; the second then fails on the unique key. With the lock the second
    waits, then sees the first one's rows and changes nothing, as on SQLite.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def write_batch(
    conn: Connection,
    batch: ImportBatch,
    *,
    actor: str,
    reason: str | None,
    expected_versions: Mapping[tuple[str, str, str], int] | None = None,
) -> ImportResult:
    """Apply ``batch`` inside ``conn``'s transaction and return what changed.

    A changed value in an approved, locked period needs ``reason``: it becomes a
    restatement, a new version waiting in ``submitted`` (``pending``) while the
    approved version stays current until the restatement is approved.
    """
    reason = (reason or "").strip() or None
    serialise_imports(conn)
    e_added, e_updated, e_unchanged, events = _write_entities(conn, batch.entities, actor, reason)
    known = {r.code for r in conn.execute(select(t_entities.c.code))}

    obs = batch.observations
    twice = _repeated_key(obs)
    if twice is not None:
        raise InputError(f"observation {'/'.join(twice)} appears twice in one import")
    for o in obs:
        key = (o.entity, o.period, o.indicator)
        if not math.isfinite(o.value):
            raise InputError(f"observation {'/'.join(key)} has a non-finite value {o.value!r}")
        if o.entity not in known:
            raise InputError(f"observation {'/'.join(key)} names an unknown entity {o.entity!r}")
    current = _preload(conn, obs) if obs else {}
    # If-Match, checked after serialise_imports: two edits from the same version cannot
    # both pass (the second sees the first's version), so no update is lost
    for key, want in (expected_versions or {}).items():
        row = current.get(key)
        have = None if row is None else int(row.version)
        if have != want:
            raise StaleVersionError(
                f"{' '.join(key)} is at version {have}, not {want}: "
                "reload it and apply your change again",
                current=str(have),
            )
    lockset = LockSet((lk.entity, lk.period) for lk in load_locks(conn))
    pending = _preload(conn, obs, pending=True) if obs and lockset else {}
    superseded: list[int] = []
    now = datetime.now(UTC)

    # First pass: decide every row (nothing is built per row but an index); second pass:
    # build and insert the new rows a chunk at a time, so memory does not grow with them.
    todo = array("L")
    retire: list[int] = []
    locked_keys: list[tuple[str, str, str]] = []
    change_events: list[NewEvent] = []
    unchanged = 0
    added = 0

    def row_of(o: Observation, version: int, restated: bool) -> dict[str, Any]:
        return {
            "entity": o.entity,
            "period": o.period,
            "indicator": o.indicator,
            "version": version,
            "raw_value": o.raw_value,
            "raw_unit": o.raw_unit,
            "value": float(o.value),
            "unit": o.unit,
            "source": o.source,
            "comment": o.comment,
            "provenance": o.provenance,
            # a restatement waits in submitted; the approved version stays current
            "status": "submitted" if restated else "draft",
            "created_at": now,
            "created_by": actor,
            "submitted_by": actor if restated else None,
            "reviewed_by": None,
            "approved_by": None,
            "is_current": not restated,
            "pending": restated,
            "reason": reason if restated else None,
        }

    for i, o in enumerate(obs):
        key = (o.entity, o.period, o.indicator)
        old = current.get(key)
        waiting = pending.get(key)
        if _same(waiting if waiting is not None else old, o):
            unchanged += 1
            continue
        todo.append(i)
        restated = lockset.covers(o.entity, o.period)
        if restated:
            locked_keys.append(key)
            if waiting is not None:
                superseded.append(int(waiting.id))
        if old is None:
            added += 1
            if restated:
                new = _payload_of(row_of(o, _next_version(None, waiting), True))
                change_events.append(
                    NewEvent(
                        actor,
                        "observation.restate",
                        "/".join(key),
                        {"old": None, "new": new, "reason": reason},
                    )
                )
            continue
        if not restated:
            retire.append(int(old.id))
        payload: dict[str, Any] = {
            "old": _obs_payload(
                version=old.version,
                raw_value=old.raw_value,
                raw_unit=old.raw_unit,
                value=old.value,
                unit=old.unit,
                source=old.source,
                comment=old.comment,
                status=old.status,
            ),
            "new": _payload_of(row_of(o, _next_version(old, waiting), restated)),
        }
        if restated:
            payload["reason"] = reason
        change_events.append(
            NewEvent(
                actor,
                "observation.restate" if restated else "observation.update",
                "/".join(key),
                payload,
            )
        )
    if locked_keys and reason is None:
        first = ", ".join("/".join(k) for k in locked_keys[:5])
        more = f" and {len(locked_keys) - 5} more" if len(locked_keys) > 5 else ""
        raise LockedError(
            f"{len(locked_keys)} value(s) fall in approved, locked periods: {first}{more}; "
            "nothing was written",
            hint=_REASON_HINT,
        )

    if not events and not todo:
        return ImportResult(
            entities_unchanged=e_unchanged,
            observations_unchanged=unchanged,
            warnings=tuple(batch.warnings),
        )
    ensure_user(conn, actor, now=now)
    if superseded:  # a newer restatement replaces the one that was waiting
        conn.execute(update(t_obs).where(t_obs.c.id.in_(superseded)).values(pending=False))
    for i in range(0, len(retire), _IN_LIMIT):
        chunk = retire[i : i + _IN_LIMIT]
        conn.execute(update(t_obs).where(t_obs.c.id.in_(chunk)).values(is_current=False))
    for start in range(0, len(todo), _CHUNK):
        rows = []
        for i in todo[start : start + _CHUNK]:
            o = obs[i]
            k = (o.entity, o.period, o.indicator)
            rows.append(
                row_of(
                    o,
                    _next_version(current.get(k), pending.get(k)),
                    lockset.covers(o.entity, o.period),
                )
            )
        bulk_insert(conn, t_obs, rows)
    updated = len(retire) + sum(1 for k in locked_keys if k in current)
    summary = {
        "files": list(batch.files),
        "entities_added": e_added,
        "entities_updated": e_updated,
        "observations_added": added,
        "observations_updated": updated,
        "observations_unchanged": unchanged,
        "restated": len(locked_keys),
        "reason": reason,
    }
    ref = ", ".join(batch.files) if batch.files else "batch"
    append_events(conn, [*events, *change_events, NewEvent(actor, "import", ref, summary)])
    return ImportResult(
        entities_added=e_added,
        entities_updated=e_updated,
        entities_unchanged=e_unchanged,
        observations_added=added,
        observations_updated=updated,
        observations_unchanged=unchanged,
        warnings=tuple(batch.warnings),
    )


def _repeated_key(obs: Sequence[Observation]) -> tuple[str, str, str] | None:
    """The first (entity, period, indicator) that occurs twice, found with 8 bytes a row.

    Keys are hashed into one int64 array and sorted; only rows whose hash repeats are
    compared as keys, so a file of millions of rows adds no per-row Python objects.
    """
    if len(obs) < 2:
        return None
    hashes = np.fromiter(
        (hash((o.entity, o.period, o.indicator)) for o in obs), dtype=np.int64, count=len(obs)
    )
    ordered = np.sort(hashes)
    clash = set(ordered[1:][ordered[1:] == ordered[:-1]].tolist())
    if not clash:
        return None
    seen: set[tuple[str, str, str]] = set()
    for o, h in zip(obs, hashes.tolist(), strict=True):
        if h in clash:
            key = (o.entity, o.period, o.indicator)
            if key in seen:
                return key
            seen.add(key)
    return None


def _next_version(old: Any, waiting: Any) -> int:
    """The version a changed value gets: after the current one and any restatement waiting."""
    version = 1 if old is None else int(old.version) + 1
    if waiting is not None:
        version = max(version, int(waiting.version) + 1)
    return version


def _same(old: Any, o: Observation) -> bool:
    return old is not None and (
        old.raw_value == o.raw_value
        and old.raw_unit == o.raw_unit
        and old.source == o.source
        and old.comment == o.comment
        and old.provenance == o.provenance
    )


def _payload_of(row: dict[str, Any]) -> dict[str, Any]:
    return _obs_payload(
        version=row["version"],
        raw_value=row["raw_value"],
        raw_unit=row["raw_unit"],
        value=row["value"],
        unit=row["unit"],
        source=row["source"],
        comment=row["comment"],
        status=row["status"],
    )
