"""The calculation engine: observations, entities and factors in; metrics with lineage out.

Pure: no database, no files. The maths runs in bulk on polars frames:

1. observations become a row frame: integer keys for entity, indicator, year
   and month, the inclusion fraction of each row and ``q`` = value x fraction
   (:func:`esgledger.calc.yearvalue.with_fractions`, the rule every other
   part of esgledger uses for a year's value);
2. each distinct (factor group, year, indicator) gets its coefficients from
   the factor library (:mod:`esgledger.calc.sources`) — a small Python loop
   over distinct keys (a few thousand at most), never over rows;
3. ``q`` is summed per (entity, year, indicator); the coefficients multiply
   those sums (contributions are linear in ``q``), giving per-source tce, CO2,
   CH4, N2O, process, Scope 2 and Scope 3 figures;
4. sums per entity and year are consolidated over the entity tree with the
   boundary's shares (a closure-table join), then derived metrics follow.

The row frame and the coefficient table are kept in the result: that is the
lineage, from which :meth:`RunResult.explain` rebuilds every contribution.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from functools import lru_cache

import polars as pl

import esgledger
from esgledger.calc.boundary import Boundary, Tree, build_tree
from esgledger.calc.formula import Value, evaluate
from esgledger.calc.metrics import GJ_PER_TCE, INTENSITIES, METRICS
from esgledger.calc.result import RunResult
from esgledger.calc.scope3 import one_method_per_activity
from esgledger.calc.sources import (
    COEF_COLUMNS,
    Coefficients,
    MissingFactor,
    SourceClass,
    classify,
    resolve,
)
from esgledger.calc.yearvalue import with_fractions
from esgledger.catalog.factors import FactorSet, Selection, load_factors, normalize_region
from esgledger.errors import CalcError, EsgError, InputError, Problem
from esgledger.model import Entity, Observation, Period

__all__ = ["GWP_SETS", "compute", "observations_frame"]

GWP_SETS = ("AR6", "AR5", "AR4")
_OPTIONAL = {
    "unit": pl.Utf8,
    "raw_value": pl.Utf8,
    "raw_unit": pl.Utf8,
    "source": pl.Utf8,
    "provenance": pl.Utf8,
}
_SUMS = (
    "tce",
    "tce_eq",
    "feed_tce",
    "export_tce",
    "renew_tce",
    "co2",
    "ch4",
    "n2o",
    "ch4e",
    "n2oe",
    "process",
    "co2_all",
    "s1",
    "s1_stationary",
    "s1_mobile",
    "s2loc",
    "s2mkt_elec",
    "s2mkt_heat",
    "s3",
    "reo",
    "hfcs",
    "pfcs",
    "sf6",
    "nf3",
    "fugitive",
    "green_tce",
    "elec_tce",
)


# tCO2e per tonne of a directly emitted non-CO2 gas (its GWP), summed over the groups
_GAS_E = (
    pl.col("c_g_ch4")
    + pl.col("c_g_n2o")
    + pl.col("c_g_hfcs")
    + pl.col("c_g_pfcs")
    + pl.col("c_g_sf6")
    + pl.col("c_g_nf3")
)


def observations_frame(observations: Sequence[Observation] | pl.DataFrame) -> pl.DataFrame:
    """Observations as a frame with the columns the engine reads."""
    if isinstance(observations, pl.DataFrame):
        df = observations
        missing = [c for c in ("entity", "period", "indicator", "value") if c not in df.columns]
        if missing:
            raise CalcError(f"observation frame lacks column(s): {', '.join(missing)}")
        if "id" not in df.columns:
            df = df.with_row_index("id").with_columns(pl.col("id").cast(pl.Int64))
        for col, dtype in _OPTIONAL.items():
            if col not in df.columns:
                df = df.with_columns(pl.lit("", dtype=dtype).alias(col))
    else:
        df = pl.DataFrame(
            {
                "id": [o.id if o.id is not None else i for i, o in enumerate(observations)],
                "entity": [o.entity for o in observations],
                "period": [o.period for o in observations],
                "indicator": [o.indicator for o in observations],
                "value": [float(o.value) for o in observations],
                "unit": [o.unit for o in observations],
                "raw_value": [o.raw_value for o in observations],
                "raw_unit": [o.raw_unit for o in observations],
                "source": [o.source for o in observations],
                "provenance": [o.provenance for o in observations],
            },
            schema={
                "id": pl.Int64,
                "entity": pl.Utf8,
                "period": pl.Utf8,
                "indicator": pl.Utf8,
                "value": pl.Float64,
                "unit": pl.Utf8,
                "raw_value": pl.Utf8,
                "raw_unit": pl.Utf8,
                "source": pl.Utf8,
                "provenance": pl.Utf8,
            },
        )
    return df.select(
        pl.col("id").cast(pl.Int64),
        pl.col("entity").cast(pl.Utf8),
        pl.col("period").cast(pl.Utf8),
        pl.col("indicator").cast(pl.Utf8),
        pl.col("value").cast(pl.Float64),
        *[pl.col(c).cast(pl.Utf8).fill_null("") for c in _OPTIONAL],
    )


def _entities_frame(tree: Tree, override_entities: frozenset[str]) -> pl.DataFrame:
    """Per entity: region, override key, factor group id and inclusion window."""
    codes = sorted(tree.entities)
    regions = [normalize_region(tree.entities[c].region) for c in codes]
    ekeys = [c if c in override_entities else "" for c in codes]
    groups = {pair: i for i, pair in enumerate(sorted(set(zip(ekeys, regions, strict=True))))}
    return pl.DataFrame(
        {
            "entity": codes,
            "eid": list(range(len(codes))),
            "region": regions,
            "ekey": ekeys,
            "grp": [groups[pair] for pair in zip(ekeys, regions, strict=True)],
            "wfrom": [tree.windows[c][0] for c in codes],
            "wto": [tree.windows[c][1] for c in codes],
        },
        schema={
            "entity": pl.Utf8,
            "eid": pl.Int32,
            "region": pl.Utf8,
            "ekey": pl.Utf8,
            "grp": pl.Int32,
            "wfrom": pl.Date,
            "wto": pl.Date,
        },
    )


def _gwp(factors: FactorSet, gwp: str) -> tuple[Selection, Selection]:
    out = []
    for gas in ("CH4", "N2O"):
        sel = factors.select("gwp", (f"{gwp}.{gas}",), entity="", region="", year=0)
        if sel is None:
            raise CalcError(f"unknown GWP set {gwp!r}", hint=f"use one of: {', '.join(GWP_SETS)}")
        out.append(sel)
    return out[0], out[1]


def _parse_periods(obs: pl.DataFrame) -> pl.DataFrame:
    """Add ``year`` and ``month`` (0 for an annual row); parsed once per distinct period."""
    years: dict[str, int] = {}
    months: dict[str, int] = {}
    bad: list[str] = []
    for text in obs["period"].unique().to_list():
        try:
            period = Period.parse(text)
        except EsgError:
            bad.append(text)
            continue
        if period.is_annual != (len(text) == 4):  # e.g. ' 2024'
            bad.append(text)
            continue
        years[text] = period.year
        months[text] = period.month or 0
    if bad:
        sample = ", ".join(repr(p) for p in sorted(bad)[:5])
        raise CalcError(f"bad period(s) in observations: {sample}; expected YYYY or YYYY-MM")
    if not years:  # no rows: replace_strict with an empty mapping ignores return_dtype
        return obs.with_columns(
            pl.lit(None, dtype=pl.Int32).alias("year"), pl.lit(None, dtype=pl.Int8).alias("month")
        )
    return obs.with_columns(
        pl.col("period").replace_strict(years, return_dtype=pl.Int32).alias("year"),
        pl.col("period").replace_strict(months, return_dtype=pl.Int8).alias("month"),
    )


#: Example units of a user factor, per factor kind ("{u}" is the indicator's unit).
_EXAMPLE_UNITS = {
    "tce": "tce/{u}",
    "ncv": "GJ/{u}",
    "carbon_content": "t/TJ",
    "oxidation": "1",
    "ch4": "kg/TJ",
    "n2o": "kg/TJ",
    "grid": "tCO2/MWh",
    "residual": "tCO2/MWh",
    "heat": "tCO2/GJ",
    "steam_enthalpy": "kJ/kg",
    "steam_feedwater": "kJ/kg",
}


def _missing_factors_error(
    missing: list[tuple[int, int, int, str, MissingFactor]], users: pl.DataFrame
) -> CalcError:
    """One CalcError listing every missing factor with the entities that need it."""
    by_key: dict[tuple[int, int, int], list[str]] = {}
    for grp, year, ind, entity in users.select("grp", "year", "ind", "entity").iter_rows():
        by_key.setdefault((grp, year, ind), []).append(entity)
    lines: set[str] = set()
    first: tuple[str, str, int, MissingFactor] | None = None
    for grp, year, ind, region, m in sorted(missing, key=lambda t: (str(t[4]), t[1], t[0])):
        names = sorted(set(by_key.get((grp, year, ind), [])))
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        who = f"entit{'ies' if len(names) > 1 else 'y'} {shown or '(none)'}"
        lines.add(f"{who} (region {region or 'none'}), {year}: no {m}")
        if first is None or (m.kind == "ncv" and first[3].kind != "ncv"):
            first = (names[0] if names else "", region, year, m)
    shown_lines = sorted(lines)
    more = f" (and {len(shown_lines) - 20} more)" if len(shown_lines) > 20 else ""
    hint = "add the factor(s) in a CSV file and run: esgledger factors import FILE"
    if first is not None:
        entity, region, year, m = first
        unit = _EXAMPLE_UNITS.get(m.kind, "UNIT/{u}").format(u=m.unit)
        regional = m.kind in ("grid", "residual")
        row = ",".join(
            (
                m.kind,
                m.subject,
                region if regional else "",
                "" if regional else entity,
                str(year),
                str(year),
                "VALUE",
                unit,
                "SOURCE (e.g. lab report no.)",
            )
        )
        hint += (
            "; for example (replace VALUE and SOURCE; leave entity and years empty for a "
            "default that applies to every entity and year):\n"
            "kind,subject,region,entity,year_from,year_to,value,unit,source\n" + row
        )
    return CalcError("missing factor(s): " + "; ".join(shown_lines[:20]) + more, hint=hint)


def _resolve_all(
    keys: pl.DataFrame,
    factors: FactorSet,
    classes: dict[str, SourceClass],
    steam_method: str,
    rows: pl.DataFrame,
    ents: pl.DataFrame,
    gwp: str = "AR6",
) -> tuple[pl.DataFrame, dict[int, Coefficients]]:
    """Coefficients per distinct (factor group, year, indicator); CalcError if any missing.

    ``rows`` (grp, year, ind, eid) and ``ents`` (eid, entity) are read only when a
    factor is missing, to name the entities that need it.
    """
    cols: dict[str, list[object]] = {c: [] for c in ("ckey", "grp", "year", "ind")}
    for c in COEF_COLUMNS:
        cols[c] = []
    coefs: dict[int, Coefficients] = {}
    missing: list[tuple[int, int, int, str, MissingFactor]] = []
    for i, (grp, ekey, region, year, indicator, ind) in enumerate(
        keys.select("grp", "ekey", "region", "year", "indicator", "ind").iter_rows()
    ):
        coef, miss = resolve(
            indicator,
            classes[indicator],
            factors,
            entity=ekey,
            region=region,
            year=year,
            steam_method=steam_method,
            gwp=gwp,
        )
        missing += [(grp, year, ind, region, m) for m in miss]
        coefs[i] = coef
        cols["ckey"].append(i)
        cols["grp"].append(grp)
        cols["year"].append(year)
        cols["ind"].append(ind)
        for c in COEF_COLUMNS:
            cols[c].append(coef.values[c])
    if missing:
        users = rows.select("grp", "year", "ind", "eid").join(
            ents.select("eid", "entity"), on="eid", how="left"
        )
        raise _missing_factors_error(missing, users)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "ckey": pl.Int64,
        "grp": pl.Int32,
        "year": pl.Int32,
        "ind": pl.Int32,
    }
    schema.update(dict.fromkeys(COEF_COLUMNS, pl.Float64))
    return pl.DataFrame(cols, schema=schema), coefs


def _inputs_hash(
    tree: Tree, obs: pl.DataFrame, factors: FactorSet, options: dict[str, object]
) -> str:
    ents = [
        [
            e.code,
            e.parent,
            e.type,
            e.ownership_pct,
            e.control,
            e.region,
            str(e.included_from or ""),
            str(e.included_to or ""),
        ]
        for e in sorted(tree.entities.values(), key=lambda e: e.code)
    ]
    cols = ["id", "entity", "period", "indicator", "value", "unit", "raw_value", "raw_unit"]
    rows_hash = int(obs.select(cols).hash_rows(seed=0).sum() or 0) if obs.height else 0
    payload = json.dumps(
        {
            "entities": ents,
            "observations": [obs.height, rows_hash],
            "factors": factors.version,
            "options": options,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def compute(
    entities: Sequence[Entity],
    observations: Sequence[Observation] | pl.DataFrame,
    factors: FactorSet | None = None,
    *,
    periods: Collection[int] | None = None,
    boundary: Boundary = "operational",
    gwp: str = "AR6",
    steam_method: str = "enthalpy",
) -> RunResult:
    """Compute every metric for every entity (consolidated over its subtree) and year.

    ``periods`` limits the years computed (default: every year with data).
    ``steam_method`` is ``enthalpy`` (default) or ``table`` (legacy 0.1286 kgce/kg).
    """
    fs = factors if factors is not None else load_factors()
    if steam_method not in ("enthalpy", "table"):
        raise CalcError(f"unknown steam method {steam_method!r}", hint="use enthalpy or table")
    tree = build_tree(entities, boundary)
    gwp_ch4, gwp_n2o = _gwp(fs, gwp)
    g_ch4, g_n2o = gwp_ch4.factor.value, gwp_n2o.factor.value

    obs = _parse_periods(observations_frame(observations))
    if periods is not None:
        obs = obs.filter(pl.col("year").is_in(sorted({int(p) for p in periods})))
    ents = _entities_frame(tree, fs.entities_with_overrides)
    eids = dict(zip(ents["entity"].to_list(), ents["eid"].to_list(), strict=True))
    obs = obs.with_columns(
        pl.col("entity").replace_strict(eids, default=None, return_dtype=pl.Int32).alias("eid")
    )
    if obs["eid"].null_count():
        unknown = sorted(set(obs.filter(pl.col("eid").is_null())["entity"].to_list()))
        raise CalcError(f"observations for unknown entities: {', '.join(unknown[:10])}")
    options: dict[str, object] = {
        "boundary": boundary,
        "gwp": gwp,
        "steam_method": steam_method,
        "periods": sorted({int(p) for p in periods}) if periods is not None else None,
    }
    inputs_hash = _inputs_hash(tree, obs, fs, options)

    found = {i: classify(i, fs) for i in sorted(obs["indicator"].unique().to_list())}
    classes = {i: c for i, c in found.items() if c is not None}
    used = sorted(classes)
    kinds = pl.DataFrame(
        {
            "ind": list(range(len(used))),
            "indicator": used,
            "source_kind": [classes[i].kind for i in used],
            "mobile": [classes[i].mobile for i in used],
            "s3cat": [classes[i].scope3_category for i in used],
        },
        schema={
            "ind": pl.Int32,
            "indicator": pl.Utf8,
            "source_kind": pl.Utf8,
            "mobile": pl.Boolean,
            "s3cat": pl.Int32,
        },
    )
    inds = {code: i for i, code in enumerate(used)}
    rows = (
        obs.with_columns(
            pl.col("indicator")
            .replace_strict(inds, default=None, return_dtype=pl.Int32)
            .alias("ind")
        )
        .filter(pl.col("ind").is_not_null())
        .join(
            ents.select("eid", "grp", "wfrom", "wto"),
            on="eid",
            how="left",
            maintain_order="left",
        )
    )
    keys = (
        rows.select("grp", "year", "ind")
        .unique()
        .join(ents.select("grp", "ekey", "region").unique(), on="grp")
        .join(kinds.select("ind", "indicator"), on="ind")
        .sort(["grp", "year", "ind"])
    )
    coef_frame, coefs = _resolve_all(keys, fs, classes, steam_method, rows, ents, gwp)
    rows = with_fractions(rows)  # the one year-value rule (calc.yearvalue)
    rows = one_method_per_activity(rows, kinds)  # Scope 3: the best method only
    agg = _per_source(rows, coef_frame, kinds, ents, g_ch4, g_n2o)
    own, s3own = _own_totals(agg)
    values = _consolidate(tree, own, s3own, boundary)
    _check_finite(values)
    return RunResult(
        values=values,
        rows=rows.drop("wfrom", "wto"),
        coef_frame=coef_frame,
        per_source=agg,
        own=own,
        coefficients=coefs,
        tree=tree,
        boundary=boundary,
        gwp=gwp,
        gwp_factors=(gwp_ch4, gwp_n2o),
        options=options,
        inputs_hash=inputs_hash,
        factor_version=fs.version,
        code_version=f"esgledger {esgledger.__version__}; polars {pl.__version__}",
    )


def _check_finite(values: pl.DataFrame) -> None:
    """CalcError when a result overflowed (an input too large for its factors): a run never
    holds, stores or prints an infinite or NaN value."""
    bad = values.filter(pl.col("value").is_not_null() & ~pl.col("value").is_finite())
    if bad.is_empty():
        return
    problems = [
        Problem(
            "calculation",
            None,
            f"{r['metric']} of {r['entity']} in {r['period']}",
            str(r["value"]),
            "a finite result: an observation of this entity and period is too large to "
            "compute with (check its value and unit)",
        )
        for r in bad.head(InputError.MAX_LISTED).iter_rows(named=True)
    ]
    raise CalcError(problems, what="calculation")


def _per_source(
    rows: pl.DataFrame,
    coef_frame: pl.DataFrame,
    kinds: pl.DataFrame,
    ents: pl.DataFrame,
    g_ch4: float,
    g_n2o: float,
) -> pl.DataFrame:
    """Sum q per (entity, year, indicator), then apply the coefficients (all linear in q)."""
    sums = (
        rows.sort("id")  # a fixed summation order, whatever the input order
        .group_by(["eid", "grp", "year", "ind"], maintain_order=True)
        .agg(pl.col("q").sum(), pl.len().alias("n_rows"))
        .sort(["eid", "year", "ind"])
        .join(coef_frame, on=["grp", "year", "ind"], how="left", maintain_order="left")
        .join(kinds, on="ind", how="left", maintain_order="left")
        .join(ents.select("eid", "entity"), on="eid", how="left", maintain_order="left")
    )
    q = pl.col("q")
    sums = sums.with_columns(
        (q * pl.col("c_tce")).alias("tce"),
        (q * pl.col("c_tce_eq")).alias("tce_eq"),
        (q * pl.col("c_feed_tce")).alias("feed_tce"),
        (q * pl.col("c_export_tce")).alias("export_tce"),
        (q * pl.col("c_renew_tce")).alias("renew_tce"),
        (q * pl.col("c_co2")).alias("co2"),
        (q * pl.col("c_ch4")).alias("ch4"),
        (q * pl.col("c_n2o")).alias("n2o"),
        (q * pl.col("c_ch4") * g_ch4).alias("ch4c"),
        (q * pl.col("c_n2o") * g_n2o).alias("n2oc"),
        (q * pl.col("c_process")).alias("pco2"),
        (q * pl.col("c_g_hfcs")).alias("hfcs"),
        (q * pl.col("c_g_pfcs")).alias("pfcs"),
        (q * pl.col("c_g_sf6")).alias("sf6"),
        (q * pl.col("c_g_nf3")).alias("nf3"),
        (q * _GAS_E).alias("gas_e"),
        (q * pl.col("c_s2loc")).alias("s2loc"),
        (q * pl.col("c_s2mkt")).alias("s2mkt"),
        (q * pl.col("c_s3")).alias("s3"),
        (q * pl.col("c_reo")).alias("reo"),
    )
    combustion = pl.col("co2") + pl.col("ch4c") + pl.col("n2oc")
    is_elec = pl.col("source_kind").is_in(["electricity", "green"])
    fugitive = pl.col("source_kind") == "gas_fugitive"
    direct = pl.col("pco2") + pl.col("gas_e")
    return sums.with_columns(
        (pl.col("ch4c") + q * pl.col("c_g_ch4")).alias("ch4e"),
        (pl.col("n2oc") + q * pl.col("c_g_n2o")).alias("n2oe"),
        pl.when(fugitive).then(0.0).otherwise(direct).alias("process"),
        pl.when(fugitive).then(direct).otherwise(0.0).alias("fugitive"),
        (pl.col("co2") + pl.col("pco2")).alias("co2_all"),
        (combustion + direct).alias("s1"),
        pl.when(pl.col("mobile")).then(0.0).otherwise(combustion).alias("s1_stationary"),
        pl.when(pl.col("mobile")).then(combustion).otherwise(0.0).alias("s1_mobile"),
        pl.when(is_elec).then(pl.col("s2mkt")).otherwise(0.0).alias("s2mkt_elec"),
        pl.when(pl.col("source_kind") == "green")
        .then(pl.col("renew_tce"))
        .otherwise(0.0)
        .alias("green_tce"),
        pl.when(pl.col("source_kind") == "electricity")
        .then(pl.col("tce"))
        .otherwise(0.0)
        .alias("elec_tce"),
        pl.when(is_elec).then(0.0).otherwise(pl.col("s2mkt")).alias("s2mkt_heat"),
    )


def _own_totals(agg: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each entity's own (100 %) totals per year, and its Scope 3 per category."""
    own = (
        agg.group_by(["entity", "year"], maintain_order=True)
        .agg(
            *[pl.col(c).sum() for c in _SUMS],
            ((pl.col("source_kind") == "scope3") * pl.col("n_rows")).sum().alias("n_s3"),
            ((pl.col("source_kind") == "production") * pl.col("n_rows")).sum().alias("n_reo"),
            ((pl.col("c_eq_missing") > 0) * pl.col("n_rows")).sum().alias("n_eq_missing"),
            pl.col("n_rows").sum(),
        )
        .with_columns(
            (pl.col("s2mkt_elec") < 0).alias("mkt_clamped"),
            pl.col("s2mkt_elec").clip(lower_bound=0.0),
            # green electricity counts as renewable up to the electricity purchased
            (pl.col("green_tce") > pl.col("elec_tce")).alias("green_capped"),
            (
                pl.col("renew_tce")
                - pl.col("green_tce")
                + pl.min_horizontal(pl.col("green_tce"), pl.col("elec_tce"))
            ).alias("renew_tce"),
        )
        .with_columns((pl.col("s2mkt_elec") + pl.col("s2mkt_heat")).alias("s2mkt"))
        .sort(["entity", "year"])
    )
    s3own = (
        agg.filter(pl.col("s3cat").is_not_null())
        .group_by(["entity", "year", "s3cat"], maintain_order=True)
        .agg(pl.col("s3").sum())
        .sort(["entity", "year", "s3cat"])
    )
    return own, s3own


