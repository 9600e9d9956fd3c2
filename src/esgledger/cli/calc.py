"""Calculation commands: ``compute``, ``explain`` and ``factors``.

``compute`` runs the engine over the ledger and stores the run; ``explain``
prints one value with its lineage tree, read from a stored run
(``services.explain``); ``factors``
lists and searches the factor library (``factors import FILE`` adds user
factors). Each command calls the library and prints; no business logic here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from esgledger.calc.boundary import BOUNDARIES, Boundary
from esgledger.calc.metrics import METRICS
from esgledger.catalog.factors import KINDS, Factor, load_factors, read_factor_file
from esgledger.cli.app import (
    add_row,
    app,
    console,
    emit_json,
    err_console,
    open_context,
    state,
)
from esgledger.cli.paths import choice, input_text
from esgledger.errors import CalcError, EsgError, InputError

__all__ = ["compute_cmd", "explain_cmd", "factors_cmd", "render_explanation"]

HEADLINE = (
    "energy.total_tce",
    "energy.renewable_share",
    "ghg.scope1",
    "ghg.scope1.co2",
    "ghg.scope2.location",
    "ghg.scope2.market",
    "ghg.scope3",
    "ghg.total.location",
    "intensity.energy_per_treo",
    "intensity.ghg_per_treo",
)

BoundaryOpt = Annotated[
    str,
    typer.Option(
        "--boundary",
        "-b",
        metavar="operational|financial|equity",
        help="Consolidation: operational, financial or equity.",
    ),
]
GwpOpt = Annotated[
    str, typer.Option("--gwp", metavar="AR6|AR5|AR4", help="GWP set: AR6 (default), AR5 or AR4.")
]
SteamOpt = Annotated[
    str,
    typer.Option(
        "--steam-method",
        metavar="enthalpy|table",
        help="Steam to tce: enthalpy (default) or table (legacy 0.1286 kgce/kg).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _boundary(text: str) -> Boundary:
    if text not in BOUNDARIES:
        raise CalcError(f"unknown boundary {text!r}", hint=f"use one of: {', '.join(BOUNDARIES)}")
    return text


def _year(text: str) -> int:
    t = text.strip()
    if len(t) == 4 and t.isdigit():
        return int(t)
    raise CalcError(
        f"bad period {text!r}: results are annual; give a year such as 2024",
    )


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.4g}"
    return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.2f}"


@app.command("compute")
def compute_cmd(
    period: Annotated[
        list[str] | None,
        typer.Option(
            "--period", "-p", metavar="YYYY", help="Year(s) to compute (repeatable; default: all)."
        ),
    ] = None,
    boundary: BoundaryOpt = "operational",
    gwp: GwpOpt = "AR6",
    steam_method: SteamOpt = "enthalpy",
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            "-e",
            metavar="CODE",
            help="Compute only this entity and its subtree, without storing the run.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute energy, GHG and intensities over the ledger and store the run.

    Results are annual: energy in tce and GJ, emissions in tCO2e (Scope 1, 2
    location- and market-based, 3), intensities in kgce/tREO and tCO2e/tREO.
    With --entity, one subtree is computed and nothing is stored (run 0).
    """
    from esgledger.services.calc import compute_run, compute_subtree

    b = _boundary(boundary)
    years = sorted({_year(p) for p in period}) if period else None
    with open_context() as ctx, err_console.status("computing ...", spinner="dots"):
        if entity is not None:
            run_id = 0
            result = compute_subtree(
                ctx, entity, periods=years, boundary=b, gwp=gwp, steam_method=steam_method
            )
        else:
            run_id, result = compute_run(
                ctx,
                periods=years,
                boundary=b,
                gwp=gwp,
                steam_method=steam_method,
            )
    roots = sorted(c for c, e in result.tree.entities.items() if not e.parent)
    if as_json:
        emit_json(
            {
                "run_id": run_id,
                "boundary": result.boundary,
                "gwp": result.gwp,
                "inputs_hash": result.inputs_hash,
                "factor_version": result.factor_version,
                "code_version": result.code_version,
                "values": [
                    {
                        "metric": v.metric,
                        "entity": v.entity,
                        "period": v.period,
                        "boundary": v.boundary,
                        "value": v.value,
                        "unit": v.unit,
                    }
                    for v in result.values
                ],
            }
        )
        return
    console.print(
        f"run {run_id}: boundary {result.boundary}, GWP {result.gwp}, "
        f"{len(result.values)} values, inputs {result.inputs_hash[:12]}"
    )
    for root in roots:
        table = Table(title=f"{root} ({result.tree.entities[root].name_en})")
        table.add_column("metric")
        table.add_column("unit")
        periods = [p for p in result.periods]
        for p in periods:
            table.add_column(p, justify="right")
        for metric in HEADLINE:
            cells = []
            for p in periods:
                try:
                    cells.append(_fmt(result.value(metric, root, p).value))
                except EsgError:
                    cells.append("-")
            table.add_row(metric, METRICS[metric].unit, *cells)
        console.print(table)
    if not result.values:
        console.print("no observations to compute from: import data first (esgledger import)")


