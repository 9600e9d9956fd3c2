"""Build the content model of one report (one language) from a definition and plain data.

Narrative is Markdown with Jinja2 placeholders evaluated in a sandbox::

    {{ fig("energy.electricity.purchased") }}            value + unit, report year, group
    {{ fig("production.reo", 2023, entity="HEFA") }}     another year or entity
    {{ fig("x", decimals=1) }}   {{ num("x") }}           fixed decimals; number without unit
    {{ change("intensity.energy_per_treo") }}            year-on-year change (+/- %)
    {{ target("intensity.energy_per_treo") }}            a target's value and year
    {{ company }} {{ year }} {{ prev_year }}

Every placeholder that prints a number registers a :class:`Figure` with its
lineage. The Markdown is then rendered with raw HTML disabled and the result
cleaned by nh3, so a template cannot inject markup into the HTML report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import nh3
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markdown_it.token import Token

from esgledger.catalog.indicators import load_indicators
from esgledger.errors import ReportError
from esgledger.report.data import Datum, ReportData, TargetStatus
from esgledger.report.definition import (
    ChartBlock,
    ChartBody,
    IndexBlock,
    KpiBlock,
    ReportDefinition,
    TableBlock,
    TargetsBlock,
    TextBlock,
)
from esgledger.report.labels import labels_for, metric_name, omission_label, tier_label
from esgledger.report.model import (
    Block,
    Cell,
    Chart,
    ChartSeries,
    Figure,
    FigureTable,
    GridTable,
    IndexRow,
    IndexTable,
    Kpi,
    KpiHighlights,
    Lang,
    LineageRef,
    Prose,
    ProseItem,
    Report,
    Run,
    Section,
    TableRow,
)
from esgledger.report.numbers import (
    MISSING,
    format_change,
    format_number,
    format_value,
    money_scale,
    unit_label,
)

__all__ = ["FIG_CLOSE", "FIG_OPEN", "compose_report", "sanitize_markdown"]

FIG_OPEN = "\ue000"
FIG_CLOSE = "\ue001"
_FIG_TOKEN = re.compile(f"{FIG_OPEN}(F\\d+){FIG_CLOSE}")
_ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "br",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "a",
    "hr",
}
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def sanitize_markdown(text: str) -> tuple[str, list[Token]]:
    """Markdown → (clean HTML, tokens); raw HTML is escaped, then nh3 strips anything unsafe.

    Headings inside a section's text are demoted to ``h3``–``h6`` (the section
    title is the ``h1``/``h2``).
    """
    tokens = _MD.parse(text)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1]) + 2)}"
    raw = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean, tokens


class _Composer:
    """State of one composition: the figure registry and warnings."""

    def __init__(self, definition: ReportDefinition, data: ReportData, lang: Lang) -> None:
        self.definition = definition
        self.data = data
        self.lang = lang
        self.labels = labels_for(lang)
        self.figures: dict[str, Figure] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self.warnings: list[str] = []
        self._section = ""
        self._indicators = load_indicators()
        self.section_titles = {s.id: s.title.get(lang) for s in definition.sections}

    # -- figures -----------------------------------------------------------
    def name(self, code: str, datum: Datum | None = None) -> str:
        if datum is not None:
            text = datum.name_zh if self.lang == "zh" else datum.name_en
            if text:
                return text
        known = metric_name(code, self.lang)
        if known is not None:
            return known
        ind = self._indicators.get(code)
        if ind is not None:
            return ind.name_zh if self.lang == "zh" else ind.name_en
        for d in self.data.data.values():
            if d.code == code and (d.name_en or d.name_zh):
                return (d.name_zh if self.lang == "zh" else d.name_en) or code
        return code

    def register(
        self,
        ref: LineageRef,
        value: float,
        unit: str,
        printed: str,
        *,
        label: str,
        frameworks: tuple[str, ...] = (),
        source: str = "",
        note: str = "",
    ) -> str:
        key = (str(ref), printed)
        found = self._by_key.get(key)
        if found is not None:
            return found
        fid = f"F{len(self.figures) + 1:04d}"
        self.figures[fid] = Figure(
            id=fid,
            ref=ref,
            label=label,
            value=value,
            unit=unit,
            printed=printed,
            frameworks=frameworks,
            source=source,
            note=note or self._section,
        )
        self._by_key[key] = fid
        return fid

    def resolve(self, code: str, years: tuple[int, ...], entity: str | None) -> str:
        """Of alternatives ``"a|b"``, the first with a value in the last year, else in any year."""
        alts = [a.strip() for a in code.split("|")]
        for candidates in ((years[-1],), years):
            for alt in alts:
                if any(self.data.get(alt, y, entity) is not None for y in candidates):
                    return alt
        return alts[0]

    def datum(self, code: str, year: int | str | None, entity: str | None) -> Datum | None:
        period = str(year if year is not None else self.data.period)
        found = self.data.get(code, period, entity)
        if found is None:
            self.warnings.append(
                f"[{self._section}] no value for {code} "
                f"({entity or self.data.root}, {period}); printed as {MISSING}"
            )
        return found

    def figure(
        self, datum: Datum, *, decimals: int | None, with_unit: bool, label: str | None = None
    ) -> tuple[str, str]:
        printed = (
            format_value(datum.value, datum.unit, self.lang, decimals)
            if with_unit
            else format_number(datum.value, decimals, datum.unit)
        )
        ref = LineageRef(datum.code, datum.entity, datum.period, datum.run)
        fid = self.register(
            ref,
            datum.value,
            datum.unit,
            printed,
            label=label or self.name(datum.code, datum),
            frameworks=datum.frameworks,
            source=datum.source,
        )
        return fid, printed

    # -- placeholders --------------------------------------------------------
    def _token(self, fid: str) -> str:
        return f"{FIG_OPEN}{fid}{FIG_CLOSE}"

    def _fig(
        self,
        code: str,
        year: int | None = None,
        entity: str | None = None,
        decimals: int | None = None,
    ) -> str:
        d = self.datum(code, year, entity)
        if d is None:
            return MISSING
        fid, _ = self.figure(d, decimals=decimals, with_unit=True)
        return self._token(fid)

    def _num(
        self,
        code: str,
        year: int | None = None,
        entity: str | None = None,
        decimals: int | None = None,
    ) -> str:
        d = self.datum(code, year, entity)
        if d is None:
            return MISSING
        fid, _ = self.figure(d, decimals=decimals, with_unit=False)
        return self._token(fid)

    def _change(self, code: str, year: int | None = None, entity: str | None = None) -> str:
        current_year = int(year if year is not None else self.data.period)
        cur = self.datum(code, current_year, entity)
        prev = self.datum(cur.code, current_year - 1, entity) if cur else None
        fid = self.change_figure(cur, prev)
        return MISSING if fid is None else self._token(fid)

    def change_figure(self, cur: Datum | None, prev: Datum | None) -> str | None:
        if cur is None or prev is None:
            return None
        printed = format_change(cur.value, prev.value)
        if printed is None:
            return None
        value = (cur.value - prev.value) / abs(prev.value) * 100
        ref = LineageRef(f"{cur.code}:yoy", cur.entity, cur.period, cur.run)
        label = f"{self.name(cur.code, cur)} ({self.labels['yoy']})"
        return self.register(
            ref,
            value,
            "%",
            printed,
            label=label,
            frameworks=cur.frameworks,
            source=f"({cur.period} − {prev.period}) / {prev.period}",
        )

    def _target(self, metric: str, entity: str | None = None, decimals: int | None = None) -> str:
        ent = entity or self.data.root
        for t in self.data.targets:
            if t.metric == metric and t.entity == ent:
                printed = format_value(t.target_value, t.unit, self.lang, decimals)
                ref = LineageRef(metric, ent, str(t.target_year), "target")
                label = f"{self.name(metric)} ({self.labels['target']} {t.target_year})"
                fid = self.register(ref, t.target_value, t.unit, printed, label=label)
                return self._token(fid)
        self.warnings.append(f"[{self._section}] no target for {metric} ({ent}); printed as —")
        return MISSING

    def _entity(self, code: str) -> str:
        names = self.data.entity_names.get(code)
        if names is None:
            return code
        return names[1] if self.lang == "zh" else names[0]

    def _env_globals(self) -> dict[str, Any]:
        return {
            "fig": self._fig,
            "num": self._num,
            "change": self._change,
            "target": self._target,
            "entity": self._entity,
            "company": self.data.company_zh if self.lang == "zh" else self.data.company_en,
            "year": self.data.period,
            "prev_year": self.data.period - 1,
            "boundary": self.labels.get(f"boundary.{self.data.boundary}", self.data.boundary),
        }

    # -- blocks ------------------------------------------------------------
    def prose(self, name: str) -> Prose:
        source = self.definition.text(self.lang, name)
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        filename = f"sections/{self.lang}/{name}.md"
        try:
            expanded = env.from_string(source).render(self._env_globals())
        except TemplateError as exc:
            line = getattr(exc, "lineno", None) or _template_line(exc)
            where = f"{filename}, line {line}" if line else filename
            raise ReportError(f"{where}: {exc.message or exc}") from None
        except (TypeError, ValueError) as exc:
            raise ReportError(f"{filename}: bad placeholder ({exc})") from None
        clean, tokens = sanitize_markdown(expanded)
        return Prose(html=self._fill_html(clean), items=tuple(_items(tokens)))

    def _fill_html(self, clean: str) -> str:
        def repl(m: re.Match[str]) -> str:
            fig = self.figures[m.group(1)]
            return (
                f'<span class="fig" data-fig="{fig.id}" data-ref="{html.escape(str(fig.ref))}">'
                f"{html.escape(fig.printed)}</span>"
            )

        return _FIG_TOKEN.sub(repl, clean)

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
        for row in body.rows:
            code = self.resolve(row.metric, years, row.entity)
            found = [self.data.get(code, y, row.entity) for y in years]
            unit = next((d.unit for d in found if d is not None), "")
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
                self.warnings.append(f"[{self._section}] no values for {row.metric} in the table")
            yoy_fid = (
                self.change_figure(found[-1], found[-2]) if body.yoy and len(found) > 1 else None
            )
            yoy = self.figures[yoy_fid].printed if yoy_fid else None
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
        return FigureTable(
            title=body.title.get(self.lang),
            years=years,
            rows=tuple(rows),
            show_yoy=body.yoy,
            note=note,
        )

    def chart(self, body: ChartBody, chart_id: str) -> Chart | None:
        builder: dict[str, Callable[[ChartBody, str], Chart | None]] = {
            "energy_mix": self._bars_chart,
            "ghg_scopes": self._bars_chart,
            "intensity_target": self._intensity_chart,
            "materiality": self._materiality_chart,
            "risk_heatmap": self._heatmap_chart,
        }
        chart = builder[body.type](body, chart_id)
        if chart is None:
            self.warnings.append(f"[{self._section}] chart {body.type} skipped: no data")
        return chart

    def _series(self, code: str, years: tuple[int, ...]) -> ChartSeries | None:
        values: list[float | None] = []
        figs: list[str | None] = []
        for y in years:
            d = self.data.get(code, y)
            if d is None:
                values.append(None)
                figs.append(None)
                continue
            fid, _ = self.figure(d, decimals=None, with_unit=False)
            values.append(d.value)
            figs.append(fid)
        if all(v is None for v in values):
            return None
        return ChartSeries(self.name(code), tuple(values), tuple(figs))

    def _years(self, body: ChartBody) -> tuple[int, ...]:
        return tuple(range(self.data.period - body.years + 1, self.data.period + 1))

    def _bars_chart(self, body: ChartBody, chart_id: str) -> Chart | None:
        years = self._years(body)
        series: list[ChartSeries] = []
        unit = ""
        for alts in body.metrics:
            code = self.resolve(alts, years, None)
            units = {d.unit for y in years if (d := self.data.get(code, y)) is not None}
            if not units:
                continue
            if unit and units != {unit}:
                self.warnings.append(
                    f"[{self._section}] {code} left out of the chart: unit differs"
                )
                continue
            s = self._series(code, years)
            if s is not None:
                unit = unit or units.pop()
                series.append(s)
        if not series:
            return None
        return Chart(
            id=chart_id,
            chart="stacked_bars",
            title=body.title.get(self.lang),
            categories=tuple(str(y) for y in years),
            series=tuple(series),
            unit=unit_label(unit, self.lang),
            lang=self.lang,
            caption=body.caption.get(self.lang) if body.caption else "",
        )

    def _intensity_chart(self, body: ChartBody, chart_id: str) -> Chart | None:
        if not body.metrics:
            return None
        years = self._years(body)
        alts = [a.strip() for a in body.metrics[0].split("|")]
        caption = body.caption.get(self.lang) if body.caption else ""
        target = next(
            (t for t in self.data.targets if t.metric in alts and t.entity == self.data.root),
            None,
        ) or next((t for t in self.data.targets if t.metric in alts and t.history), None)
        if target is not None and target.history:
            hist = dict(target.history)
            values: list[float | None] = []
            figs: list[str | None] = []
            for y in years:
                v = hist.get(y)
                values.append(v)
                if v is None:
                    figs.append(None)
                    continue
                ref = LineageRef(target.metric, target.entity, str(y), self.data.run_id or "calc")
                printed = format_number(v, None, target.unit)
                label = self.target_name(target)
                figs.append(self.register(ref, v, target.unit, printed, label=label))
            if all(v is None for v in values):
                return None
            series = ChartSeries(self.target_name(target), tuple(values), tuple(figs))
            unit = target.unit
            caption = caption or self.target_name(target)
        else:
            code = self.resolve(body.metrics[0], years, None)
            s = self._series(code, years)
            if s is None:
                return None
            series = s
            unit = next(d.unit for y in years if (d := self.data.get(code, y)) is not None)
            target = None
        target_value = None
        target_label = ""
        if target is not None and target.target_value == target.target_value:  # not NaN
            target_value = target.target_value
            printed = format_value(target.target_value, target.unit, self.lang)
            ref = LineageRef(target.metric, target.entity, str(target.target_year), "target")
            label = f"{self.target_name(target)} ({self.labels['target']} {target.target_year})"
            self.register(ref, target.target_value, target.unit, printed, label=label)
            target_label = f"{self.labels['target']} {target.target_year}: {printed}"
        return Chart(
            id=chart_id,
            chart="bars_target",
            title=body.title.get(self.lang),
            categories=tuple(str(y) for y in years),
            series=(series,),
            unit=unit_label(unit, self.lang),
            target=target_value,
            target_label=target_label,
            lang=self.lang,
            caption=caption,
        )

    def target_name(self, t: TargetStatus) -> str:
        text = t.name_zh if self.lang == "zh" else t.name_en
        return text or self.name(t.metric)

    def _materiality_chart(self, body: ChartBody, chart_id: str) -> Chart | None:
        if not self.data.topics:
            return None
        points = tuple(
            (t.financial, t.impact, t.name_zh if self.lang == "zh" else t.name_en)
            for t in self.data.topics
        )
        return Chart(
            id=chart_id,
            chart="materiality",
            title=body.title.get(self.lang),
            points=points,
            series=tuple(ChartSeries(tier_label(t.tier, self.lang), ()) for t in self.data.topics),
            x_label=self.labels["financial_materiality"],
            y_label=self.labels["impact_materiality"],
            lang=self.lang,
            caption=body.caption.get(self.lang) if body.caption else "",
            source=self.data.materiality,
        )

    def _heatmap_chart(self, body: ChartBody, chart_id: str) -> Chart | None:
        risks = [r for r in self.data.risks if not r.is_opportunity] or self.data.risks
        if not risks:
            return None
        grid = [[0] * 5 for _ in range(5)]
        for r in risks:
            li = min(5, max(1, r.likelihood)) - 1
            ma = min(5, max(1, r.magnitude)) - 1
            grid[ma][li] += 1
        return Chart(
            id=chart_id,
            chart="heatmap",
            title=body.title.get(self.lang),
            matrix=tuple(tuple(row) for row in grid),
            x_label=self.labels["likelihood"],
            y_label=self.labels["magnitude"],
            lang=self.lang,
            caption=body.caption.get(self.lang) if body.caption else "",
            source=self.data.register,
        )

    def _target_cell(
        self, t: TargetStatus, value: float | None, year: int, what: str, run: str, unit: str
    ) -> Cell:
        if value is None or value != value:  # None or NaN
            return Cell(MISSING, None, True)
        printed = (
            format_value(value, unit, self.lang) if unit == "percent" else format_number(value)
        )
        ref = LineageRef(t.metric, t.entity, str(year), run)
        label = f"{self.target_name(t)} ({self.labels[what]})"
        return Cell(printed, self.register(ref, value, unit, printed, label=label), True)

    def targets(self, block: TargetsBlock) -> GridTable:
        L = self.labels
        wanted = set(block.targets.metrics)
        rows: list[tuple[Cell, ...]] = []
        for t in self.data.targets:
            if wanted and t.metric not in wanted:
                continue
            run = self.data.run_id or "calc"
            progress = (
                self._target_cell(
                    t,
                    t.progress_pct,
                    t.current_year or self.data.period,
                    "target.progress",
                    f"target:{t.id}",
                    "percent",
                )
                if t.progress_pct is not None
                else Cell(MISSING, None, True)
            )
            rows.append(
                (
                    Cell(self.target_name(t)),
                    Cell(unit_label(t.unit, self.lang)),
                    self._target_cell(
                        t, t.baseline_value, t.baseline_year, "target.baseline", run, t.unit
                    ),
                    self._target_cell(
                        t, t.target_value, t.target_year, "target.goal", f"target:{t.id}", t.unit
                    ),
                    self._target_cell(
                        t,
                        t.current_value,
                        t.current_year or self.data.period,
                        "target.actual",
                        run,
                        t.unit,
                    ),
                    progress,
                    Cell(L.get(f"status.{t.status}", t.status)),
                )
            )
        if not rows:
            self.warnings.append(f"[{self._section}] no targets to show")
        header = tuple(
            L[k]
            for k in (
                "target.name",
                "unit",
                "target.baseline",
                "target.goal",
                "target.actual",
                "target.progress",
                "target.status",
            )
        )
        return GridTable(block.targets.title.get(self.lang), header, tuple(rows))

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
        note = "" if entries else self.labels["index_unavailable"]
        return IndexTable(framework=fw, title=title, rows=tuple(rows), note=note)

    # -- whole report --------------------------------------------------------
    def compose(self, report_date: date) -> Report:
        sections: list[Section] = []
        for sdef in self.definition.sections:
            self._section = sdef.id
            blocks: list[Block] = []
            for n, b in enumerate(sdef.blocks):
                if isinstance(b, TextBlock):
                    blocks.append(self.prose(b.text))
                elif isinstance(b, KpiBlock):
                    blocks.append(self.kpis(b))
                elif isinstance(b, TableBlock):
                    blocks.append(self.table(b))
                elif isinstance(b, ChartBlock):
                    chart = self.chart(b.chart, f"{sdef.id}-chart-{n + 1}")
                    if chart is not None:
                        blocks.append(chart)
                elif isinstance(b, IndexBlock):
                    blocks.append(self.index(b))
                elif isinstance(b, TargetsBlock):
                    blocks.append(self.targets(b))
            sections.append(Section(sdef.id, sdef.title.get(self.lang), sdef.level, blocks))
        company = self.data.company_zh if self.lang == "zh" else self.data.company_en
        subtitle = self.definition.subtitle.get(self.lang) if self.definition.subtitle else ""
        return Report(
            lang=self.lang,
            title=f"{self.data.period} {self.definition.title.get(self.lang)}"
            if self.lang == "en"
            else f"{self.data.period}年度{self.definition.title.get(self.lang)}",
            subtitle=subtitle,
            company=company,
            period=self.data.period,
            report_date=report_date,
            sections=sections,
            figures=self.figures,
            labels=self.labels,
            warnings=self.warnings,
        )


def _template_line(exc: BaseException) -> int | None:
    """The template line a runtime error happened on (Jinja maps its frames to it)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _items(tokens: list[Token]) -> list[ProseItem]:
    """Paragraphs, list items and headings of a token stream, as runs (for DOCX)."""
    items: list[ProseItem] = []
    lists: list[str] = []
    pending_kind = "p"
    level = 0
    for tok in tokens:
        if tok.type == "bullet_list_open":
            lists.append("li")
        elif tok.type == "ordered_list_open":
            lists.append("oli")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "heading_open":
            pending_kind, level = "h", int(tok.tag[1])
        elif tok.type == "paragraph_open":
            pending_kind, level = (lists[-1], len(lists)) if lists else ("p", 0)
        elif tok.type == "inline":
            items.append(ProseItem(pending_kind, tuple(_runs(tok)), level))  # type: ignore[arg-type]
    return items


def _runs(inline: Token) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for child in inline.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            pos = 0
            for m in _FIG_TOKEN.finditer(child.content):
                if m.start() > pos:
                    runs.append(Run(child.content[pos : m.start()], bold, italic))
                runs.append(Run("", bold, italic, figure=m.group(1)))
                pos = m.end()
            if pos < len(child.content):
                runs.append(Run(child.content[pos:], bold, italic))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run(" " if child.type == "softbreak" else "\n", bold, italic))
    return runs


def compose_report(
    definition: ReportDefinition, data: ReportData, lang: Lang, report_date: date
) -> Report:
    """The report in ``lang``: every section's blocks, every printed figure with its lineage."""
    return _Composer(definition, data, lang).compose(report_date)