def _closure_frame(tree: Tree) -> pl.DataFrame:
    """The tree's closure as a frame: (node, entity, share) for every entity under each node."""
    return pl.DataFrame(
        tree.closure(),
        schema={"node": pl.Utf8, "entity": pl.Utf8, "share": pl.Float64},
        orient="row",
    )


def _consolidate(
    tree: Tree, own: pl.DataFrame, s3own: pl.DataFrame, boundary: Boundary
) -> pl.DataFrame:
    closure = _closure_frame(tree)
    sums = [*_SUMS, "s2mkt"]
    cons = (
        closure.join(own, on="entity", how="inner")
        .sort(["node", "year", "entity"])
        .group_by(["node", "year"], maintain_order=True)
        .agg(
            *[(pl.col(c) * pl.col("share")).sum() for c in sums],
            pl.col("n_s3").sum(),
            pl.col("n_reo").sum(),
            pl.col("n_eq_missing").sum(),
        )
    )
    s3cons = (
        closure.join(s3own, on="entity", how="inner")
        .sort(["node", "year", "s3cat", "entity"])
        .group_by(["node", "year", "s3cat"], maintain_order=True)
        .agg((pl.col("s3") * pl.col("share")).sum())
    )
    has_s3 = pl.col("n_s3") > 0
    has_reo = pl.col("n_reo") > 0
    tce = pl.col("tce")
    wide = cons.select(
        "node",
        "year",
        tce.alias("energy.total_tce"),
        pl.when(pl.col("n_eq_missing") == 0)
        .then(pl.col("tce_eq"))
        .otherwise(None)
        .alias("energy.total_tce.equal"),
        pl.col("feed_tce").alias("energy.feedstock_tce"),
        pl.col("export_tce").alias("energy.exported_tce"),
        pl.col("renew_tce").alias("energy.renewable_tce"),
        (tce * GJ_PER_TCE).alias("energy.total_gj"),
        pl.when(tce != 0)
        .then(pl.col("renew_tce") / tce * 100.0)
        .otherwise(None)
        .alias("energy.renewable_share"),
        pl.col("s1").alias("ghg.scope1"),
        pl.col("co2_all").alias("ghg.scope1.co2"),
        pl.col("ch4e").alias("ghg.scope1.ch4"),
        pl.col("n2oe").alias("ghg.scope1.n2o"),
        pl.col("s1_stationary").alias("ghg.scope1.stationary"),
        pl.col("s1_mobile").alias("ghg.scope1.mobile"),
        pl.col("process").alias("ghg.scope1.process"),
        pl.col("fugitive").alias("ghg.scope1.fugitive"),
        pl.col("hfcs").alias("ghg.scope1.hfcs"),
        pl.col("pfcs").alias("ghg.scope1.pfcs"),
        pl.col("sf6").alias("ghg.scope1.sf6"),
        pl.col("nf3").alias("ghg.scope1.nf3"),
        pl.col("s2loc").alias("ghg.scope2.location"),
        pl.col("s2mkt").alias("ghg.scope2.market"),
        pl.when(has_s3).then(pl.col("s3")).otherwise(None).alias("ghg.scope3"),
        (pl.col("s1") + pl.col("s2loc")).alias("ghg.total.location"),
        (pl.col("s1") + pl.col("s2mkt")).alias("ghg.total.market"),
        pl.when(has_reo).then(pl.col("reo")).otherwise(None).alias("production.reo"),
    )
    long = wide.unpivot(index=["node", "year"], variable_name="metric", value_name="value")
    s3long = s3cons.select(
        "node",
        "year",
        pl.format("ghg.scope3.cat{}", pl.col("s3cat").cast(pl.Utf8).str.zfill(2)).alias("metric"),
        pl.col("s3").alias("value"),
    )
    intens = _intensities(wide)
    long = pl.concat([long, s3long, intens], how="vertical_relaxed")
    units = pl.DataFrame(
        {"metric": list(METRICS), "unit": [m.unit for m in METRICS.values()]},
    )
    return (
        long.join(units, on="metric", how="left")
        .select(
            pl.col("metric"),
            pl.col("node").alias("entity"),
            pl.col("year").cast(pl.Utf8).alias("period"),
            pl.lit(boundary).alias("boundary"),
            pl.col("value").cast(pl.Float64).round_sig_figs(12),
            pl.col("unit"),
        )
        .with_columns(
            pl.format("{}|{}|{}|{}", "metric", "entity", "period", "boundary").alias("lineage_ref")
        )
        .sort(["metric", "entity", "period"])
    )


