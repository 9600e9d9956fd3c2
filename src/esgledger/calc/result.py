"""The result of one calculation run: metric values, and their lineage on demand.

A :class:`RunResult` keeps the engine's row frame (one row per observation,
with its inclusion fraction, coefficients and contributions) and the factor
choices per (entity, year, indicator). :meth:`RunResult.explain` turns them
into a lineage tree: metric → entities (with their consolidation share and why)
→ observations (value, raw unit, source, fraction) → factors (value, unit,
source, edition, why chosen).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import polars as pl

from esgledger.calc.boundary import Boundary, Tree, build_tree
from esgledger.calc.metrics import METRICS, SCOPE3_CATEGORIES
from esgledger.calc.sources import Coefficients
from esgledger.calc.uncertainty import uncertainty_pct
from esgledger.calc.yearvalue import FRACTION_REASONS
from esgledger.catalog.factors import Factor, Selection
from esgledger.errors import CalcError, NotFoundError
from esgledger.model import Entity

__all__ = ["FRACTION_REASONS", "LINEAGE_FORMAT", "MetricValue", "RunResult"]

#: Version of the packed lineage (:meth:`RunResult.to_lineage`); bump on any change.
LINEAGE_FORMAT = 1
_FRAMES = ("values", "rows", "coef_frame", "per_source", "own")

# Which factor kinds matter for each row-frame column.
_KINDS_FOR: dict[str, frozenset[str]] = {
    "tce": frozenset({"tce", "steam_enthalpy", "steam_feedwater"}),
    "tce_eq": frozenset({"tce", "tce_equal", "steam_enthalpy", "steam_feedwater"}),
    "renew_tce": frozenset({"tce"}),
    "feed_tce": frozenset({"tce"}),
    "export_tce": frozenset({"tce"}),
    "s1": frozenset({"ncv", "carbon_content", "oxidation", "ch4", "n2o", "process", "gwp"}),
    "co2_all": frozenset({"ncv", "carbon_content", "oxidation", "process"}),
    "ch4e": frozenset({"ncv", "ch4", "gwp"}),
    "n2oe": frozenset({"ncv", "n2o", "gwp"}),
    "hfcs": frozenset({"gwp"}),
    "pfcs": frozenset({"gwp"}),
    "sf6": frozenset({"gwp"}),
    "nf3": frozenset({"gwp"}),
    "fugitive": frozenset({"process", "gwp"}),
    "s1_stationary": frozenset({"ncv", "carbon_content", "oxidation", "ch4", "n2o"}),
    "s1_mobile": frozenset({"ncv", "carbon_content", "oxidation", "ch4", "n2o"}),
    "process": frozenset({"process", "gwp"}),
    "s2loc": frozenset({"grid", "heat", "steam_enthalpy", "steam_feedwater"}),
    "s2mkt": frozenset({"residual", "heat", "steam_enthalpy", "steam_feedwater"}),
    "s3": frozenset({"scope3"}),
    "reo": frozenset(),
}


_GAS_COEFS = ("c_g_ch4", "c_g_n2o", "c_g_hfcs", "c_g_pfcs", "c_g_sf6", "c_g_nf3")


@dataclass(frozen=True)
class MetricValue:
    """One metric of one entity (consolidated over its subtree) and period."""

    metric: str
    entity: str
    period: str
    boundary: str
    value: float | None
    unit: str
    lineage_ref: str


def _factor_json(role: str, sel: Selection) -> dict[str, Any]:
    f = sel.factor
    return {
        "role": role,
        "id": f.id,
        "value": f.value,
        "unit": f.unit,
        "source": f.source,
        "edition": f.edition,
        "table": f.table,
        "confidence": f.confidence,
        "note": f.note,
        "origin": f.origin,
        "why": sel.reason,
    }


class RunResult:
    """Values of one run, with lineage. Built by :func:`esgledger.calc.compute`."""

    def __init__(
        self,
        *,
        values: pl.DataFrame,
        rows: pl.DataFrame,
        coef_frame: pl.DataFrame,
        per_source: pl.DataFrame,
        own: pl.DataFrame,
        coefficients: Mapping[int, Coefficients],
        tree: Tree,
        boundary: str,
        gwp: str,
        gwp_factors: tuple[Selection, Selection],
        options: dict[str, object],
        inputs_hash: str,
        factor_version: str,
        code_version: str,
    ) -> None:
        self._values = values
        self.rows = rows  # one row per observation: keys, fraction, q = value x fraction
        self.coef_frame = coef_frame  # coefficients per (grp, year, ind), ckey -> coefficients
        self.per_source = per_source  # per (entity, year, indicator): q and contributions
        self.own = own
        self.coefficients = coefficients
        self.tree = tree
        self.boundary = boundary
        self.gwp = gwp
        self.gwp_factors = gwp_factors
        self.options = options
        self.inputs_hash = inputs_hash
        self.factor_version = factor_version
        self.code_version = code_version

    # --- values -------------------------------------------------------------------

    def frame(self) -> pl.DataFrame:
        """Every value: metric, entity, period, boundary, value, unit, lineage_ref."""
        return self._values

    @cached_property
    def values(self) -> tuple[MetricValue, ...]:
        return tuple(MetricValue(*row) for row in self._values.iter_rows())

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], MetricValue]:
        return {(v.metric, v.entity, v.period): v for v in self.values}

    @property
    def periods(self) -> list[str]:
        return sorted(set(self._values["period"].to_list()))

    def value(self, metric: str, entity: str, period: str | int) -> MetricValue:
        """The value of ``metric`` for ``entity`` in ``period``; NotFoundError if none."""
        key = (metric, entity, str(period))
        if "_index" in self.__dict__:
            found = self._index.get(key)
        else:  # one lookup (explain from a stored run): no index of every value
            hit = self._values.filter(
                (pl.col("metric") == metric)
                & (pl.col("entity") == entity)
                & (pl.col("period") == str(period))
            )
            found = MetricValue(*hit.row(0)) if hit.height else None
        if found is not None:
            return found
        if metric not in METRICS:
            raise NotFoundError(
                f"unknown metric {metric!r}", hint=f"metrics: {', '.join(sorted(METRICS))}"
            )
        if entity not in self.tree.entities:
            raise NotFoundError(f"unknown entity {entity!r}", hint="list them: esgledger entities")
        raise NotFoundError(
            f"no {metric} for {entity} in {period}: no data for that entity and period",
            hint=f"periods with data: {', '.join(self.periods) or 'none'}",
        )

    def to_json(self) -> str:
        """Canonical JSON of the run's values (byte-stable for identical inputs)."""
        payload = {
            "boundary": self.boundary,
            "gwp": self.gwp,
            "inputs_hash": self.inputs_hash,
            "factor_version": self.factor_version,
            "code_version": self.code_version,
            "options": self.options,
            "values": [[v.metric, v.entity, v.period, v.value, v.unit] for v in self.values],
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def breakdown(self, entity: str) -> pl.DataFrame:
        """Consolidated contributions to ``entity`` per period, source indicator, scope, gas."""
        shares = pl.DataFrame(
            [(d, self.tree.share(d, entity)) for d in self.tree.descendants(entity)],
            schema={"entity": pl.Utf8, "share": pl.Float64},
            orient="row",
        )
        cols = {
            "tce": ("energy", "tce", "tce"),
            "co2": ("1", "CO2", "tCO2"),
            "ch4e": ("1", "CH4", "tCO2e"),
            "n2oe": ("1", "N2O", "tCO2e"),
            "pco2": ("1", "CO2", "tCO2"),
            "hfcs": ("1", "HFCs", "tCO2e"),
            "pfcs": ("1", "PFCs", "tCO2e"),
            "sf6": ("1", "SF6", "tCO2e"),
            "nf3": ("1", "NF3", "tCO2e"),
            "s2loc": ("2 location", "CO2", "tCO2"),
            "s2mkt": ("2 market", "CO2", "tCO2"),
            "s3": ("3", "CO2e", "tCO2e"),
        }
        base = self._clamped_sources().join(shares, on="entity", how="inner")
        parts = []
        for col, (scope, gas, unit) in cols.items():
            parts.append(
                base.group_by(["year", "indicator"])
                .agg((pl.col(col) * pl.col("share")).sum().alias("value"))
                .filter(pl.col("value") != 0)
                .select(
                    pl.lit(entity).alias("entity"),
                    pl.col("year").cast(pl.Utf8).alias("period"),
                    pl.col("indicator").alias("source"),
                    pl.lit(scope).alias("scope"),
                    pl.lit(gas).alias("gas"),
                    "value",
                    pl.lit(unit).alias("unit"),
                )
            )
        return pl.concat(parts).sort(["period", "scope", "source", "gas"])

    def _clamped_sources(self) -> pl.DataFrame:
        """``per_source`` with market-based Scope 2 rows that add up to the metric.

        Where an entity's green electricity exceeds its purchased electricity in a
        year, the engine clamps that entity's market-based electricity emissions at
        zero (``ghg.scope2.market`` never goes negative). The per-source rows get the
        same treatment: the negative (green) contributions of that entity and year are
        scaled by ``positive / -negative`` so that the electricity rows sum to zero;
        heat and steam rows are left alone.
        """
        ps = self.per_source
        elec = pl.col("s2mkt_elec")
        sums = ps.group_by(["entity", "year"]).agg(
            pl.when(elec > 0).then(elec).otherwise(0.0).sum().alias("_pos"),
            pl.when(elec < 0).then(elec).otherwise(0.0).sum().alias("_neg"),
        )
        clamped = (pl.col("_pos") + pl.col("_neg") < 0) & (elec < 0)
        scaled = elec * pl.col("_pos") / -pl.col("_neg")
        return (
            ps.join(sums, on=["entity", "year"], how="left", maintain_order="left")
            .with_columns(
                (pl.when(clamped).then(scaled).otherwise(elec) + pl.col("s2mkt_heat")).alias(
                    "s2mkt"
                )
            )
            .drop("_pos", "_neg")
        )

    # --- lineage ------------------------------------------------------------------

    def explain(self, metric: str, entity: str, period: str | int) -> dict[str, Any]:
        """The value and its lineage tree as JSON-ready data."""
        mv = self.value(metric, entity, period)
        ent = self.tree.entities[entity]
        lineage = self._lineage(metric, entity, int(mv.period))
        return {
            "metric": metric,
            "description": METRICS[metric].description,
            "entity": entity,
            "entity_name": ent.name_en,
            "period": mv.period,
            "boundary": self.boundary,
            "value": mv.value,
            "unit": mv.unit,
            "gwp": self.gwp,
            "run": {
                "inputs_hash": self.inputs_hash,
                "factor_version": self.factor_version,
                "code_version": self.code_version,
            },
            # ± % at 95 %, error propagation over the lineage (calc.uncertainty)
            "uncertainty_pct": uncertainty_pct(lineage)
            if metric.startswith("ghg.") and mv.value is not None
            else None,
            "lineage": lineage,
        }

    def _lineage(self, metric: str, node: str, year: int) -> dict[str, Any]:
        m = METRICS[metric]
        if m.column is None:
            inputs = []
            for code in m.inputs:
                found = self._index.get((code, node, str(year)))
                inputs.append(
                    {
                        "metric": code,
                        "value": None if found is None else found.value,
                        "unit": METRICS[code].unit,
                        "lineage": self._lineage(code, node, year) if found is not None else None,
                    }
                )
            return {"formula": m.formula, "inputs": inputs}
        return self._base_lineage(m.code, m.column, node, year)

    def _coef_for(self, column: str, c: dict[str, float]) -> float:
        g4 = self.gwp_factors[0].factor.value
        g2 = self.gwp_factors[1].factor.value
        gas = sum(c[k] for k in _GAS_COEFS)
        if column in ("s1", "s1_stationary", "s1_mobile"):
            return c["c_co2"] + c["c_ch4"] * g4 + c["c_n2o"] * g2 + c["c_process"] + gas
        return {
            "tce": c["c_tce"],
            "tce_eq": c.get("c_tce_eq", 0.0),
            "feed_tce": c.get("c_feed_tce", 0.0),
            "export_tce": c.get("c_export_tce", 0.0),
            "renew_tce": c["c_renew_tce"],
            "co2_all": c["c_co2"] + c["c_process"],
            "ch4e": c["c_ch4"] * g4 + c["c_g_ch4"],
            "n2oe": c["c_n2o"] * g2 + c["c_g_n2o"],
            "process": c["c_process"] + gas,
            "fugitive": c["c_process"] + gas,
            "hfcs": c["c_g_hfcs"],
            "pfcs": c["c_g_pfcs"],
            "sf6": c["c_g_sf6"],
            "nf3": c["c_g_nf3"],
            "s2loc": c["c_s2loc"],
            "s2mkt": c["c_s2mkt"],
            "s3": c["c_s3"],
            "reo": c["c_reo"],
        }[column]

    @staticmethod
    def _relevant(column: str, metric: str, kind: tuple[Any, ...], c: Mapping[str, Any]) -> bool:
        """Whether a row can contribute to ``metric`` (a non-zero coefficient for it).

        ``kind`` is the row's (source kind, mobile, Scope 3 category); ``c`` its
        coefficients.
        """
        source_kind, mobile, s3cat = kind
        if metric.startswith("ghg.scope3.cat"):
            return bool(s3cat == int(metric[-2:]))
        if column == "s1_stationary":
            return source_kind == "fuel" and not mobile
        if column == "s1_mobile":
            return bool(mobile)
        direct = ["c_process", *_GAS_COEFS]
        if column == "fugitive":
            return source_kind == "gas_fugitive" and any(c[name] != 0 for name in direct)
        if column == "process":
            return source_kind != "gas_fugitive" and any(c[name] != 0 for name in direct)
        coefs = {
            "s1": ["c_co2", "c_ch4", "c_n2o", *direct],
            "co2_all": ["c_co2", "c_process"],
            "ch4e": ["c_ch4", "c_g_ch4"],
            "n2oe": ["c_n2o", "c_g_n2o"],
            "hfcs": ["c_g_hfcs"],
            "pfcs": ["c_g_pfcs"],
            "sf6": ["c_g_sf6"],
            "nf3": ["c_g_nf3"],
        }.get(column, ["c_" + column])
        return any(c[name] != 0 for name in coefs)

    def _base_lineage(self, metric: str, column: str, node: str, year: int) -> dict[str, Any]:
        # A few polars filters, then plain Python over the (few) rows of one node and
        # year: explain reads one value, so fixed costs matter more than bulk speed.
        members = self.tree.descendants(node)
        kinds = {
            r[0]: r[1:]
            for r in self.per_source.select("ind", "source_kind", "mobile", "s3cat")
            .unique()
            .iter_rows()
        }
        coef_rows = self.coef_frame.filter(pl.col("year") == year)
        ckeys = {(r["grp"], r["ind"]): (r["ckey"], r) for r in coef_rows.iter_rows(named=True)}
        groups: dict[str, list[dict[str, Any]]] = {}
        found = self.rows.filter(pl.col("entity").is_in(members) & (pl.col("year") == year))
        for r in sorted(
            found.iter_rows(named=True),
            key=lambda r: (r["entity"], r["indicator"], r["period"], r["id"]),
        ):
            r["ckey"], c_values = ckeys[(r["grp"], r["ind"])]
            kind = kinds.get(r["ind"], (None, None, None))
            if self._relevant(column, metric, kind, c_values):
                groups.setdefault(r["entity"], []).append(r)
        own = {
            (r["entity"], year): r
            for r in self.own.filter(pl.col("year") == year).iter_rows(named=True)
        }
        unit = METRICS[metric].unit
        entities = []
        for ent_code, group in groups.items():
            share = self.tree.share(ent_code, node)
            observations = []
            for r in group:
                coef = self.coefficients[r["ckey"]]
                wanted = _KINDS_FOR[column]
                note_fallback = any("location-based grid factor" in n for n in coef.notes)
                factors = [
                    _factor_json(role, sel)
                    for role, sel in coef.factors
                    if sel.factor.kind in wanted
                    or (column == "s2mkt" and note_fallback and sel.factor.kind == "grid")
                ]
                if column == "tce_eq" and any("equal value" in f["role"] for f in factors):
                    factors = [f for f in factors if "equivalent value" not in f["role"]]
                if column in ("s1", "ch4e", "n2oe", "s1_stationary", "s1_mobile") and (
                    coef.values["c_ch4"] or coef.values["c_n2o"]
                ):
                    factors += [_factor_json("GWP", s) for s in self.gwp_factors]
                observations.append(
                    {
                        "id": r["id"],
                        "period": r["period"],
                        "indicator": r["indicator"],
                        "value": r["value"],
                        "unit": r["unit"],
                        "raw_value": r["raw_value"],
                        "raw_unit": r["raw_unit"],
                        "source": r["source"],
                        "provenance": r.get("provenance") or "",
                        "fraction": r["fraction"],
                        "fraction_reason": FRACTION_REASONS[r["fraction_code"]].format(
                            inside=r["inside_days"], days=r["period_days"]
                        ),
                        "coefficient": self._coef_for(column, coef.values),
                        "coefficient_unit": f"{unit} per {r['unit'] or 'unit'}",
                        "contribution": r["q"] * self._coef_for(column, coef.values),
                        "factors": factors,
                        "notes": list(coef.notes),
                    }
                )
            totals = own.get((ent_code, year), {})
            total = float(totals.get(column, 0.0))  # for s2mkt: after the clamp below
            notes: list[str] = []
            if column == "s2mkt" and totals.get("mkt_clamped"):
                notes.append(
                    "green electricity exceeds purchased electricity: the market-based "
                    "electricity figure is set to 0, not below"
                )
            if column == "renew_tce" and totals.get("green_capped"):
                notes.append(
                    "green electricity exceeds purchased electricity: it counts as "
                    "renewable only up to the electricity purchased"
                )
            if metric.startswith("ghg.scope3.cat"):
                total = float(sum(o["contribution"] for o in observations))
            entities.append(
                {
                    "entity": ent_code,
                    "name_en": self.tree.entities[ent_code].name_en,
                    "region": self.tree.entities[ent_code].region,
                    "share": share,
                    "share_path": [
                        {"entity": c, "share": link.share, "reason": link.reason}
                        for c, link in self.tree.path(ent_code, node)
                    ]
                    or [{"entity": ent_code, "share": 1.0, "reason": "the entity itself"}],
                    "value": total,
                    "consolidated": share * total,
                    "unit": unit,
                    "notes": notes,
                    "observations": observations,
                }
            )
        formula = (
            "sum over entities of consolidation share x entity total; entity total = sum over "
            "observations of value x inclusion fraction x coefficient"
        )
        if metric.startswith("ghg.scope3.cat"):
            formula += f" (category {int(metric[-2:])}: {SCOPE3_CATEGORIES[int(metric[-2:])]})"
        return {"formula": formula, "entities": entities}

    # --- stored lineage ---------------------------------------------------------

    def to_lineage(self) -> bytes:
        """The whole run, lineage included, packed as bytes (a store keeps them).

        A zip of the engine's frames (Arrow IPC streams, zstd) and one JSON document
        (options, hashes, the entity tree, every factor choice).
        :meth:`from_lineage` gives back a result whose :meth:`explain` is the
        same, without the ledger or the factor library.
        """
        meta = {
            "format": LINEAGE_FORMAT,
            "boundary": self.boundary,
            "gwp": self.gwp,
            "options": self.options,
            "inputs_hash": self.inputs_hash,
            "factor_version": self.factor_version,
            "code_version": self.code_version,
            "entities": [e.as_dict() for e in self.tree.entities.values()],
            "gwp_factors": [_selection_json(s) for s in self.gwp_factors],
        }
        keys = sorted(self.coefficients)
        coefs = pl.DataFrame(
            {
                "ckey": keys,
                "json": [_coefficients_json(self.coefficients[k]) for k in keys],
            },
            schema={"ckey": pl.Int64, "json": pl.Utf8},
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("meta.json", json.dumps(meta, ensure_ascii=False, default=str))
            frames = dict(zip(_FRAMES, self._frames(), strict=True))
            frames["coefficients"] = coefs
            for name, frame in frames.items():
                part = io.BytesIO()
                frame.write_ipc_stream(part, compression="zstd")
                zf.writestr(f"{name}.arrow", part.getvalue())
        return buf.getvalue()

    def _frames(self) -> tuple[pl.DataFrame, ...]:
        return (self._values, self.rows, self.coef_frame, self.per_source, self.own)

    @classmethod
    def from_lineage(cls, data: bytes) -> RunResult:
        """A result rebuilt from :meth:`to_lineage`'s bytes; CalcError if unreadable."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                meta = json.loads(zf.read("meta.json"))
                if meta.get("format") != LINEAGE_FORMAT:
                    raise CalcError(
                        f"stored lineage format {meta.get('format')!r} is not {LINEAGE_FORMAT}"
                    )
                frames = {
                    n: pl.read_ipc_stream(io.BytesIO(zf.read(f"{n}.arrow")))
                    for n in (*_FRAMES, "coefficients")
                }
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise CalcError(f"stored lineage cannot be read: {exc}") from None
        entities = [_entity(d) for d in meta["entities"]]
        boundary: Boundary = meta["boundary"]
        texts = frames["coefficients"]
        coefficients = _StoredCoefficients(
            dict(zip(texts["ckey"].to_list(), texts["json"].to_list(), strict=True))
        )
        g4, g2 = (_selection(s) for s in meta["gwp_factors"])
        return cls(
            values=frames["values"],
            rows=frames["rows"],
            coef_frame=frames["coef_frame"],
            per_source=frames["per_source"],
            own=frames["own"],
            coefficients=coefficients,
            tree=build_tree(entities, boundary),
            boundary=boundary,
            gwp=meta["gwp"],
            gwp_factors=(g4, g2),
            options=meta["options"],
            inputs_hash=meta["inputs_hash"],
            factor_version=meta["factor_version"],
            code_version=meta["code_version"],
        )

    def __repr__(self) -> str:
        return (
            f"RunResult(boundary={self.boundary!r}, gwp={self.gwp!r}, "
            f"values={self._values.height}, inputs_hash={self.inputs_hash[:12]!r})"
        )


def _selection_json(sel: Selection) -> dict[str, Any]:
    return {"factor": asdict(sel.factor), "reason": sel.reason}


def _selection(data: dict[str, Any]) -> Selection:
    return Selection(Factor(**data["factor"]), data["reason"])


def _entity(data: dict[str, Any]) -> Entity:
    from datetime import date

    d = dict(data)
    for key in ("included_from", "included_to"):
        d[key] = date.fromisoformat(d[key]) if d[key] else None
    return Entity(**d)


def _coefficients_json(c: Coefficients) -> str:
    return json.dumps(
        {
            "values": c.values,
            "factors": [[role, _selection_json(sel)] for role, sel in c.factors],
            "notes": c.notes,
        },
        ensure_ascii=False,
    )


class _StoredCoefficients(Mapping[int, Coefficients]):
    """Coefficients of a stored run, each decoded from its JSON when first read."""

    def __init__(self, texts: dict[int, str]) -> None:
        self._texts = texts
        self._done: dict[int, Coefficients] = {}

    def __getitem__(self, key: int) -> Coefficients:
        found = self._done.get(key)
        if found is None:
            data = json.loads(self._texts[key])
            found = Coefficients(
                values={c: float(v) for c, v in data["values"].items()},
                factors=[(role, _selection(sel)) for role, sel in data["factors"]],
                notes=list(data["notes"]),
            )
            self._done[key] = found
        return found

    def __iter__(self) -> Iterator[int]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)
