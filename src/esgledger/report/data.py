"""The plain data a report is built from (no database, no files).

``sources.py`` fills a :class:`ReportData` from the ledger, the calculation
engine, targets, the materiality assessment and the content indexes; tests
build one by hand. The composer (``compose.py``) only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Datum",
    "IndexEntry",
    "MaterialTopic",
    "ReportData",
    "RiskItem",
    "TargetStatus",
]


@dataclass(frozen=True)
class Datum:
    """One value of a metric or indicator for one entity and period, with its lineage.

    ``run`` is the calculation run id (or ``ledger`` for a value read from
    observations); ``frameworks`` lists disclosure codes it answers, e.g.
    ``("GRI 302-1", "SSE 35")``.
    """

    code: str
    entity: str
    period: str
    value: float
    unit: str
    run: str = "ledger"
    name_en: str = ""
    name_zh: str = ""
    frameworks: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class TargetStatus:
    """Progress of one target (from ``calc.targets``)."""

    metric: str
    entity: str
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    unit: str
    current_year: int | None = None
    current_value: float | None = None
    progress_pct: float | None = None
    status: str = ""
    name_en: str = ""
    name_zh: str = ""
    id: str = ""
    history: tuple[tuple[int, float | None], ...] = ()
    #: decimals of the target value as the target states it (2.956 → 3); None: the unit's
    target_decimals: int | None = None


@dataclass(frozen=True)
class MaterialTopic:
    """One topic of the double-materiality assessment."""

    code: str
    name_en: str
    name_zh: str
    impact: float
    financial: float
    tier: str
    rank: int = 0


@dataclass(frozen=True)
class RiskItem:
    """One climate risk or opportunity of the register (likelihood and magnitude 1–5)."""

    code: str
    kind: str
    name_en: str
    name_zh: str
    likelihood: int
    magnitude: int
    horizon: str = ""
    is_opportunity: bool = False
    kind_en: str = ""
    kind_zh: str = ""
    response_en: str = ""
    response_zh: str = ""


@dataclass(frozen=True)
class IndexEntry:
    """One disclosure of a framework catalogue and where the report answers it.

    ``sections`` are report section ids; empty with ``omission`` set when the
    disclosure is omitted (``not applicable``, ``information unavailable``,
    ``confidentiality``, ``legal prohibition``).
    """

    framework: str
    code: str
    title_en: str
    title_zh: str
    sections: tuple[str, ...] = ()
    omission: str = ""
    omission_note: str = ""
    omission_note_zh: str = ""
    group_en: str = ""
    group_zh: str = ""
    #: answered, partial, omitted or gap; ``missing_*`` name the required items not answered
    status: str = ""
    missing_en: tuple[str, ...] = ()
    missing_zh: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()


@dataclass
class ReportData:
    """Everything a report prints, as plain data.

    ``data`` is keyed by (code, entity, period). ``root`` is the group entity
    whose figures the report prints unless a placeholder names another one.
    ``materiality`` and ``register`` hold the assessment engine's own result
    objects when present, so its charts can be reused. ``materiality_thresholds``
    are the tier limits the assessment used, as (material, moderately,
    highly material) on the 1–5 scale; ``None`` means the engine's defaults.
    """

    company_en: str
    company_zh: str
    root: str
    period: int
    data: dict[tuple[str, str, str], Datum] = field(default_factory=dict)
    entity_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    targets: list[TargetStatus] = field(default_factory=list)
    topics: list[MaterialTopic] = field(default_factory=list)
    risks: list[RiskItem] = field(default_factory=list)
    indexes: dict[str, list[IndexEntry]] = field(default_factory=dict)
    index_titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: per index: the statement above it (GRI statement of use, counts) in (en, zh)
    index_notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    boundary: str = "operational"
    run_id: str = ""
    #: observations per workflow status the figures were computed from (the run's record)
    statuses: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    materiality: Any = None
    register: Any = None
    materiality_thresholds: tuple[float, float, float] | None = None

    def add(self, datum: Datum) -> None:
        """Add (or replace) one value."""
        self.data[(datum.code, datum.entity, datum.period)] = datum

    def get(self, code: str, period: str | int, entity: str | None = None) -> Datum | None:
        """The value of ``code`` for ``entity`` (default: the root) and ``period``.

        ``code`` may list alternatives, ``"a|b"``: the first one with a value wins.
        """
        for alt in code.split("|"):
            found = self.data.get((alt.strip(), entity or self.root, str(period)))
            if found is not None:
                return found
        return None
