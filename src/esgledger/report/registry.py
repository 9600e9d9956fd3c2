"""The figure registry every block builder shares: look values up, print them, record lineage.

Every number a report prints goes through :meth:`FigureRegistry.register`,
which gives it an id (``F0001`` …, in printing order) and keeps its
:class:`~esgledger.report.model.LineageRef`; the data annex lists them all.
"""

from __future__ import annotations

from esgledger.catalog.indicators import load_indicators
from esgledger.report.data import Datum, ReportData, TargetStatus
from esgledger.report.definition import ReportDefinition
from esgledger.report.labels import labels_for, metric_name
from esgledger.report.model import Figure, Lang, LineageRef
from esgledger.report.numbers import (
    MISSING,
    format_change,
    format_number,
    format_point_change,
    format_value,
    is_percent,
)

__all__ = ["FigureRegistry"]


class FigureRegistry:
    """State of one composition: the data, the language, the figures printed, the warnings."""

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

    def change_figure(self, cur: Datum | None, prev: Datum | None) -> str | None:
        if cur is None or prev is None:
            return None
        points = is_percent(cur.unit) and is_percent(prev.unit)
        if points:  # a share's change is told in percentage points
            printed = format_point_change(cur.value, prev.value, self.lang)
        else:
            printed = format_change(cur.value, prev.value)
        if printed is None:
            return None
        ref = LineageRef(f"{cur.code}:yoy", cur.entity, cur.period, cur.run)
        label = f"{self.name(cur.code, cur)} ({self.labels['yoy']})"
        if points:
            value, unit = cur.value - prev.value, "percentage point"
            source = f"{cur.period} − {prev.period}"
        else:
            value, unit = (cur.value - prev.value) / abs(prev.value) * 100, "%"
            source = f"({cur.period} − {prev.period}) / {prev.period}"
        return self.register(
            ref, value, unit, printed, label=label, frameworks=cur.frameworks, source=source
        )

    def target_name(self, t: TargetStatus) -> str:
        text = t.name_zh if self.lang == "zh" else t.name_en
        return text or self.name(t.metric)
