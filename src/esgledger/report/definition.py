"""Report definitions ("report as code"): a YAML file listing sections and their blocks.

A template directory holds::

    report.yaml             title, sections, blocks (text, tables, charts, KPIs, indexes)
    sections/en/*.md        narrative in English, with figure placeholders
    sections/zh/*.md        the same in Chinese
    report.html.j2          the HTML/PDF page (Jinja2, sandboxed, autoescaped)
    style.css               its style sheet (inlined into the HTML)

:func:`load_definition` validates all of it and raises one
:class:`~esgledger.errors.ValidationError` listing every problem.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from esgledger.errors import Problem, ReportError, ValidationError
from esgledger.report.model import Lang

__all__ = [
    "LANGS",
    "Answer",
    "ChartBlock",
    "IndexBlock",
    "KpiBlock",
    "KpiItem",
    "ReportDefinition",
    "RisksBlock",
    "SectionDef",
    "TableBlock",
    "TableRowDef",
    "TargetsBlock",
    "Text",
    "TextBlock",
    "TopicsBlock",
    "block_kind",
    "block_metrics",
    "copy_default_template",
    "default_template_dir",
    "load_definition",
]

LANGS: tuple[Lang, ...] = ("en", "zh")
CHART_TYPES = ("energy_mix", "ghg_scopes", "intensity_target", "materiality", "risk_heatmap")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A string in both languages."""

    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


#: A disclosure a block answers: ``gri:302-1`` (all of it) or ``gri:2-7#a,b`` (those of
#: its required items, see ``catalog/data/frameworks/items.yaml``).
Answer = Annotated[str, Field(pattern=r"^(gri|sse|sasac|issb):[^#\s]+(#[a-z0-9]+(,[a-z0-9]+)*)?$")]


class _Answers(_Strict):
    """A block that declares which disclosures (and required items) it answers."""

    answers: list[Answer] = []


class TextBlock(_Answers):
    """Narrative: ``sections/<lang>/<text>.md``."""

    text: str


class KpiItem(_Strict):
    metric: str
    label: Text | None = None
    entity: str | None = None
    decimals: int | None = None


class KpiBody(_Strict):
    title: Text | None = None
    items: list[KpiItem]


class KpiBlock(_Answers):
    kpis: KpiBody


class TableRowDef(_Strict):
    metric: str
    label: Text | None = None
    entity: str | None = None
    decimals: int | None = None


class TableBody(_Strict):
    title: Text
    years: Annotated[int, Field(ge=1, le=10)] = 3
    yoy: bool = True
    note: Text | None = None
    rows: list[TableRowDef]


class TableBlock(_Answers):
    table: TableBody


class ChartBody(_Strict):
    type: Literal["energy_mix", "ghg_scopes", "intensity_target", "materiality", "risk_heatmap"]
    title: Text
    metrics: list[str] = []
    years: Annotated[int, Field(ge=1, le=10)] = 3
    caption: Text | None = None


class ChartBlock(_Answers):
    chart: ChartBody


class TargetsBody(_Strict):
    title: Text
    metrics: list[str] = []


class TargetsBlock(_Answers):
    """Targets and their progress; ``metrics`` limits which (default: all)."""

    targets: TargetsBody


class TopicsBody(_Strict):
    title: Text


class TopicsBlock(_Answers):
    """The material topics ranked, with both scores and the tier."""

    topics: TopicsBody


class RisksBody(_Strict):
    title: Text
    kinds: list[Literal["risk", "opportunity"]] = ["risk", "opportunity"]


class RisksBlock(_Answers):
    """The climate register: type, horizon, likelihood, magnitude and response."""

    risks: RisksBody


class IndexBlock(_Strict):
    index: Literal["gri", "sse", "sasac", "issb"]


Block = (
    TextBlock
    | KpiBlock
    | TableBlock
    | ChartBlock
    | IndexBlock
    | TargetsBlock
    | TopicsBlock
    | RisksBlock
)


def block_metrics(block: object) -> tuple[str, ...]:
    """The metric codes a block prints (alternatives ``a|b`` split)."""
    codes: list[str] = []
    if isinstance(block, KpiBlock):
        codes = [i.metric for i in block.kpis.items]
    elif isinstance(block, TableBlock):
        codes = [r.metric for r in block.table.rows]
    elif isinstance(block, ChartBlock):
        codes = list(block.chart.metrics)
    elif isinstance(block, TargetsBlock):
        codes = list(block.targets.metrics)
    return tuple(c.strip() for m in codes for c in m.split("|"))


def block_kind(block: object) -> str:
    """``text``, ``kpis``, ``table``, ``chart``, ``targets``, ``topics``, ``risks`` or ``index``."""
    for kind, cls in (
        ("text", TextBlock),
        ("kpis", KpiBlock),
        ("table", TableBlock),
        ("chart", ChartBlock),
        ("targets", TargetsBlock),
        ("topics", TopicsBlock),
        ("risks", RisksBlock),
    ):
        if isinstance(block, cls):
            return kind
    return "index"