def render_explanation(data: dict[str, Any]) -> Tree:
    """A rich tree of one explanation (the JSON of ``explain --json``)."""
    head = (
        f"[bold]{data['metric']}[/] = [bold]{_fmt(data['value'])}[/] {escape(data['unit'])}  "
        f"({escape(data['entity'])}, {data['period']}, {data['boundary']} boundary, "
        f"GWP {data['gwp']})"
    )
    if data.get("uncertainty_pct") is not None:
        head += f"  ± {data['uncertainty_pct']:g} % (95 %, error propagation)"
    tree = Tree(head)
    _render_lineage(tree, data["lineage"], data["unit"])
    return tree


def _render_lineage(node: Tree, lineage: dict[str, Any] | None, unit: str) -> None:
    if lineage is None:
        node.add("no data")
        return
    node.add(f"[dim]{escape(lineage['formula'])}[/]")
    for inp in lineage.get("inputs", []):
        child = node.add(escape(f"{inp['metric']} = {_fmt(inp['value'])} {inp['unit']}"))
        _render_lineage(child, inp["lineage"], inp["unit"])
    for ent in lineage.get("entities", []):
        why = escape("; ".join(p["reason"] for p in ent["share_path"]))
        amount = escape(
            f"{ent['name_en']} ({ent['region']}): {_fmt(ent['value'])} {unit} x share "
            f"{ent['share']:.6g} = {_fmt(ent['consolidated'])} {unit}"
        )
        e = node.add(f"[bold]{escape(ent['entity'])}[/] {amount}  [dim]{why}[/]")
        for note in ent["notes"]:
            e.add(f"[yellow]{escape(note)}[/]")
        for o in ent["observations"]:
            reported = escape(
                f"{o['indicator']} {o['period']}: {o['raw_value']} {o['raw_unit']} "
                f"(= {_fmt(o['value'])} {o['unit']}; source {o['source'] or '-'}) "
                f"x {o['fraction']:.6g}"
            )
            scaled = escape(
                f"x {o['coefficient']:.6g} {o['coefficient_unit']} = {_fmt(o['contribution'])}"
            )
            obs = e.add(f"{reported} [dim]({escape(o['fraction_reason'])})[/] {scaled}")
            for f in o["factors"]:
                f_unit = "" if f["unit"] in ("1", "dimensionless", "") else f" {f['unit']}"
                cited = escape(
                    f"{f['role']}: {f['value']:g}{f_unit} — {f['source']}"
                    f"{', ' + f['edition'] if f['edition'] else ''}"
                    f"{', ' + f['table'] if f['table'] else ''}"
                )
                obs.add(f"{cited} [dim](why: {escape(f['why'])})[/]")
            for note in o["notes"]:
                obs.add(f"[dim]{escape(note)}[/]")


