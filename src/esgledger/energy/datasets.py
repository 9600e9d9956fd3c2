"""Energy figures per entity and the monitoring-system data items, from meter rollups.

An entity's consumption of a carrier is the sum of its **root** meters (those
without a parent): sub-meters measure part of their parent and would count
twice. Standard coal equivalents use the conversion coefficients given by the
caller (the catalogue's GB/T 2589-2020 values, equivalent value for
electricity); total comprehensive energy is the sum over carriers.

:func:`data_items` lays the figures out as the daily and monthly data items a
provincial online monitoring system for key energy-consuming units asks for
(see docs/energy.md for the public sources and for what is *not* claimed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from esgledger.energy.meters import Meter
from esgledger.energy.rollups import expected_readings
from esgledger.units import convert

__all__ = ["ITEMS", "Coefficient", "carrier_totals", "data_items", "to_tce"]


@dataclass(frozen=True)
class Coefficient:
    """Standard coal per unit of a carrier: ``value`` kgce per ``unit``, from ``source``."""

    value: float
    unit: str
    source: str


#: Data item code → (English, Chinese, unit).
ITEMS: Mapping[str, tuple[str, str, str]] = {
    "consumption": ("consumption of the energy carrier", "分品种能源消费量", ""),
    "consumption_tce": ("consumption in standard coal", "折标准煤量", "tce"),
    "total_tce": ("total comprehensive energy consumption", "综合能源消费量", "tce"),
    "output": ("output of the main product", "主要产品产量", "t"),
    "intensity": ("comprehensive energy per unit of product", "单位产品综合能耗", "kgce/t"),
    "completeness": ("data completeness", "数据完整率", "%"),
}


def carrier_totals(rollups: pl.DataFrame, meters: Mapping[str, Meter]) -> pl.DataFrame:
    """``entity, carrier, unit, bucket, total, readings, expected, meters`` from meter rollups.

    Only root meters count; ``expected`` is the intervals the bucket holds for
    those meters together (for completeness).
    """
    roots = {c: m for c, m in meters.items() if m.parent is None}
    frame = rollups.filter(pl.col("meter").is_in(list(roots)))
    if frame.height == 0:
        return pl.DataFrame(
            schema={
                "entity": pl.String,
                "carrier": pl.String,
                "unit": pl.String,
                "bucket": pl.String,
                "total": pl.Float64,
                "readings": pl.Int64,
                "expected": pl.Int64,
                "meters": pl.List(pl.String),
            }
        )
    rows = []
    for meter, bucket, total, readings in frame.select(
        "meter", "bucket", "total", "readings"
    ).iter_rows():
        m = roots[meter]
        rows.append(
            (
                m.entity,
                m.carrier,
                m.unit,
                bucket,
                meter,
                total,
                readings,
                expected_readings(m, bucket),
            )
        )
    per = pl.DataFrame(
        rows,
        schema=["entity", "carrier", "unit", "bucket", "meter", "total", "readings", "expected"],
        orient="row",
    )
    return (
        per.group_by(["entity", "carrier", "unit", "bucket"])
        .agg(
            pl.col("total").sum(),
            pl.col("readings").sum(),
            pl.col("expected").sum(),
            pl.col("meter").sort().alias("meters"),
        )
        .sort(["entity", "bucket", "carrier"])
    )


def to_tce(total: float, unit: str, coefficient: Coefficient) -> float:
    """``total`` (in ``unit``) in tonnes of standard coal."""
    denominator = coefficient.unit.split("/", 1)[1]
    return convert(total, unit, denominator) * coefficient.value / 1000.0


def data_items(
    totals: pl.DataFrame,
    coefficients: Mapping[str, Coefficient],
    *,
    output: Mapping[tuple[str, str], float] | None = None,
) -> list[dict[str, Any]]:
    """The data items of each entity and bucket (day or month) in ``totals``.

    ``output`` maps (entity, bucket) to the main product's output in tonnes;
    without it, output and intensity are left out (never guessed).
    """
    output = output or {}
    items: list[dict[str, Any]] = []
    keys = totals.select("entity", "bucket").unique().sort(["entity", "bucket"]).iter_rows()
    for entity, bucket in keys:
        part = totals.filter((pl.col("entity") == entity) & (pl.col("bucket") == bucket))
        tce = 0.0
        readings = expected = 0
        missing: list[str] = []
        for carrier, unit, total, n, exp in part.select(
            "carrier", "unit", "total", "readings", "expected"
        ).iter_rows():
            readings += n
            expected += exp
            items.append(_item(entity, bucket, "consumption", total, unit, carrier=carrier))
            coefficient = coefficients.get(carrier)
            if coefficient is None:
                missing.append(carrier)
                continue
            t = to_tce(total, unit, coefficient)
            tce += t
            items.append(
                _item(
                    entity,
                    bucket,
                    "consumption_tce",
                    t,
                    "tce",
                    carrier=carrier,
                    note=f"{coefficient.value} {coefficient.unit} ({coefficient.source})",
                )
            )
        note = f"carriers without a coefficient left out: {', '.join(missing)}" if missing else ""
        items.append(_item(entity, bucket, "total_tce", tce, "tce", note=note))
        out_t = output.get((entity, bucket))
        if out_t:
            items.append(_item(entity, bucket, "output", out_t, "t"))
            items.append(_item(entity, bucket, "intensity", tce * 1000.0 / out_t, "kgce/t"))
        share = 100.0 * readings / expected if expected else 0.0
        items.append(_item(entity, bucket, "completeness", round(share, 2), "%"))
    return items


def _item(
    entity: str,
    bucket: str,
    code: str,
    value: float,
    unit: str,
    *,
    carrier: str = "",
    note: str = "",
) -> dict[str, Any]:
    en, zh, _ = ITEMS[code]
    return {
        "entity": entity,
        "period": bucket,
        "frequency": "daily" if len(bucket) == 10 else "monthly",
        "item": code,
        "carrier": carrier,
        "name_en": en,
        "name_zh": zh,
        "value": value,
        "unit": unit,
        "note": note,
    }
