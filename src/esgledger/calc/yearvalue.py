"""An entity's value of an indicator for a year: the one rule, used everywhere.

The engine (:mod:`esgledger.calc.engine`), the quality checks
(:mod:`esgledger.quality.checks`), targets (:mod:`esgledger.calc.targets`) and
the report (:mod:`esgledger.report.sources`) all take a year's value from here,
so a report's table, a metric and its ``explain`` lineage count the same rows
the same way.

The rule (docs/methodology.md, "Inclusion windows"):

1. An entity's *inclusion window* is its own ``included_from`` /
   ``included_to`` intersected with those of all its ancestors
   (:func:`inclusion_windows`).
2. Each row counts by the fraction of its period's days inside that window:
   an annual row of an entity divested on 30 June 2024 counts 182/366 of its
   value; a monthly row before an acquisition counts 0; a month cut by the
   window counts by its days (:func:`with_fractions`).
3. When an entity has an annual row and monthly rows of one indicator in one
   year, the annual row is used and the monthly rows count 0 (superseded).
4. The year's value is the sum over the rows of value x fraction, for
   indicators whose aggregation is ``sum`` (quantities, counts). Other
   indicators (ratios, shares, weighted averages) are never prorated or summed
   over months: their year's value is the annual row, counted in full when the
   entity is included on at least one day of the year.
5. An entity with no row inside its window for the year has no value for it
   (it is not in the group that year).

Pure: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from esgledger.errors import EsgError
from esgledger.model import Entity, Observation, Period
from esgledger.units import convert

__all__ = [
    "FAR_FUTURE",
    "FAR_PAST",
    "FRACTION_REASONS",
    "YearValue",
    "inclusion_windows",
    "with_fractions",
    "year_values",
]

FAR_PAST = date(1, 1, 1)
FAR_FUTURE = date(9999, 12, 31)

#: Why a row counts fully, partly or not at all (``fraction_code`` of :func:`with_fractions`).
FRACTION_REASONS = {
    0: "inside the inclusion window",
    1: "outside the inclusion window",
    2: "prorated: {inside} of {days} days inside the inclusion window",
    3: "superseded by the annual row of the same year",
    4: (
        "superseded: this Scope 3 category has data by a better method for the entity and "
        "year (supplier-specific > average-data > spend-based; one method per activity)"
    ),
}

#: values[(indicator, entity, year)]
Key = tuple[str, str, int]


@dataclass(frozen=True)
class YearValue:
    """An entity's value of one indicator for one year, by the rule above."""

    value: float
    unit: str
    annual: bool  # the annual row was used (months, if any, superseded)
    months: int  # monthly rows that count (0 when the annual row is used)
    fraction: float  # of the annual row (1.0 for months: each is prorated on its own)

    @property
    def prorated(self) -> bool:
        return self.annual and self.fraction < 1.0


def inclusion_windows(entities: Iterable[Entity]) -> dict[str, tuple[date, date]]:
    """Each entity's effective inclusion window: its own, intersected with its ancestors'.

    Open ends are :data:`FAR_PAST` / :data:`FAR_FUTURE`. A parent that is not
    among ``entities`` ends the chain; a cycle is walked once (the engine's
    tree building reports it).
    """
    by_code = {e.code: e for e in entities}
    out: dict[str, tuple[date, date]] = {}
    for code, entity in by_code.items():
        lo, hi = entity.included_from or FAR_PAST, entity.included_to or FAR_FUTURE
        seen = {code}
        cur = entity
        while cur.parent and cur.parent in by_code and cur.parent not in seen:
            cur = by_code[cur.parent]
            seen.add(cur.code)
            lo = max(lo, cur.included_from or FAR_PAST)
            hi = min(hi, cur.included_to or FAR_FUTURE)
        out[code] = (lo, hi)
    return out


def with_fractions(
    rows: pl.DataFrame, *, key: tuple[str, str, str] = ("eid", "ind", "year")
) -> pl.DataFrame:
    """Add each row's inclusion fraction and ``q`` = value x fraction (rules 2 and 3).

    ``rows`` has ``year``, ``month`` (0 for an annual row), ``value``, the
    window ``wfrom`` / ``wto`` (dates) and the ``key`` columns (entity,
    indicator, year) that say which rows an annual row supersedes. Added:
    ``period_days``, ``inside_days``, ``fraction``, ``q`` and ``fraction_code``
    (see :data:`FRACTION_REASONS`). Bulk: one pass of polars expressions.
    """
    periods = rows.select("year", "month").unique()
    start = pl.date(pl.col("year"), pl.col("month").clip(lower_bound=1), 1)
    end = (
        pl.when(pl.col("month") == 0)
        .then(pl.date(pl.col("year"), 12, 31))
        .otherwise(start.dt.month_end())
    )
    periods = periods.with_columns(start.alias("_start"), end.alias("_end"))
    rows = rows.join(periods, on=["year", "month"], how="left", maintain_order="left")
    annual = rows.filter(pl.col("month") == 0)
    if annual.height and annual.height < rows.height:
        keys = annual.select(*key).unique().with_columns(pl.lit(True).alias("_annual"))
        rows = rows.join(keys, on=list(key), how="left", maintain_order="left")
    else:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Boolean).alias("_annual"))
    lo = pl.max_horizontal("_start", "wfrom")
    hi = pl.min_horizontal("_end", "wto")
    days = ((pl.col("_end") - pl.col("_start")).dt.total_days() + 1).cast(pl.Int32)
    inside = ((hi - lo).dt.total_days() + 1).clip(lower_bound=0).cast(pl.Int32)
    superseded = (pl.col("month") != 0) & pl.col("_annual").fill_null(False)
    rows = rows.with_columns(days.alias("period_days"), inside.alias("inside_days"))
    fraction = (
        pl.when(superseded).then(0.0).otherwise(pl.col("inside_days") / pl.col("period_days"))
    )
    rows = rows.with_columns(
        fraction.alias("fraction"),
        (pl.col("value") * fraction).alias("q"),
        pl.when(superseded)
        .then(3)
        .when(pl.col("inside_days") == pl.col("period_days"))
        .then(0)
        .when(pl.col("inside_days") == 0)
        .then(1)
        .otherwise(2)
        .cast(pl.Int8)
        .alias("fraction_code"),
    )
    return rows.drop("_start", "_end", "_annual")