@app.command("explain")
def explain_cmd(
    metric: Annotated[
        str,
        typer.Argument(
            metavar="METRIC",
            help="Metric code, e.g. ghg.scope2.location (list: docs/methodology.md).",
        ),
    ],
    entity: Annotated[
        str, typer.Option("--entity", "-e", metavar="CODE", help="Entity code (e.g. the group).")
    ],
    period: Annotated[str, typer.Option("--period", "-p", metavar="YYYY", help="Year, e.g. 2024.")],
    boundary: BoundaryOpt = "operational",
    gwp: GwpOpt = "AR6",
    steam_method: SteamOpt = "enthalpy",
    run_id: Annotated[
        int | None,
        typer.Option(
            "--run",
            metavar="ID",
            help="A stored run to read (default: the latest run of these options).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print a metric's value and its lineage down to observations and factors.

    The value is in the metric's unit (energy.total_tce in tce, ghg.* in tCO2e,
    intensity.energy_per_treo in kgce/tREO); each observation is shown as
    submitted and converted, each factor with its unit, source and why it was chosen.
    The lineage is read from the latest stored run of the same options (see
    `compute`), or from --run ID; it says when the ledger has changed since that
    run. Without a stored run the year is computed on the spot.
    """
    from esgledger.services.explain import explain

    with open_context() as ctx, err_console.status("explaining ...", spinner="dots"):
        data = explain(
            ctx,
            metric,
            entity=entity,
            period=period,
            boundary=boundary,
            gwp=gwp,
            steam_method=steam_method,
            run_id=run_id,
        )
    if as_json:
        emit_json(data)
        return
    run = data["run"]
    if run.get("ledger_changed"):
        err_console.print(f"[yellow]note:[/] {escape(run['note'])}")
    console.print(render_explanation(data))


def _factor_json(f: Factor) -> dict[str, Any]:
    return f.to_dict()


def _overrides_if_any() -> list[Factor]:
    from esgledger.services.factors import factor_overrides

    url = state.settings.database_url
    if url.startswith("sqlite:///") and not state.db:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return []
    with open_context() as ctx:
        return factor_overrides(ctx)


@app.command("factors")
def factors_cmd(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY", help="Text to search for; or the word 'import' followed by FILE."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Argument(metavar="FILE", help="With 'import': a CSV file (UTF-8) of factors."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", metavar="KIND", help="Only this kind (tce, ncv, grid, ...)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With 'import': validate only.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List and search the factor library; `factors import FILE` adds user factors.

    A factor file is CSV (UTF-8) with the columns kind, subject, value, unit and
    optionally entity, region, year_from, year_to, source, edition, table,
    confidence, note. A row with an entity applies to that entity only (e.g. a
    measured NCV, or a supplier-specific grid factor) in the years given.
    """
    if query == "import":
        if file is None:
            raise InputError("factors import needs a FILE", hint="esgledger factors import F.csv")
        _import_factors(file, dry_run=dry_run, as_json=as_json)
        return
    if file is not None:
        raise InputError(f"unexpected argument {str(file)!r}", hint="esgledger factors [QUERY]")
    if kind is not None:
        choice("--kind", kind, tuple(KINDS))
    factors = load_factors().with_overrides(_overrides_if_any())
    found = sorted(factors.search(query or "", kind=kind), key=lambda f: (f.kind, f.subject, f.id))
    if as_json:
        emit_json([_factor_json(f) for f in found])
        return
    table = Table(title=f"factors ({len(found)} of {len(factors)}; version {factors.version})")
    for col in ("kind", "subject", "where", "years", "value", "unit", "source", "conf."):
        table.add_column(col, overflow="fold")
    for f in found:
        years = (
            ""
            if f.year_from is None and f.year_to is None
            else f"{f.year_from or ''}-{f.year_to or ''}"
        )
        where = f"entity {f.entity}" if f.entity else f.region
        add_row(
            table,
            f.kind,
            f.subject,
            where,
            years,
            f"{f.value:g}",
            f.unit,
            f"{f.source}; {f.edition}" if f.edition else f.source,
            f.confidence,
        )
    console.print(table)


def _import_factors(file: Path, *, dry_run: bool, as_json: bool) -> None:
    from esgledger.services.factors import import_factors

    text = input_text("FILE", file, "a factor file (CSV, UTF-8)")
    with open_context() as ctx:
        known = {e.code for e in ctx.ledger.entities()}
        factors = read_factor_file(text, file=file.name, known_entities=known)
        if dry_run:
            summary = {"file": file.name, "factors": len(factors), "dry_run": True}
        else:
            res = import_factors(ctx, factors, file=file.name)
            summary = {
                "file": file.name,
                "factors": len(factors),
                "added": res.added,
                "updated": res.updated,
                "unchanged": res.unchanged,
                "dry_run": False,
            }
    if as_json:
        emit_json(summary)
        return
    if dry_run:
        console.print(
            f"{file.name}: {len(factors)} factor(s) valid; nothing written (dry run)", markup=False
        )
    else:
        console.print(
            f"{file.name}: {summary['added']} added, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged",
            markup=False,
        )
