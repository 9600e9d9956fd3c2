"""Build the demo ledger: a list of named steps run in order.

:func:`build_demo` loads the demo company's entity tree and its published
2022–2024 figures (``data/entities.csv``, ``data/observations.csv``) into a
ledger through the ordinary import path, then summarises what is there. The
steps are plain functions in :data:`STEPS`; later stages of the demo
(calculation run, materiality, risks, report) slot in where marked below.

The library prints nothing: the caller passes a ``progress`` callback
(``progress(step_name, index, total)``) and renders it as it likes (the CLI
draws a rich progress bar).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from esgledger.catalog.indicators import load_indicators
from esgledger.model import Entity, ImportResult, LedgerLike
from esgledger.units import convert

__all__ = [
    "HEADLINES",
    "STEPS",
    "DemoContext",
    "DemoLedger",
    "DemoSummary",
    "Headline",
    "StepProgress",
    "build_demo",
    "data_path",
    "refuse_foreign_data",
    "summarise",
]

#: ``progress(step_name, index, total)``: called before each step (index from 0) and
#: once more with ``("done", total, total)`` at the end.
StepProgress = Callable[[str, int, int], None]

ACTOR = "demo"
#: The year of the demo report.
REPORT_YEAR = 2024


#: What the demo needs of :class:`esgledger.store.Ledger` (the ledger interface intake uses).
DemoLedger = LedgerLike


@dataclass(frozen=True)
class Headline:
    """One headline figure: the operational-control sum of an indicator in a year."""

    label: str
    indicator: str
    year: int
    value: float | None
    unit: str


@dataclass(frozen=True)
class DemoSummary:
    """What the demo ledger holds after :func:`build_demo`."""

    entities: int
    entities_by_control: dict[str, int]
    observations: int
    by_pillar_year: dict[str, dict[str, int]]
    headlines: tuple[Headline, ...]
    import_result: ImportResult | None
    steps: tuple[str, ...]
    out_dir: str
    extras: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stable key order)."""
        imp = self.import_result
        return {
            "entities": self.entities,
            "entities_by_control": dict(sorted(self.entities_by_control.items())),
            "observations": self.observations,
            "observations_by_pillar_year": self.by_pillar_year,
            "headlines": [
                {
                    "label": h.label,
                    "indicator": h.indicator,
                    "year": h.year,
                    "value": h.value,
                    "unit": h.unit,
                }
                for h in self.headlines
            ],
            "import": None
            if imp is None
            else {
                "entities_added": imp.entities_added,
                "entities_updated": imp.entities_updated,
                "entities_unchanged": imp.entities_unchanged,
                "observations_added": imp.observations_added,
                "observations_updated": imp.observations_updated,
                "observations_unchanged": imp.observations_unchanged,
                "warnings": [str(w) for w in imp.warnings],
            },
            "steps": list(self.steps),
            "out_dir": self.out_dir,
            "extras": self.extras,
        }


@dataclass
class DemoContext:
    """State shared by the steps of one demo build."""

    ledger: DemoLedger
    out_dir: Path
    import_result: ImportResult | None = None
    summary: DemoSummary | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    report_formats: tuple[str, ...] = ()


#: Headline figures printed by ``esgledger demo``: (label, indicator, year, display unit).
HEADLINES: tuple[tuple[str, str, int, str], ...] = (
    ("Purchased electricity", "energy.electricity.purchased", 2024, "MWh"),
    ("Green electricity", "energy.electricity.green", 2024, "MWh"),
    ("Natural gas", "fuel.natural_gas", 2024, "m3"),
    ("Purchased steam", "energy.steam.purchased", 2024, "t"),
    ("Output (REO, illustrative)", "production.reo", 2024, "t"),
    ("Recycled water", "water.recycled", 2024, "m3"),
    ("NOx emissions", "air.nox", 2024, "t"),
    ("Employees", "employees.total", 2024, "person"),
    ("R&D expenditure", "rd.expenditure", 2024, "万元"),
    ("Energy intensity (as reported)", "energy.intensity.reported", 2024, "kgce/tREO"),
)


def data_path(name: str) -> Path:
    """Path of one of the demo data files shipped with the package."""
    return Path(str(resources.files("esgledger.demo").joinpath("data", name)))


