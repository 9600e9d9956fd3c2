"""Scope 3: one calculation method per activity.

An activity is one Scope 3 category of one entity in one year. When it has data
by more than one method, only the best counts — supplier-specific (``.emissions``,
reported by suppliers), then average-data (physical quantities: ``.mass``, ``.tkm``,
``.waste``, ``.pkm``), then spend-based (``.spend``) — so the same purchases are never
counted twice. The other rows stay in the lineage with fraction 0 and the reason.
"""

from __future__ import annotations

import polars as pl

__all__ = ["METHODS", "SUPERSEDED_CODE", "method_of", "one_method_per_activity"]

#: Methods in order of preference (rank 0 wins).
METHODS = ("supplier-specific", "average-data", "spend-based")
#: ``fraction_code`` of a row superseded by a better method (see calc.yearvalue).
SUPERSEDED_CODE = 4


def method_of(indicator: str) -> str:
    """The GHG Protocol Scope 3 calculation method an indicator's data stands for."""
    if indicator.endswith(".emissions"):
        return METHODS[0]
    if indicator.endswith(".spend"):
        return METHODS[2]
    return METHODS[1]


def one_method_per_activity(rows: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (with ``fraction`` and ``q``) where a worse method's rows count 0."""
    s3 = kinds.filter(pl.col("s3cat").is_not_null())
    if s3.height == 0:
        return rows
    ranks = s3.select(
        "ind",
        "s3cat",
        pl.col("indicator")
        .map_elements(lambda i: METHODS.index(method_of(i)), return_dtype=pl.Int32)
        .alias("_rank"),
    )
    tagged = rows.join(ranks, on="ind", how="left", maintain_order="left")
    best = (
        tagged.filter(pl.col("_rank").is_not_null() & (pl.col("fraction") > 0))
        .group_by(["eid", "year", "s3cat"])
        .agg(pl.col("_rank").min().alias("_best"))
    )
    tagged = tagged.join(best, on=["eid", "year", "s3cat"], how="left", maintain_order="left")
    worse = pl.col("_best").is_not_null() & (pl.col("_rank") > pl.col("_best"))
    return tagged.with_columns(
        pl.when(worse).then(0.0).otherwise(pl.col("fraction")).alias("fraction"),
        pl.when(worse).then(0.0).otherwise(pl.col("q")).alias("q"),
        pl.when(worse)
        .then(pl.lit(SUPERSEDED_CODE))
        .otherwise(pl.col("fraction_code"))
        .cast(rows.schema["fraction_code"])
        .alias("fraction_code"),
    ).drop("_rank", "s3cat", "_best")
