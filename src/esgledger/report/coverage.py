"""Disclosure coverage of a ledger: which disclosures a report could answer for a period.

:func:`ledger_coverage` reads which indicators have observations in the ledger
for the period and the report template's sections, then builds the content
index of a framework (:func:`esgledger.report.indexes.build_index`): answered,
omitted with a reason, or a gap. ``esgledger coverage`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgledger.catalog.frameworks import load_omissions
from esgledger.model import Observation, Period
from esgledger.report.indexes import (
    ContentIndex,
    OutlineSection,
    available_codes,
    build_index,
    outline_of,
)

if TYPE_CHECKING:
    from esgledger.store import Ledger

__all__ = ["codes_with_data", "ledger_coverage", "observations_in", "template_outline"]


def observations_in(observations: Iterable[Observation], period: Period) -> list[Observation]:
    """The observations of ``period``: a year covers its months too."""
    if period.is_annual:
        prefix = f"{period.year:04d}"
        return [o for o in observations if o.period[:4] == prefix]
    text = str(period)
    return [o for o in observations if o.period == text]


def codes_with_data(observations: Iterable[Observation]) -> set[str]:
    """Indicator codes that have at least one observation with a value."""
    return {o.indicator for o in observations if o.value is not None}


def template_outline(template: Path | None = None) -> tuple[OutlineSection, ...]:
    """The sections of a report template (default: the built-in one)."""
    from esgledger.report.definition import load_definition

    return outline_of(load_definition(template).sections)


def ledger_coverage(
    ledger: Ledger,
    framework: str,
    *,
    period: str | None = None,
    template: Path | None = None,
    omissions: Path | None = None,
    outline: Iterable[Any] | None = None,
) -> ContentIndex:
    """The content index of ``framework`` for ``period`` (default: the latest year with data).

    The report sections come from ``outline`` when given, else from ``template``
    (default: the built-in template); ``omissions`` is a user CSV that replaces
    default omissions.
    """
    every = ledger.observations()
    if period is None:
        years = sorted({int(o.period[:4]) for o in every})
        chosen: Period | None = Period(years[-1]) if years else None
    else:
        chosen = Period.parse(period)
    scoped = observations_in(every, chosen) if chosen is not None else []
    return build_index(
        framework,
        template_outline(template) if outline is None else outline,
        available_codes(codes_with_data(scoped)),
        omissions=load_omissions(omissions),
        period=str(chosen) if chosen is not None else None,
    )