@lru_cache(maxsize=8)
def _intensity_scale(code: str) -> tuple[str, str, float]:
    """(numerator, denominator, unit scale) of a ratio intensity, via the formula language.

    The definition is evaluated once on unit inputs; the result is the factor
    that turns numerator/denominator (in their metric units) into the
    intensity's unit (e.g. 1000 for tce/t -> kgce/tREO).
    """
    definition = INTENSITIES[code]
    num, den = (part.strip() for part in definition.formula.split("/"))
    ones = {num: Value(1.0, METRICS[num].unit), den: Value(1.0, METRICS[den].unit)}
    value = evaluate({code: definition}, ones)[code].value
    if value is None:  # pragma: no cover - 1/1 is always computable
        raise CalcError(f"intensity {code} cannot be evaluated")
    return num, den, value


def _intensities(wide: pl.DataFrame) -> pl.DataFrame:
    """Intensities per node and year: numerator / denominator x unit scale (vectorized)."""
    parts = []
    for code in sorted(INTENSITIES):
        num, den, scale = _intensity_scale(code)
        parts.append(
            wide.select(
                "node",
                "year",
                pl.lit(code).alias("metric"),
                pl.when(pl.col(den).is_not_null() & (pl.col(den) != 0))
                .then(pl.col(num) / pl.col(den) * scale)
                .otherwise(None)
                .alias("value"),
            )
        )
    return pl.concat(parts)
