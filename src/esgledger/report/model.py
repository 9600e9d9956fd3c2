"""The content model of a report: sections made of blocks, every figure with its lineage.

A :class:`Report` is built for one language from a report definition and the
report's data (see ``compose.py``); renderers only read it. Every number a
renderer prints comes from a :class:`Figure`, and every figure carries a
:class:`LineageRef` (metric or indicator, entity, period, calculation run) so
the XLSX data annex can list it and ``esgledger explain`` can trace it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "Block",
    "Cell",
    "Chart",
    "ChartSeries",
    "Figure",
    "FigureTable",
    "GridTable",
    "IndexRow",
    "IndexTable",
    "Kpi",
    "KpiHighlights",
    "Lang",
    "LineageRef",
    "Prose",
    "ProseItem",
    "Report",
    "Run",
    "Section",
    "TableRow",
]

Lang = Literal["en", "zh"]


@dataclass(frozen=True, order=True)
class LineageRef:
    """Where a figure comes from: metric or indicator, entity, period and calculation run.

    ``run`` is the calculation run id for computed metrics, or ``ledger`` for
    values read straight from approved observations.
    """

    code: str
    entity: str
    period: str
    run: str

    def __str__(self) -> str:
        return f"{self.code}|{self.entity}|{self.period}|{self.run}"

    @classmethod
    def parse(cls, text: str) -> LineageRef:
        code, entity, period, run = text.split("|", 3)
        return cls(code, entity, period, run)


@dataclass(frozen=True)
class Figure:
    """One printed number: the value, how it is printed, and where it comes from."""

    id: str
    ref: LineageRef
    label: str
    value: float
    unit: str
    printed: str
    frameworks: tuple[str, ...] = ()
    source: str = ""
    note: str = ""

    @property
    def code(self) -> str:
        return self.ref.code


@dataclass(frozen=True)
class Run:
    """A piece of inline text; ``figure`` set means the text is a printed figure."""

    text: str
    bold: bool = False
    italic: bool = False
    figure: str | None = None


@dataclass(frozen=True)
class ProseItem:
    """One paragraph, list item or sub-heading of narrative text (for DOCX)."""

    kind: Literal["p", "li", "oli", "h"]
    runs: tuple[Run, ...]
    level: int = 0


@dataclass(frozen=True)
class Prose:
    """Narrative text: sanitized HTML for HTML/PDF, structured runs for DOCX."""

    html: str
    items: tuple[ProseItem, ...]
    kind: Literal["prose"] = "prose"


@dataclass(frozen=True)
class TableRow:
    """One metric over the years of a figure table; ``None`` where there is no value."""

    label: str
    unit: str
    cells: tuple[str | None, ...]
    figures: tuple[str | None, ...] = ()
    yoy: str | None = None
    yoy_figure: str | None = None


@dataclass(frozen=True)
class FigureTable:
    """Metrics × years, with units and year-on-year change of the last year."""

    title: str
    years: tuple[int, ...]
    rows: tuple[TableRow, ...]
    show_yoy: bool = True
    note: str = ""
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class ChartSeries:
    """One named series of a chart (values aligned with the chart's categories)."""

    name: str
    values: tuple[float | None, ...]
    figures: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart as plain data; ``charts.py`` draws it (SVG or PNG) for a renderer.

    ``chart`` names the drawing: ``stacked_bars``, ``bars_target``,
    ``materiality``, ``heatmap``. ``points`` carries (x, y, label) triples for
    scatter charts and ``matrix`` the cell counts of a heat map. ``thresholds``
    are a materiality matrix's tier limits (material, moderately, highly material;
    empty: the assessment engine's defaults). ``source`` may hold the assessment
    engine's result object, whose own chart is then used.
    """

    id: str
    chart: str
    title: str
    categories: tuple[str, ...] = ()
    series: tuple[ChartSeries, ...] = ()
    unit: str = ""
    target: float | None = None
    target_label: str = ""
    x_label: str = ""
    y_label: str = ""
    points: tuple[tuple[float, float, str], ...] = ()
    matrix: tuple[tuple[int, ...], ...] = ()
    lang: Lang = "en"
    caption: str = ""
    thresholds: tuple[float, ...] = ()
    source: Any = field(default=None, compare=False, hash=False, repr=False)
    kind: Literal["chart"] = "chart"


@dataclass(frozen=True)
class Kpi:
    """One headline figure of the highlights block."""

    label: str
    figure: str | None
    printed: str


@dataclass(frozen=True)
class KpiHighlights:
    """A grid of headline figures."""

    title: str
    kpis: tuple[Kpi, ...]
    kind: Literal["kpis"] = "kpis"


@dataclass(frozen=True)
class IndexRow:
    """One disclosure of a content index: where it is answered, or why it is omitted."""

    code: str
    title: str
    section: str | None = None
    section_title: str = ""
    omission: str = ""
    group: str = ""


@dataclass(frozen=True)
class IndexTable:
    """A content index (GRI, SSE No. 14, SASAC, IFRS S2)."""

    framework: str
    title: str
    rows: tuple[IndexRow, ...]
    note: str = ""
    kind: Literal["index"] = "index"


@dataclass(frozen=True)
class Cell:
    """One cell of a grid table; ``figure`` set when the text is a printed figure.

    ``name`` marks a name taken from a source file (a target's, a topic's, a
    register item's): text, even when it contains digits ("11 key entities").
    """

    text: str
    figure: str | None = None
    num: bool = False
    name: bool = False


@dataclass(frozen=True)
class GridTable:
    """A table with free columns (e.g. targets and their progress)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    style: str = ""
    kind: Literal["grid"] = "grid"

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Per column: does it hold numbers (its header is then right-aligned too)?"""
        return tuple(
            any(len(row) > i and row[i].num for row in self.rows) for i in range(len(self.header))
        )


Block = Prose | FigureTable | Chart | KpiHighlights | IndexTable | GridTable


@dataclass
class Section:
    """A titled part of the report; ``level`` 1 is a chapter, 2 a section within it."""

    id: str
    title: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    """One report in one language, ready for any renderer."""

    lang: Lang
    title: str
    subtitle: str
    company: str
    period: int
    report_date: date
    sections: list[Section]
    figures: dict[str, Figure]
    labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: on the cover when the figures were computed from data not all approved; else ""
    draft_note: str = ""
    #: a notice on the cover, in every page's footer and in the annex (a demo's); else ""
    notice: str = ""

    def figure_list(self) -> list[Figure]:
        """Figures in the order they were first printed."""
        return list(self.figures.values())

    def label(self, key: str) -> str:
        """A fixed UI string of this report's language (table headers, captions)."""
        return self.labels.get(key, key)
