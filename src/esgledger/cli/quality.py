"""Quality and target commands: ``targets``, ``check`` and ``check ack``.

Each reads the ledger, calls one pure library function
(:func:`esgledger.calc.targets.assess_targets`,
:func:`esgledger.quality.run_checks`) and prints the result. Acknowledgements
of findings are audit events (action ``quality.ack``), so they are part of the
hash-chained trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.markup import escape

from esgledger.cli.app import app, console, emit_json, err_console, state
from esgledger.errors import ConfigError, EsgError, NotFoundError, Problem
from esgledger.errors import ValidationError as InputError

if TYPE_CHECKING:
    from esgledger.calc.boundary import Boundary
    from esgledger.calc.formula import Value
    from esgledger.calc.targets import Target
    from esgledger.quality import Finding
    from esgledger.store.ledger import Ledger

__all__ = ["ACK_ACTION", "ack_cmd", "check_cmd", "targets_cmd"]

#: The audit action that records an acknowledged finding.
ACK_ACTION = "quality.ack"

check_app = typer.Typer(
    name="check",
    help="Data-quality checks over the ledger; `check ack ID --reason ...` acknowledges one.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(check_app, name="check")

_STATUS_STYLE = {
    "achieved": "green",
    "on track": "green",
    "off track": "red",
    "no data": "yellow",
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def _open_ledger() -> Ledger:
    from esgledger.store.ledger import Ledger

    return Ledger.open(state.db)


@contextmanager
def _working(text: str, *, quiet: bool) -> Iterator[None]:
    """A spinner on stderr while something slow runs (not in JSON mode or when piped)."""
    if quiet or not err_console.is_terminal:
        yield
        return
    with err_console.status(text):
        yield


def _year_of(period: str | None) -> int | None:
    if period is None:
        return None
    from esgledger.model import Period

    return Period.parse(period).year


# --- targets -----------------------------------------------------------------------


_DEMO_TARGETS = "demo/data/targets.yaml"


def _targets_text(file: Path | None) -> tuple[str, str]:
    """The targets file's text and the name to show: --file, ./targets.yaml, or the demo's."""
    candidates = [file] if file is not None else [state.settings.data_dir / "targets.yaml"]
    for path in candidates:
        if file is None and not path.exists():
            continue
        try:
            return path.read_text(encoding="utf-8-sig"), str(path)
        except OSError as exc:
            raise EsgError(f"cannot read targets file {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise EsgError(f"targets file {path} is not UTF-8 text") from None
    demo = resources.files("esgledger").joinpath(_DEMO_TARGETS)
    if demo.is_file():
        return demo.read_text(encoding="utf-8"), _DEMO_TARGETS
    raise ConfigError(
        "no targets file: pass --file or put targets.yaml in the data directory",
        hint="see docs/targets.md for the format",
    )


def _metric_values(
    ledger: Ledger, targets: list[Target], boundary: str, file: str
) -> dict[tuple[str, str, int], Value]:
    """Values of every metric the targets name: calc metrics computed, indicators observed."""
    from esgledger.calc.formula import Value
    from esgledger.calc.metrics import METRICS
    from esgledger.calc.targets import observed_values
    from esgledger.catalog.indicators import load_indicators

    indicators = load_indicators()
    entities = ledger.entities()
    known_entities = {e.code for e in entities}
    problems: list[Problem] = []
    wanted: set[str] = set()
    for i, t in enumerate(targets):
        for key, code in (
            ("metric", t.metric),
            ("numerator", t.numerator),
            ("denominator", t.denominator),
        ):
            if code is None:
                continue
            if code not in METRICS and code not in indicators:
                problems.append(
                    Problem(file, None, f"targets[{i}].{key}", code, "a metric or indicator code")
                )
            wanted.add(code)
        for code in t.entities:
            if code not in known_entities:
                problems.append(
                    Problem(file, None, f"targets[{i}].entities", code, "an entity in the ledger")
                )
    if problems:
        raise InputError(problems, what=file)
    observations = ledger.observations()
    summable = {c for c, ind in indicators.items() if ind.aggregation == "sum"}
    values = observed_values(observations, summable, codes=wanted - set(METRICS))
    if wanted & set(METRICS):
        from esgledger.calc.service import compute_ledger

        # the ledger's own factor overrides apply, as in `esgledger compute`
        run = compute_ledger(ledger, boundary=cast("Boundary", boundary))
        for mv in run.values:
            if mv.metric in wanted and mv.value is not None:
                values[(mv.metric, mv.entity, int(str(mv.period)[:4]))] = Value(mv.value, mv.unit)
    return values


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


@app.command("targets")
def targets_cmd(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            metavar="FILE.yaml",
            help="Targets file (YAML, docs/targets.md); default: targets.yaml in "
            "ESGLEDGER_DATA_DIR (default .), or the demo's targets on the demo ledger.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            metavar="YYYY",
            help="Year to assess (default: latest with data).",
        ),
    ] = None,
    boundary: Annotated[
        str,
        typer.Option(
            "--boundary",
            "-b",
            metavar="operational|financial|equity",
            help="operational, financial or equity (calc metrics).",
        ),
    ] = "operational",
    as_json: Annotated[bool, typer.Option("--json", help="Print progress as JSON.")] = False,
) -> None:
    """Progress against targets: achieved, on track or off track along a straight-line path."""
    from esgledger.calc.targets import assess_targets, load_targets

    if boundary not in ("operational", "financial", "equity"):
        raise EsgError(f"unknown boundary {boundary!r}: expected operational, financial or equity")
    year = _year_of(period)
    text, name = _targets_text(file)
    targets = load_targets(text, file=name)
    with _working("computing target metrics…", quiet=as_json), _open_ledger() as ledger:
        if name == _DEMO_TARGETS:
            known = {e.code for e in ledger.entities()}
            if any(code not in known for t in targets for code in t.entities):
                raise ConfigError(
                    "no targets file: pass --file FILE or put targets.yaml in the data "
                    f"directory ({state.settings.data_dir}; ESGLEDGER_DATA_DIR)",
                    hint="the format is in docs/targets.md (the demo's targets fit only "
                    "the demo ledger)",
                )
            err_console.print("no targets.yaml here; showing the demo data set's targets")
        values = _metric_values(ledger, targets, boundary, name)
    progress = assess_targets(targets, values, year=year)
    if as_json:
        emit_json({"file": name, "boundary": boundary, "targets": [p.as_dict() for p in progress]})
        return
    console.print(f"targets from {name} ({boundary} control)", markup=False)
    for p in progress:
        style = _STATUS_STYLE[p.status]
        pct = "" if p.progress_pct is None else f", {p.progress_pct:.0f} % of the way"
        console.print(
            f"[{style}]{p.status:<9}[/] [bold]{escape(p.target_id)}[/]  {p.year}{pct}",
            highlight=False,
        )
        if p.name_en:
            console.print(f"          {p.name_en}", markup=False, highlight=False)
        console.print(
            f"          {p.metric}: actual {_fmt(p.actual)} {p.unit}; "
            f"baseline {_fmt(p.baseline)} ({p.baseline_year}); "
            f"target {_fmt(p.target)} ({p.target_year}); path {_fmt(p.expected)}",
            markup=False,
            highlight=False,
            style="dim",
        )
        if p.note:
            console.print(f"          note: {p.note}", markup=False, highlight=False, style="dim")


# --- check -------------------------------------------------------------------------


def _acknowledgements(ledger: Ledger) -> dict[str, str]:
    """Finding id → reason, from the audit trail (a later acknowledgement wins)."""
    out: dict[str, str] = {}
    for event in ledger.audit_events(action=ACK_ACTION):
        payload = event.payload if isinstance(event.payload, dict) else {}
        out[event.ref] = str(payload.get("reason", ""))
    return out


def _findings(ledger: Ledger, *, threshold: float, required: list[str]) -> list[Finding]:
    from esgledger.catalog.indicators import load_indicators
    from esgledger.quality import CheckConfig, run_checks

    if not 0 < threshold < 100:
        raise EsgError(f"bad threshold {threshold!r}: expected a fraction such as 0.3 (= ±30 %)")
    indicators = load_indicators()
    unknown = [c for c in required if c not in indicators]
    if unknown:
        raise NotFoundError(
            f"unknown indicator {', '.join(map(repr, unknown))} in --require",
            hint="list them with: esgledger indicators",
        )
    config = CheckConfig(threshold=threshold, required=tuple(required))
    return run_checks(
        ledger.observations(),
        ledger.entities(),
        indicators,
        config=config,
        acknowledged=_acknowledgements(ledger),
    )


_THRESHOLD = typer.Option(
    "--threshold",
    "-t",
    metavar="FRACTION",
    help="Year-on-year change flagged beyond ± this fraction (0.3 = ±30 %).",
)
_REQUIRE = typer.Option(
    "--require",
    "-r",
    metavar="CODE",
    help="Indicator every reporting entity must have (repeatable).",
)


@check_app.callback()
def check_cmd(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", metavar="YYYY[-MM]", help="Only findings for this year (or month)."
        ),
    ] = None,
    threshold: Annotated[float, _THRESHOLD] = 0.3,
    require: Annotated[list[str] | None, _REQUIRE] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Hide explained and acknowledged findings.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", help="Show at most this many findings (text output)."),
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON.")] = False,
) -> None:
    """Check the ledger's data: missing indicators, big year-on-year changes, sums, outliers."""
    if ctx.invoked_subcommand is not None:
        return
    from esgledger.quality import summarize

    if limit < 0:
        raise ConfigError(f"--limit {limit}: expected a number of findings, 0 or more")
    year = _year_of(period)
    with _working("checking the ledger…", quiet=as_json), _open_ledger() as ledger:
        findings = _findings(ledger, threshold=threshold, required=require or [])
    if year is not None and period is not None:
        if period.strip() == str(year):
            findings = [f for f in findings if f.year == year]
        else:  # a month: that month's findings and the year's
            findings = [f for f in findings if f.period in (period.strip(), str(year))]
    if open_only:
        findings = [f for f in findings if f.status == "open"]
    summary = summarize(findings)
    if as_json:
        emit_json({"summary": summary, "findings": [f.as_dict() for f in findings]})
        return
    if not findings:
        console.print("no findings")
        return
    for f in findings[: max(limit, 0)]:
        style = _SEVERITY_STYLE[f.severity]
        status = "" if f.status == "open" else f"  [dim]({f.status})[/]"
        console.print(
            f"[{style}]{f.severity:<7}[/] [bold]{f.id}[/]  {f.entity}  {f.indicator}  "
            f"{f.period}{status}",
            highlight=False,
        )
        console.print(f"        {f.message}", markup=False, highlight=False)
        if f.note:
            note = f.note if len(f.note) <= 160 else f.note[:157] + "..."
            console.print(f"        {f.status}: {note}", markup=False, style="dim")
    if len(findings) > max(limit, 0):
        console.print(f"... and {len(findings) - max(limit, 0)} more (see --json or --limit)")
    opened = summary["open"]
    console.print(
        f"{summary['total']} findings; open: {opened['error']} errors, "
        f"{opened['warning']} warnings, {opened['info']} info; "
        f"{summary['status']['explained']} explained, "
        f"{summary['status']['acknowledged']} acknowledged"
    )
    console.print('acknowledge one with: esgledger check ack ID --reason "..."', markup=False)