def refuse_foreign_data(ledger: DemoLedger) -> None:
    """Raise ConfigError unless ``ledger`` is empty or holds only the demo's entities.

    The demo goes into an empty ledger or a demo ledger, never into a user's
    own data: an entity whose code is not the demo's, or whose English name
    differs from the demo's, counts as the user's.
    """
    import csv

    from esgledger.errors import ConfigError

    with data_path("entities.csv").open(encoding="utf-8-sig", newline="") as f:
        demo = {row["code"]: row["name_en"] for row in csv.DictReader(f)}
    foreign = sorted(e.code for e in ledger.entities() if demo.get(e.code) != e.name_en)
    if foreign:
        from esgledger.store.database import safe_url

        url = getattr(ledger, "url", None)
        where = f"the ledger {safe_url(url)}" if isinstance(url, str) else "the ledger"
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise ConfigError(
            f"{where} already holds entities of its own ({shown}); "
            "the demo is loaded only into an empty ledger or a demo ledger",
            hint="give the demo its own database: esgledger --db sqlite:///demo.db demo",
        )


def _step_import(ctx: DemoContext) -> None:
    from esgledger.intake import import_files

    ctx.import_result = import_files(
        ctx.ledger,
        [data_path("entities.csv"), data_path("observations.csv")],
        actor=ACTOR,
    )


# ---------------------------------------------------------------------------
# LEAD: later steps go here, each a function ``(ctx: DemoContext) -> None``
# added to STEPS below, e.g.
#   _step_compute     esgledger.services.calc.run_and_store(ctx.ledger, ...)
#                     for 2022-2024 (operational boundary), targets from
#                     data_path("targets.yaml")
#   _step_materiality the demo survey and assessment (esgledger.assess)
#   _step_risks       the demo climate risk register (esgledger.assess)
#   _step_report      esgledger.report for 2024, en+zh, html/pdf/docx/xlsx,
#                     into ctx.out_dir; put the written paths in ctx.extras
# ---------------------------------------------------------------------------


def _step_materiality(ctx: DemoContext) -> None:
    """Topics, the synthetic 2023/2024 surveys (assessed) and the climate risk register."""
    from esgledger.store import Ledger
    from esgledger.store.assessments import load_demo

    if not isinstance(ctx.ledger, Ledger):  # a test double without storage
        return
    result = load_demo(ctx.ledger, actor=ACTOR)
    ctx.extras["materiality"] = {
        "year": result.year,
        "tiers": dict(Counter(t.tier for t in result.topics)),
    }


def _step_compute(ctx: DemoContext) -> None:
    """Store one calculation run per boundary for every demo year (lineage kept)."""
    from esgledger.services.calc import run_and_store
    from esgledger.store import Ledger

    if not isinstance(ctx.ledger, Ledger):
        return
    runs: dict[str, int] = {}
    for boundary in ("operational", "financial", "equity"):
        run_id, _ = run_and_store(ctx.ledger, actor=ACTOR, boundary=boundary, reuse=True)
        runs[boundary] = run_id
    ctx.extras["runs"] = runs


def _step_report(ctx: DemoContext) -> None:
    """The demo company's 2024 report in the formats asked for, English and Chinese."""
    from esgledger.report.build import build_report
    from esgledger.store import Ledger

    if not ctx.report_formats or not isinstance(ctx.ledger, Ledger):
        return
    paths = build_report(
        ctx.ledger,
        REPORT_YEAR,
        ("en", "zh"),
        ctx.report_formats,
        ctx.out_dir,
        targets=data_path("targets.yaml"),
    )
    ctx.extras["report"] = [str(p) for p in paths]


def _step_energy(ctx: DemoContext) -> None:
    """Synthetic 15-minute meter series of three key energy units; the alerts they raise."""
    from esgledger.services.demo_energy import load_demo_energy
    from esgledger.store import Ledger

    if not isinstance(ctx.ledger, Ledger):
        return
    ctx.extras["energy"] = load_demo_energy(ctx.ledger, actor=ACTOR)


def _step_summarise(ctx: DemoContext) -> None:
    summary = summarise(ctx.ledger, out_dir=ctx.out_dir, import_result=ctx.import_result)
    ctx.summary = replace(summary, extras=dict(ctx.extras))


def _step_write_summary(ctx: DemoContext) -> None:
    assert ctx.summary is not None
    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    data = ctx.summary.as_dict() | {"steps": [*ctx.done, "write summary"]}
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (ctx.out_dir / "summary.json").write_text(text, encoding="utf-8")


