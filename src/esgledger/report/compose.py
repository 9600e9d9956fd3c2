"""Build the content model of one report (one language) from a definition and plain data.

The block builders live beside this module: ``narrative.py`` (Markdown with
figure placeholders, sanitized), ``tables.py`` (KPIs, metric tables, targets,
topics, climate register, content indexes) and ``chartdata.py`` (charts as
data), all on the shared figure registry of ``registry.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from esgledger.report.chartdata import ChartData
from esgledger.report.data import ReportData
from esgledger.report.definition import (
    ChartBlock,
    IndexBlock,
    KpiBlock,
    ReportDefinition,
    TableBlock,
    TargetsBlock,
    TextBlock,
    TopicsBlock,
)
from esgledger.report.model import Block, Lang, Report, Section
from esgledger.report.narrative import FIG_CLOSE, FIG_OPEN, Narrative, sanitize_markdown
from esgledger.report.tables import Tables

__all__ = ["FIG_CLOSE", "FIG_OPEN", "compose_report", "sanitize_markdown"]


class _Composer(Narrative, Tables, ChartData):
    """One composition: every section's blocks in one language."""

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
                    table = self.table(b)
                    if table.rows:
                        blocks.append(table)
                elif isinstance(b, ChartBlock):
                    chart = self.chart(b.chart, f"{sdef.id}-chart-{n + 1}")
                    if chart is not None:
                        blocks.append(chart)
                elif isinstance(b, IndexBlock):
                    blocks.append(self.index(b))
                else:
                    grid = (
                        self.targets(b)
                        if isinstance(b, TargetsBlock)
                        else self.topics(b)
                        if isinstance(b, TopicsBlock)
                        else self.risks(b)
                    )
                    if grid.rows:  # a table without rows is left out (with a warning)
                        blocks.append(grid)
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
            draft_note=draft_note(self.data.statuses, self.labels, self.lang),
            notice=self.definition.notice.get(self.lang) if self.definition.notice else "",
        )


def draft_note(statuses: Mapping[str, int], labels: Mapping[str, str], lang: Lang) -> str:
    """The cover's draft notice when any value is not yet approved; ``""`` when all are.

    ``statuses`` counts the values the report was built from per workflow status
    (what the calculation run recorded).
    """
    pending = {s: n for s, n in statuses.items() if s != "approved" and n}
    if not pending:
        return ""
    order = ("draft", "submitted", "reviewed")
    names = [labels.get(f"status.{s}", s) for s in sorted(pending, key=_rank(order))]
    sep = "、" if lang == "zh" else "/"
    return labels["draft_note"].format(n=sum(pending.values()), which=sep.join(names))


def _rank(order: tuple[str, ...]) -> Callable[[str], int]:
    return lambda s: order.index(s) if s in order else len(order)


def compose_report(
    definition: ReportDefinition, data: ReportData, lang: Lang, report_date: date
) -> Report:
    """The report in ``lang``: every section's blocks, every printed figure with its lineage."""
    return _Composer(definition, data, lang).compose(report_date)
