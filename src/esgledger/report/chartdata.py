"""Chart blocks as plain data (``charts.py`` draws them): energy mix, GHG by scope,
intensity against target, materiality matrix, climate risk heat map."""

from __future__ import annotations

from collections.abc import Callable

from esgledger.report.definition import ChartBody
from esgledger.report.labels import tier_label
from esgledger.report.model import Chart, ChartSeries, LineageRef
from esgledger.report.numbers import format_number, format_value, unit_label
from esgledger.report.registry import FigureRegistry

__all__ = ["ChartData"]


class ChartData(FigureRegistry):
    """Builds the chart blocks of a report."""

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
            if len(units) > 1 or (unit and units != {unit}):  # bars of one axis share a unit
                self.warnings.append(
                    f"[{self._section}] {code} left out of the chart: unit differs"
                )
                continue
            s = self._series(code, years)
            if s is not None:
                unit = unit or next(iter(units))
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
            thresholds=self.data.materiality_thresholds or (),
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
