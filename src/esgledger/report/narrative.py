"""Narrative: Markdown with sandboxed Jinja2 placeholders, rendered safely.

Placeholders (see docs/reports.md)::

    {{ fig("energy.electricity.purchased") }}            value + unit, report year, group
    {{ fig("production.reo", 2023, entity="HEFA") }}     another year or entity
    {{ fig("x", decimals=1) }}   {{ num("x") }}           fixed decimals; number without unit
    {{ change("intensity.energy_per_treo") }}            year-on-year change (+/- %)
    {{ target("intensity.energy_per_treo") }}            a target's value
    {% if has("training.hours") %}...{% endif %}         text only when there is data
    {{ company }} {{ year }} {{ prev_year }}

Every placeholder that prints a number registers a figure with its lineage.
The Markdown is rendered with raw HTML disabled and cleaned by nh3; figures
are inserted afterwards as escaped spans, so a template cannot inject markup.
The two private-use characters that mark a figure are removed from the template
text and from names (company, entities), so data cannot forge or break a figure.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markdown_it.token import Token

from esgledger.errors import ReportError
from esgledger.report.model import LineageRef, Prose, ProseItem, Run
from esgledger.report.numbers import MISSING, format_value
from esgledger.report.registry import FigureRegistry

__all__ = ["FIG_CLOSE", "FIG_OPEN", "Narrative", "sanitize_markdown"]

FIG_OPEN = "\ue000"
FIG_CLOSE = "\ue001"
_FIG_TOKEN = re.compile(f"{FIG_OPEN}(F\\d+){FIG_CLOSE}")
_FIG_MARKS = re.compile(f"[{FIG_OPEN}{FIG_CLOSE}]")
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


class Narrative(FigureRegistry):
    """Builds :class:`Prose` blocks from the template's Markdown texts."""

    def _token(self, fid: str) -> str:
        return f"{FIG_OPEN}{fid}{FIG_CLOSE}"

    def _placed(
        self, code: str, year: int | None, entity: str | None, decimals: int | None, unit: bool
    ) -> str:
        d = self.datum(code, year, entity)
        if d is None:
            return MISSING
        fid, _ = self.figure(d, decimals=decimals, with_unit=unit)
        return self._token(fid)

    def _fig(
        self,
        code: str,
        year: int | None = None,
        entity: str | None = None,
        decimals: int | None = None,
    ) -> str:
        return self._placed(code, year, entity, decimals, unit=True)

    def _num(
        self,
        code: str,
        year: int | None = None,
        entity: str | None = None,
        decimals: int | None = None,
    ) -> str:
        return self._placed(code, year, entity, decimals, unit=False)

    def _change(self, code: str, year: int | None = None, entity: str | None = None) -> str:
        current_year = int(year if year is not None else self.data.period)
        cur = self.datum(code, current_year, entity)
        prev = self.datum(cur.code, current_year - 1, entity) if cur else None
        fid = self.change_figure(cur, prev)
        return MISSING if fid is None else self._token(fid)

    def _trend(self, code: str, year: int | None = None, entity: str | None = None) -> str:
        """The change on the year before in words: ``同比下降7.8%`` / ``down 7.8% year on year``."""
        current_year = int(year if year is not None else self.data.period)
        cur = self.datum(code, current_year, entity)
        prev = self.datum(cur.code, current_year - 1, entity) if cur else None
        if cur is None or prev is None or prev.value == 0:
            return MISSING
        pct = (cur.value - prev.value) / abs(prev.value) * 100
        # the same one decimal as the tables' year-on-year column (format_change)
        magnitude = f"{abs(pct):.1f}%"
        ref = LineageRef(f"{cur.code}:yoy.size", cur.entity, cur.period, cur.run)
        size = "同比变化幅度" if self.lang == "zh" else "size of the YoY change"
        label = f"{self.name(cur.code, cur)} ({size})"
        source = f"|({cur.period} − {prev.period}) / {prev.period}|"
        fid = self.register(ref, abs(pct), "%", magnitude, label=label, source=source)
        token = self._token(fid)
        if round(pct, 1) == 0:
            return "与上年持平" if self.lang == "zh" else "unchanged on the year before"
        if self.lang == "zh":
            return f"同比{'下降' if pct < 0 else '增长'}{token}"
        return f"{'down' if pct < 0 else 'up'} {token} year on year"

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

    def _has(self, code: str, year: int | None = None, entity: str | None = None) -> bool:
        return (
            self.data.get(code, year if year is not None else self.data.period, entity) is not None
        )

    def _entity(self, code: str) -> str:
        names = self.data.entity_names.get(code)
        if names is None:
            return _plain(code)
        return _plain(names[1] if self.lang == "zh" else names[0])

    def _env_globals(self) -> dict[str, Any]:
        return {
            "fig": self._fig,
            "has": self._has,
            "num": self._num,
            "change": self._change,
            "trend": self._trend,
            "target": self._target,
            "entity": self._entity,
            "company": _plain(self.data.company_zh if self.lang == "zh" else self.data.company_en),
            "year": self.data.period,
            "prev_year": self.data.period - 1,
            "boundary": self.labels.get(f"boundary.{self.data.boundary}", self.data.boundary),
        }

    def prose(self, name: str) -> Prose:
        source = _plain(self.definition.text(self.lang, name))
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        filename = f"sections/{self.lang}/{name}.md"
        try:
            expanded = env.from_string(source).render(self._env_globals())
        except TemplateError as exc:
            line = getattr(exc, "lineno", None) or _template_line(exc)
            where = f"{filename}, line {line}" if line else filename
            raise ReportError(f"{where}: {exc.message or exc}") from None
        except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. fig(), 1 // 0
            line = _template_line(exc)
            where = f"{filename}, line {line}" if line else filename
            raise ReportError(f"{where}: bad placeholder ({exc})") from None
        # a mark written as a Jinja string escape is not a figure this composition issued
        expanded = _FIG_TOKEN.sub(lambda m: m[0] if m[1] in self.figures else "", expanded)
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


def _plain(text: str) -> str:
    """``text`` without the characters that mark a figure (they are never printed)."""
    return _FIG_MARKS.sub("", text)


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
