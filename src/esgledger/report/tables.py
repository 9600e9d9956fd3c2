"""Table blocks: KPI highlights, metrics × years, targets, material topics, climate register
and content indexes."""

from __future__ import annotations

from dataclasses import replace

from esgledger.calc.metrics import METRICS
from esgledger.report.data import TargetStatus
from esgledger.report.definition import (
    IndexBlock,
    KpiBlock,
    RisksBlock,
    TableBlock,
    TargetsBlock,
    TopicsBlock,
)
from esgledger.report.labels import omission_label, tier_label
from esgledger.report.model import (
    Cell,
    FigureTable,
    GridTable,
    IndexRow,
    IndexTable,
    Kpi,
    KpiHighlights,
    LineageRef,
    TableRow,
)
from esgledger.report.numbers import MISSING, format_number, format_value, money_scale, unit_label
from esgledger.report.registry import FigureRegistry

__all__ = ["Tables"]


def _parse_printed(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "").replace("\u2009", "").strip())
    except ValueError:
        return None


def _rounding_gap(printed: dict[str, tuple[str | None, ...]]) -> bool:
    """Whether a printed total differs from the sum of its printed parts (rounding).

    Totals are sums of unrounded figures (``ghg.total.location`` = ``ghg.scope1`` +
    ``ghg.scope2.location``); when both parts are in the same table, the printed
    parts may add up to one unit more or less than the printed total.
    """
    for code, cells in printed.items():
        metric = METRICS.get(code)
        if metric is None or not metric.inputs or metric.formula is None:
            continue
        if " + " not in metric.formula or any(i not in printed for i in metric.inputs):
            continue
        for col, total_text in enumerate(cells):
            total = _parse_printed(total_text)
            parts = [_parse_printed(printed[i][col]) for i in metric.inputs]
            if total is None or any(p is None for p in parts):
                continue
            decimals = len(total_text.split(".")[1]) if total_text and "." in total_text else 0
            if round(sum(p for p in parts if p is not None), decimals) != round(total, decimals):
                return True
    return False