#: The demo's steps, in order: (name shown in the progress bar, function).
STEPS: tuple[tuple[str, Callable[[DemoContext], None]], ...] = (
    ("import demo data", _step_import),
    ("materiality and climate risks", _step_materiality),
    ("compute energy and emissions", _step_compute),
    ("report", _step_report),
    ("synthetic meter data and alerts", _step_energy),
    # LEAD: ("compute", _step_compute), ("materiality", _step_materiality),
    #       ("risks", _step_risks), ("report", _step_report),
    ("summarise", _step_summarise),
    ("write summary", _step_write_summary),
)


def _operational(entities: Sequence[Entity]) -> set[str]:
    """Codes of entities whose whole chain to the root is under operational control."""
    by_code = {e.code: e for e in entities}
    out: set[str] = set()
    for e in entities:
        node: Entity | None = e
        ok = True
        while node is not None:
            if node.control != "operational":
                ok = False
                break
            node = by_code.get(node.parent) if node.parent else None
        if ok:
            out.add(e.code)
    return out


def summarise(
    ledger: DemoLedger,
    *,
    out_dir: Path | str = "",
    import_result: ImportResult | None = None,
) -> DemoSummary:
    """Counts and headline figures of what ``ledger`` holds (any ledger, not only the demo).

    Headline values are straight sums over operational-control entities of the
    canonical values (monthly rows included), in the display unit; the
    calculation engine does proper consolidation with boundaries and
    inclusion windows.
    """
    entities = ledger.entities()
    observations = ledger.observations()
    indicators = load_indicators()
    by_pillar_year: dict[str, Counter[str]] = defaultdict(Counter)
    for o in observations:
        ind = indicators.get(o.indicator)
        pillar = ind.pillar if ind else "?"
        by_pillar_year[pillar][o.period[:4]] += 1
    operational = _operational(entities)
    headlines: list[Headline] = []
    for label, code, year, unit in HEADLINES:
        rows = [
            o
            for o in observations
            if o.indicator == code and o.period[:4] == str(year) and o.entity in operational
        ]
        value = sum(convert(o.value, o.unit, unit) for o in rows) if rows else None
        headlines.append(Headline(label, code, year, value, unit))
    return DemoSummary(
        entities=len(entities),
        entities_by_control=dict(Counter(e.control for e in entities)),
        observations=len(observations),
        by_pillar_year={p: dict(sorted(c.items())) for p, c in sorted(by_pillar_year.items())},
        headlines=tuple(headlines),
        import_result=import_result,
        steps=(),
        out_dir=str(out_dir),
    )


def build_demo(
    ledger: DemoLedger,
    out_dir: Path | str = "out/demo",
    progress: StepProgress | None = None,
    *,
    report_formats: Sequence[str] = (),
) -> DemoSummary:
    """Load the demo data set into ``ledger`` and summarise it; see :data:`STEPS`.

    ``report_formats`` (any of html, pdf, docx, xlsx) also writes the demo
    company's 2024 report in English and Chinese to ``out_dir``; none by
    default, as rendering the PDF takes a while.

    Re-running on a ledger that already holds the demo changes nothing (the
    import is idempotent). A ledger holding entities of its own (not the
    demo's) raises :class:`~esgledger.errors.ConfigError` before anything is
    written (:func:`refuse_foreign_data`). Invalid data raises
    :class:`~esgledger.errors.ValidationError` and nothing is written.
    """
    refuse_foreign_data(ledger)
    ctx = DemoContext(ledger=ledger, out_dir=Path(out_dir), report_formats=tuple(report_formats))
    total = len(STEPS)
    for index, (name, step) in enumerate(STEPS):
        if progress is not None:
            progress(name, index, total)
        step(ctx)
        ctx.done.append(name)
    if progress is not None:
        progress("done", total, total)
    assert ctx.summary is not None
    return DemoSummary(
        entities=ctx.summary.entities,
        entities_by_control=ctx.summary.entities_by_control,
        observations=ctx.summary.observations,
        by_pillar_year=ctx.summary.by_pillar_year,
        headlines=ctx.summary.headlines,
        import_result=ctx.import_result,
        steps=tuple(ctx.done),
        out_dir=str(ctx.out_dir),
        extras=ctx.extras,
    )