class SectionDef(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    title: Text
    level: Annotated[int, Field(ge=1, le=2)] = 1
    blocks: list[Block] = []


class _Doc(_Strict):
    version: Literal[1] = 1
    title: Text
    subtitle: Text | None = None
    sections: list[SectionDef]


@dataclass(frozen=True)
class ReportDefinition:
    """A validated template: its YAML, narrative texts and page template."""

    directory: Path
    title: Text
    subtitle: Text | None
    sections: tuple[SectionDef, ...]
    texts: dict[tuple[Lang, str], str]
    html_template: str
    css: str
    #: a notice for the cover, every page's footer and the annex (``notice.yaml`` of a
    #: narrative folder, e.g. the demo's "not that company's report"); None: none
    notice: Text | None = None

    def text(self, lang: Lang, name: str) -> str:
        return self.texts[(lang, name)]


def default_template_dir() -> Path:
    """The directory of the built-in default template (package data)."""
    return Path(str(resources.files("esgledger.report").joinpath("templates/default")))


def copy_default_template(dest: Path) -> Path:
    """Copy the default template to ``dest`` (which must not exist or be empty)."""
    if dest.exists() and any(dest.iterdir()):
        raise ReportError(
            f"{dest} exists and is not empty", hint="choose a new directory for the template"
        )
    shutil.copytree(default_template_dir(), dest, dirs_exist_ok=True)
    return dest


def _loc(err: Any) -> str:
    return ".".join(str(p) for p in err.get("loc", ()))


def _read(path: Path, problems: list[Problem]) -> str:
    """The UTF-8 text of a template file (a BOM is dropped); a problem naming it if it is not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(str(path), row, None, None, "UTF-8 text"))
        return ""


def _confined(path: Path, root: Path) -> bool:
    """Whether ``path``, with ``..`` and symlinks resolved, lies inside the folder ``root``."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return root in real.parents


def _outside(path: Path, what: str) -> Problem:
    return Problem(
        str(path), None, None, None, f"{what} inside the template folder (no '..', no symlink out)"
    )


def load_definition(
    directory: Path | None = None, *, narrative: Path | None = None
) -> ReportDefinition:
    """Load and validate the template in ``directory`` (default: the built-in one).

    ``narrative`` is a folder with a company's own ``sections/<lang>/<text>.md``
    (a narrative overlay): a text found there replaces the template's, others
    come from the template. Every file is read from inside its folder: a
    section's ``text`` or a symlink that leads out of it is a problem, so a
    template from elsewhere cannot print other files.
    """
    base = directory or default_template_dir()
    overlay = narrative.resolve() if narrative is not None else None
    if narrative is not None and not (narrative / "sections").is_dir():
        raise ReportError(
            f"no sections folder in the narrative folder {narrative}",
            hint="a narrative folder holds sections/en/<text>.md and sections/zh/<text>.md",
        )
    spec = base / "report.yaml"
    root = base.resolve()
    if spec.is_file() and not _confined(spec, root):
        raise ValidationError([_outside(spec, "report.yaml")], what="report definition")
    if not spec.is_file():
        raise ReportError(
            f"no report.yaml in {base}", hint="create one: esgledger report init-template DIR"
        )
    name = str(spec)
    problems: list[Problem] = []
    text = _read(spec, problems)
    if problems:
        raise ValidationError(problems, what="report definition")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ValidationError(
            [Problem(name, row, None, None, f"valid YAML ({getattr(exc, 'problem', exc)})")],
            what="report definition",
        ) from None
    try:
        doc = _Doc.model_validate(raw)
    except PydanticValidationError as exc:
        raise ValidationError(
            [
                Problem(name, None, _loc(e), repr(e.get("input"))[:60], e["msg"])
                for e in exc.errors()
            ],
            what="report definition",
        ) from None

    texts: dict[tuple[Lang, str], str] = {}
    seen: set[str] = set()
    for i, section in enumerate(doc.sections):
        if section.id in seen:
            problems.append(Problem(name, None, f"sections.{i}.id", section.id, "a unique id"))
        seen.add(section.id)
        for block in section.blocks:
            if not isinstance(block, TextBlock):
                continue
            for lang in LANGS:
                path = base / "sections" / lang / f"{block.text}.md"
                if narrative is not None and overlay is not None:
                    own = narrative / "sections" / lang / f"{block.text}.md"
                    if not _confined(own, overlay):
                        problems.append(_outside(own, f"the {lang} text of section {section.id}"))
                        continue
                    if own.is_file():
                        texts[(lang, block.text)] = _read(own, problems)
                        continue
                if not _confined(path, root):
                    problems.append(_outside(path, f"the {lang} text of section {section.id}"))
                    continue
                if not path.is_file():
                    problems.append(
                        Problem(
                            str(path), None, None, None, f"the {lang} text of section {section.id}"
                        )
                    )
                    continue
                texts[(lang, block.text)] = _read(path, problems)
    page: dict[str, str] = {}
    for file in ("report.html.j2", "style.css"):
        path = base / file
        if not _confined(path, root):
            problems.append(_outside(path, file))
        elif not path.is_file():
            problems.append(Problem(str(path), None, None, None, "a file of the template"))
        else:
            page[file] = _read(path, problems)
    notice: Text | None = None
    notice_file = narrative / "notice.yaml" if narrative is not None else None
    if notice_file is not None and overlay is not None and notice_file.is_file():
        if not _confined(notice_file, overlay):
            problems.append(_outside(notice_file, "notice.yaml"))
        else:
            try:
                notice = Text.model_validate(yaml.safe_load(_read(notice_file, problems)))
            except (yaml.YAMLError, PydanticValidationError):
                problems.append(
                    Problem(str(notice_file), None, None, None, "en: and zh: notice texts")
                )
    if problems:
        raise ValidationError(problems, what="report definition")
    return ReportDefinition(
        directory=base,
        title=doc.title,
        subtitle=doc.subtitle,
        sections=tuple(doc.sections),
        texts=texts,
        html_template=page["report.html.j2"],
        css=page["style.css"],
        notice=notice,
    )
