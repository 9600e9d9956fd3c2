"""The JSON shapes of the API (request and response models), and their converters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from esgledger.model import Entity, ImportResult, Observation

__all__ = [
    "ERRORS",
    "EntityOut",
    "ImportReceipt",
    "ObservationIn",
    "ObservationOut",
    "ObservationUpdate",
    "ObservationsIn",
    "ProblemItem",
    "ProblemOut",
    "StatusChangeOut",
    "WorkflowIn",
    "entity_out",
    "observation_out",
    "receipt_out",
]


class ProblemItem(BaseModel):
    file: str
    row: int | None
    column: str | None
    field: str | None
    value: str | None
    expected: str


class ProblemOut(BaseModel):
    """RFC 9457 problem details, with every problem found."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    problems: list[ProblemItem]


_PROBLEM = {"model": ProblemOut, "content": {"application/problem+json": {}}}
#: The error answers every API route may give (documented in the OpenAPI schema).
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {**_PROBLEM, "description": "not signed in, or a bad token"},
    403: {**_PROBLEM, "description": "the role does not allow this here (or no CSRF token)"},
    404: {**_PROBLEM, "description": "not found, or outside the user's scope"},
    409: {**_PROBLEM, "description": "the ledger's state forbids this now (locked, stale)"},
    422: {**_PROBLEM, "description": "bad input: every problem with item index and field"},
}


class EntityOut(BaseModel):
    code: str
    name_en: str
    name_zh: str
    parent: str | None
    type: str
    ownership_pct: float | None
    control: str
    region: str
    included_from: str | None
    included_to: str | None


def entity_out(e: Entity) -> EntityOut:
    return EntityOut(
        code=e.code,
        name_en=e.name_en,
        name_zh=e.name_zh,
        parent=e.parent,
        type=e.type,
        ownership_pct=e.ownership_pct,
        control=e.control,
        region=e.region,
        included_from=e.included_from.isoformat() if e.included_from else None,
        included_to=e.included_to.isoformat() if e.included_to else None,
    )


class ObservationOut(BaseModel):
    id: int | None
    entity: str
    period: str
    indicator: str
    value: float
    unit: str
    raw_value: str
    raw_unit: str
    source: str
    comment: str
    status: str
    version: int


def observation_out(o: Observation) -> ObservationOut:
    return ObservationOut(
        id=o.id,
        entity=o.entity,
        period=o.period,
        indicator=o.indicator,
        value=o.value,
        unit=o.unit,
        raw_value=o.raw_value,
        raw_unit=o.raw_unit,
        source=o.source,
        comment=o.comment,
        status=o.status,
        version=o.version,
    )


class ObservationIn(BaseModel):
    entity: str = Field(max_length=200)
    period: str = Field(max_length=20, description="YYYY or YYYY-MM")
    indicator: str = Field(max_length=200)
    value: float | str = Field(description="a number, or text such as '1,234.5'")
    unit: str = Field(
        default="",
        max_length=64,
        description="any unit of the indicator's dimension, Chinese units included",
    )
    source: str = Field(default="", max_length=2000)
    comment: str = Field(default="", max_length=4000)


class ObservationsIn(BaseModel):
    observations: list[ObservationIn] = Field(max_length=10000)
    dry_run: bool = False
    reason: str | None = Field(
        default=None, max_length=2000, description="required to restate values of a locked period"
    )


class ObservationUpdate(BaseModel):
    value: float | str
    unit: str = Field(default="", max_length=64)
    source: str = Field(default="", max_length=2000)
    comment: str = Field(default="", max_length=4000)
    reason: str | None = Field(default=None, max_length=2000)


class ImportReceipt(BaseModel):
    dry_run: bool
    entities_added: int
    entities_updated: int
    entities_unchanged: int
    observations_added: int
    observations_updated: int
    observations_unchanged: int
    warnings: list[ProblemItem]


def receipt_out(r: ImportResult) -> ImportReceipt:
    return ImportReceipt(
        dry_run=r.dry_run,
        entities_added=r.entities_added,
        entities_updated=r.entities_updated,
        entities_unchanged=r.entities_unchanged,
        observations_added=r.observations_added,
        observations_updated=r.observations_updated,
        observations_unchanged=r.observations_unchanged,
        warnings=[ProblemItem(**w.as_dict()) for w in r.warnings],  # type: ignore[arg-type]
    )


class WorkflowIn(BaseModel):
    entity: str | None = Field(default=None, max_length=200, description="null or '*': the group")
    period: str = Field(max_length=20, description="YYYY or YYYY-MM")
    reason: str | None = Field(default=None, max_length=4000, description="required to reject")
    indicators: list[str] | None = Field(default=None, max_length=1000)


class StatusChangeOut(BaseModel):
    step: str
    entity: str | None
    period: str
    count: int
    locked: bool | None = None
