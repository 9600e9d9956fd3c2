"""Shared test data for the storage tests: a three-entity tree and observation builders."""

from __future__ import annotations

from datetime import date

from esgledger.model import Entity, ImportBatch, Observation

GROUP = Entity("GRP", "Group", "集团", None, "group", None, "operational", "CN-NM")
SUB = Entity(
    "SUB",
    "Subsidiary",
    "子公司",
    "GRP",
    "subsidiary",
    83.0,
    "operational",
    "CN-NM",
    included_from=date(2024, 7, 1),
)
JV = Entity(
    "JV", "Joint venture", "合资", "SUB", "jv", 50.0, "none", "CN-JX", None, date(2024, 6, 30)
)


def obs(
    entity="SUB",
    period="2024",
    indicator="energy.electricity.purchased",
    raw="1000",
    unit="MWh",
    value=None,
    canonical="MWh",
    source="meter",
    comment="",
):
    return Observation(
        entity=entity,
        period=period,
        indicator=indicator,
        value=float(raw) if value is None else value,
        unit=canonical,
        raw_value=raw,
        raw_unit=unit,
        source=source,
        comment=comment,
    )


def batch(*observations, entities=(GROUP, SUB, JV), files=("observations.csv",)):
    return ImportBatch(entities=tuple(entities), observations=tuple(observations), files=files)