@check_app.command("ack")
def ack_cmd(
    finding: Annotated[
        str, typer.Argument(metavar="ID", help="The finding's id (from esgledger check).")
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why the finding is acceptable.")
    ],
    threshold: Annotated[float, _THRESHOLD] = 0.3,
    require: Annotated[list[str] | None, _REQUIRE] = None,
) -> None:
    """Acknowledge a finding with an explanation (recorded in the audit trail)."""
    fid = finding.strip().lower()
    why = reason.strip()
    if not why:
        raise InputError(
            [Problem("--reason", None, "reason", reason, "a non-empty explanation")],
            what="acknowledgement",
        )
    with _open_ledger() as ledger:
        findings = {f.id: f for f in _findings(ledger, threshold=threshold, required=require or [])}
        found = findings.get(fid)
        if found is None:
            raise NotFoundError(
                f"no current finding with id {finding!r}",
                hint="list them with: esgledger check (use the same --threshold/--require)",
            )
        actor = state.settings.actor
        with ledger.transaction() as conn:
            ledger.append_audit(
                conn,
                actor=actor,
                action=ACK_ACTION,
                ref=fid,
                payload={
                    "reason": why,
                    "check": found.check,
                    "entity": found.entity,
                    "indicator": found.indicator,
                    "period": found.period,
                    "message": found.message,
                },
            )
    console.print(
        f"acknowledged {fid} ({found.entity} {found.indicator} {found.period})", markup=False
    )
