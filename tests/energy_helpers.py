"""Shared builders for the energy tests: a ledger with one entity and a few meters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from esgledger.energy.deltas import BATCH_SCHEMA
from esgledger.model import Entity, ImportBatch
from esgledger.services.context import Context, Principal

PLANT = Entity("PLANT", "Plant", "工厂", None, "group", None, "operational", "CN-NM")
OTHER = Entity("OTHER", "Other", "其他", None, "group", None, "operational", "CN-NM")
ELEC = "energy.electricity.purchased"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def context(ledger, principal=None) -> Context:
    return Context(ledger, principal or Principal.local_admin(), clock=lambda: NOW)


def setup(ledger) -> Context:
    ledger.import_batch(ImportBatch((PLANT, OTHER), ()), actor="t")
    ctx = context(ledger)
    from esgledger.services import meters

    meters.add_meter(
        ctx,
        {
            "code": "C",
            "entity": "PLANT",
            "carrier": ELEC,
            "unit": "kWh",
            "kind": "counter",
            "multiplier": "2",
            "rollover": "1000",
        },
    )
    meters.add_meter(ctx, {"code": "I", "entity": "PLANT", "carrier": ELEC, "unit": "kWh"})
    return ctx


def batch(rows) -> pl.DataFrame:
    """rows: (meter, timestamp, value) → a raw batch frame numbered from 0."""
    return pl.DataFrame(
        [(i, m, t, v) for i, (m, t, v) in enumerate(rows)], schema=BATCH_SCHEMA, orient="row"
    )


def day_series(meter: str, day: str, value: float, *, skip=()) -> list[tuple[str, str, str]]:
    """96 interval readings of ``value`` for local ``day`` (interval ends) but ``skip``."""
    start = datetime.fromisoformat(day)
    return [
        (meter, (start + timedelta(minutes=15 * (i + 1))).strftime("%Y-%m-%d %H:%M"), str(value))
        for i in range(96)
        if i not in skip
    ]