def year_values(
    observations: Iterable[Observation],
    entities: Iterable[Entity] | Mapping[str, tuple[date, date]],
    summable: Collection[str],
    *,
    codes: Collection[str] | None = None,
) -> dict[Key, YearValue]:
    """Every (indicator, entity, year)'s value by the rule, from observation rows.

    ``entities`` gives the inclusion windows (or pass :func:`inclusion_windows`'
    result); an entity not among them counts without a window. ``summable``
    holds the indicators whose aggregation is ``sum`` (rule 4); ``codes``
    limits the indicators read. Rows with a bad period are skipped (the
    quality checks report them). Monthly rows are converted to the unit of the
    first row of their entity, indicator and year.
    """
    windows = entities if isinstance(entities, Mapping) else inclusion_windows(entities)
    ids: list[int] = []
    ents: list[str] = []
    inds: list[str] = []
    years: list[int] = []
    months: list[int] = []
    values: list[float] = []
    units: dict[Key, str] = {}
    parsed: dict[str, Period | None] = {}
    for i, obs in enumerate(observations):
        if codes is not None and obs.indicator not in codes:
            continue
        if obs.period not in parsed:
            try:
                parsed[obs.period] = Period.parse(obs.period)
            except EsgError:
                parsed[obs.period] = None
        period = parsed[obs.period]
        if period is None or (period.month is not None and obs.indicator not in summable):
            continue  # rule 4: months of a ratio are not a year's value
        key = (obs.indicator, obs.entity, period.year)
        unit = units.setdefault(key, obs.unit)
        value = obs.value if obs.unit == unit else convert(obs.value, obs.unit, unit)
        ids.append(obs.id if obs.id is not None else i)
        ents.append(obs.entity)
        inds.append(obs.indicator)
        years.append(period.year)
        months.append(period.month or 0)
        values.append(float(value))
    if not ids:
        return {}
    frame = pl.DataFrame(
        {
            "id": ids,
            "entity": ents,
            "indicator": inds,
            "year": years,
            "month": months,
            "value": values,
            "wfrom": [windows.get(e, (FAR_PAST, FAR_FUTURE))[0] for e in ents],
            "wto": [windows.get(e, (FAR_PAST, FAR_FUTURE))[1] for e in ents],
        },
        schema={
            "id": pl.Int64,
            "entity": pl.Utf8,
            "indicator": pl.Utf8,
            "year": pl.Int32,
            "month": pl.Int8,
            "value": pl.Float64,
            "wfrom": pl.Date,
            "wto": pl.Date,
        },
    )
    rows = with_fractions(frame, key=("entity", "indicator", "year"))
    flat = ~pl.col("indicator").is_in(sorted(set(inds) & set(summable)))
    # rule 4: a ratio's annual row counts whole when the entity is in on any day
    rows = rows.with_columns(
        pl.when(flat)
        .then((pl.col("inside_days") > 0).cast(pl.Float64))
        .otherwise(pl.col("fraction"))
        .alias("fraction")
    ).with_columns((pl.col("value") * pl.col("fraction")).alias("q"))
    sums = (
        rows.sort("id")  # a fixed summation order, as in the engine
        .group_by(["indicator", "entity", "year"], maintain_order=True)
        .agg(
            pl.col("q").sum(),
            (pl.col("inside_days") > 0).any().alias("inside"),
            (pl.col("month") == 0).any().alias("annual"),
            ((pl.col("month") != 0) & (pl.col("fraction") > 0)).sum().alias("months"),
            pl.col("fraction").filter(pl.col("month") == 0).first().alias("annual_fraction"),
        )
        .filter(pl.col("inside"))  # rule 5
    )
    out: dict[Key, YearValue] = {}
    for ind, ent, year, q, _inside, annual, n_months, frac in sums.iter_rows():
        key = (ind, ent, int(year))
        out[key] = YearValue(
            value=float(q),
            unit=units[key],
            annual=bool(annual),
            months=0 if annual else int(n_months),
            fraction=float(frac) if frac is not None else 1.0,
        )
    return out