class Tables(FigureRegistry):
    """Builds the table blocks of a report."""

    def kpis(self, block: KpiBlock) -> KpiHighlights:
        items = []
        for item in block.kpis.items:
            d = self.datum(item.metric, None, item.entity)
            label = item.label.get(self.lang) if item.label else self.name(item.metric, d)
            if d is None:
                items.append(Kpi(label, None, MISSING))
                continue
            fid, printed = self.figure(d, decimals=item.decimals, with_unit=True, label=label)
            items.append(Kpi(label, fid, printed))
        title = block.kpis.title.get(self.lang) if block.kpis.title else self.labels["highlights"]
        return KpiHighlights(title=title, kpis=tuple(items))

    def table(self, block: TableBlock) -> FigureTable:
        body = block.table
        years = tuple(range(self.data.period - body.years + 1, self.data.period + 1))
        rows = []
        printed_by_code: dict[str, tuple[str | None, ...]] = {}
        for row in body.rows:
            code = self.resolve(row.metric, years, row.entity)
            found = [self.data.get(code, y, row.entity) for y in years]
            units = sorted({d.unit for d in found if d is not None})
            if len(units) > 1:  # one unit column: the years must share it
                self.warnings.append(
                    f"[{self._section}] {code} has values in {', '.join(units)}: "
                    "row left out of the table"
                )
                continue
            unit = units[0] if units else ""
            if unit in ("CNY", "yuan", "元") and any(d is not None for d in found):
                # money rows in 万元 / millions: the figure is registered as printed
                largest = max(abs(d.value) for d in found if d is not None)
                divisor, unit = money_scale(largest, self.lang)
                found = [
                    None if d is None else replace(d, value=d.value / divisor, unit=unit)
                    for d in found
                ]
            label = row.label.get(self.lang) if row.label else self.name(row.metric, found[-1])
            cells: list[str | None] = []
            figs: list[str | None] = []
            for d in found:
                if d is None:
                    cells.append(None)
                    figs.append(None)
                    continue
                fid, printed = self.figure(d, decimals=row.decimals, with_unit=False, label=label)
                cells.append(printed)
                figs.append(fid)
            if all(d is None for d in found):
                self.warnings.append(
                    f"[{self._section}] no values for {row.metric}: row left out of the table"
                )
                continue
            yoy_fid = (
                self.change_figure(found[-1], found[-2]) if body.yoy and len(found) > 1 else None
            )
            yoy = self.figures[yoy_fid].printed if yoy_fid else None
            printed_by_code[code] = tuple(cells)
            rows.append(
                TableRow(
                    label=label,
                    unit=unit_label(unit, self.lang),
                    cells=tuple(cells),
                    figures=tuple(figs),
                    yoy=yoy,
                    yoy_figure=yoy_fid,
                )
            )
        note = body.note.get(self.lang) if body.note else ""
        if _rounding_gap(printed_by_code):
            extra = self.labels["rounding_note"]
            note = f"{note} {extra}".strip() if self.lang != "zh" else f"{note}{extra}"
        return FigureTable(
            title=body.title.get(self.lang),
            years=years,
            rows=tuple(rows),
            show_yoy=body.yoy,
            note=note,
        )

    def _target_cell(
        self,
        t: TargetStatus,
        value: float | None,
        year: int,
        what: str,
        run: str,
        unit: str,
        decimals: int | None = None,
    ) -> Cell:
        if value is None or value != value:  # None or NaN
            return Cell(MISSING, None, True)
        printed = (
            format_value(value, unit, self.lang)
            if unit == "percent"
            else format_number(value, decimals)
        )
        ref = LineageRef(t.metric, t.entity, str(year), run)
        label = f"{self.target_name(t)} ({self.labels[what]})"
        return Cell(printed, self.register(ref, value, unit, printed, label=label), True)

    def targets(self, block: TargetsBlock) -> GridTable:
        """Base year and value, target year and value, latest actual and status, in the
        target's own unit; the target value with the precision the target states."""
        L = self.labels
        wanted = set(block.targets.metrics)
        rows: list[tuple[Cell, ...]] = []
        for t in self.data.targets:
            if wanted and t.metric not in wanted:
                continue
            run = self.data.run_id or "calc"
            latest = t.current_year or self.data.period
            actual = self._target_cell(t, t.current_value, latest, "target.actual", run, t.unit)
            rows.append(
                (
                    Cell(self.target_name(t), name=True),
                    Cell(unit_label(t.unit, self.lang)),
                    Cell(str(t.baseline_year)),
                    self._target_cell(
                        t, t.baseline_value, t.baseline_year, "target.baseline", run, t.unit
                    ),
                    Cell(str(t.target_year)),
                    self._target_cell(
                        t,
                        t.target_value,
                        t.target_year,
                        "target.goal",
                        f"target:{t.id}",
                        t.unit,
                        t.target_decimals,
                    ),
                    actual,
                    Cell(L.get(f"status.{t.status}", t.status)),
                )
            )
        if not rows:
            self.warnings.append(f"[{self._section}] no targets to show")
        latest_year = self.data.period
        header = tuple(
            f"{L[k]} ({latest_year})" if k == "target.latest" else L[k]
            for k in (
                "target.name",
                "unit",
                "target.base_year",
                "target.baseline",
                "target.target_year",
                "target.goal",
                "target.latest",
                "target.status",
            )
        )
        return GridTable(block.targets.title.get(self.lang), header, tuple(rows), style="targets")

    def _score(self, code: str, what: str, value: float, label: str, run: str) -> Cell:
        printed = format_number(value, 2)
        ref = LineageRef(f"{code}.{what}", self.data.root, str(self.data.period), run)
        return Cell(printed, self.register(ref, value, "", printed, label=label), True)

    def topics(self, block: TopicsBlock) -> GridTable:
        L = self.labels
        rows: list[tuple[Cell, ...]] = []
        ranked = sorted(self.data.topics, key=lambda t: (t.rank or 10**6, -t.impact - t.financial))
        for n, t in enumerate(ranked, start=1):
            name = t.name_zh if self.lang == "zh" else t.name_en
            rank = t.rank or n
            printed = str(rank)
            ref = LineageRef(
                f"materiality.{t.code}.rank", self.data.root, str(self.data.period), "assessment"
            )
            rows.append(
                (
                    Cell(
                        printed,
                        self.register(ref, rank, "", printed, label=f"{name} ({L['topic.rank']})"),
                        True,
                    ),
                    Cell(name, name=True),
                    self._score(
                        f"materiality.{t.code}",
                        "impact",
                        t.impact,
                        f"{name} ({L['impact_materiality']})",
                        "assessment",
                    ),
                    self._score(
                        f"materiality.{t.code}",
                        "financial",
                        t.financial,
                        f"{name} ({L['financial_materiality']})",
                        "assessment",
                    ),
                    Cell(tier_label(t.tier, self.lang)),
                )
            )
        if not rows:
            self.warnings.append(
                f"[{self._section}] no materiality assessment for {self.data.period}"
            )
        header = (
            L["topic.rank"],
            L["topic.name"],
            L["impact_materiality"],
            L["financial_materiality"],
            L["topic.tier"],
        )
        return GridTable(block.topics.title.get(self.lang), header, tuple(rows), style="topics")

    def risks(self, block: RisksBlock) -> GridTable:
        L = self.labels
        kinds = set(block.risks.kinds)
        rows: list[tuple[Cell, ...]] = []
        for r in self.data.risks:
            if ("opportunity" if r.is_opportunity else "risk") not in kinds:
                continue
            name = r.name_zh if self.lang == "zh" else r.name_en
            horizons = "、" if self.lang == "zh" else ", "
            horizon = horizons.join(
                L.get(f"horizon.{h.strip()}", h.strip()) for h in r.horizon.split(",") if h.strip()
            )
            cells = []
            for what, value in (("likelihood", r.likelihood), ("magnitude", r.magnitude)):
                printed = str(value)
                ref = LineageRef(
                    f"climate.{r.code}.{what}", self.data.root, str(self.data.period), "register"
                )
                fid = self.register(ref, value, "", printed, label=f"{name} ({L[what]})")
                cells.append(Cell(printed, fid, True))
            rows.append(
                (
                    Cell((r.kind_zh if self.lang == "zh" else r.kind_en) or r.kind),
                    Cell(name, name=True),
                    Cell(horizon),
                    *cells,
                    Cell(r.response_zh if self.lang == "zh" else r.response_en, name=True),
                )
            )
        if not rows:
            self.warnings.append(f"[{self._section}] no climate register")
        header = (
            L["risk.kind"],
            L["risk.name"],
            L["risk.horizon"],
            L["likelihood"],
            L["magnitude"],
            L["risk.response"],
        )
        return GridTable(block.risks.title.get(self.lang), header, tuple(rows), style="risks")

    def index(self, block: IndexBlock) -> IndexTable:
        fw = block.index
        entries = self.data.indexes.get(fw, [])
        titles = self.data.index_titles.get(fw)
        title = (
            (titles[1] if self.lang == "zh" else titles[0])
            if titles
            else self.labels[f"index.{fw}"]
        )
        rows = []
        for e in entries:
            section = next((s for s in e.sections if s in self.section_titles), None)
            missing = [s for s in e.sections if s not in self.section_titles]
            if missing:
                self.warnings.append(f"[index {fw}] {e.code}: unknown section ids {missing}")
            omission = ""
            lacking = e.missing_zh if self.lang == "zh" else e.missing_en
            if section is not None and lacking:
                sep = "；" if self.lang == "zh" else "; "
                omission = self.labels["index.partial"].format(missing=sep.join(lacking))
            if section is None:
                omission = omission_label(e.omission or "information unavailable", self.lang)
                note = e.omission_note_zh if self.lang == "zh" else e.omission_note
                if note:
                    omission = f"{omission}{'：' if self.lang == 'zh' else ': '}{note}"
            rows.append(
                IndexRow(
                    code=e.code,
                    title=e.title_zh if self.lang == "zh" else e.title_en,
                    section=section,
                    section_title=self.section_titles.get(section or "", ""),
                    omission=omission,
                    group=e.group_zh if self.lang == "zh" else e.group_en,
                )
            )
        notes = self.data.index_notes.get(fw)
        note = (notes[1] if self.lang == "zh" else notes[0]) if notes else ""
        if not entries:
            note = self.labels["index_unavailable"]
        return IndexTable(framework=fw, title=title, rows=tuple(rows), note=note)
