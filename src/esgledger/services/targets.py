"""Targets service: find a targets file, compute the values it needs, assess progress.

The assessment itself is pure (:func:`esgledger.calc.targets.assess_targets`);
this module reads what it needs from a :class:`~esgledger.store.Ledger`: the
observed indicators a target names and, for calculation metrics, a run of the
calculation engine with the ledger's own factor overrides.

Typical use (what ``esgledger targets`` does)::

    found = load_targets_file(None, data_dir=settings.data_dir)
    with Ledger.open(url) as ledger:
        result = ledger_targets(ledger, found, data_dir=settings.data_dir)
    result.as_dict()
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from esgledger.errors import ConfigError, EsgError, Problem
from esgledger.errors import ValidationError as InputError
from esgledger.services.authz import authorize

if TYPE_CHECKING:
    from esgledger.calc.boundary import Boundary
    from esgledger.calc.formula import Value
    from esgledger.calc.targets import Progress, Target
    from esgledger.services.context import Context
    from esgledger.store.ledger import Ledger

__all__ = [
    "DEMO_TARGETS",
    "TargetsFile",
    "TargetsResult",
    "ledger_targets",
    "load_targets_file",
    "metric_values",
    "targets_progress",
    "targets_text",
]

#: The demo data set's targets (package resource), the last fallback.
DEMO_TARGETS = "demo/data/targets.yaml"

_BOUNDARIES = ("operational", "financial", "equity")


@dataclass(frozen=True)
class TargetsFile:
    """A parsed targets file: the name to show, its targets, and whether it is the demo's."""

    name: str
    targets: tuple[Target, ...]

    @property
    def demo(self) -> bool:
        """True when no targets file was found and the demo data set's targets stand in."""
        return self.name == DEMO_TARGETS


@dataclass(frozen=True)
class TargetsResult:
    """Progress of every target in a targets file, assessed over a ledger."""

    file: str
    boundary: str
    progress: tuple[Progress, ...]
    demo: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form: ``{"file", "boundary", "targets": [Progress.as_dict(), ...]}``."""
        return {
            "file": self.file,
            "boundary": self.boundary,
            "targets": [p.as_dict() for p in self.progress],
        }


def targets_text(file: Path | None, *, data_dir: Path) -> tuple[str, str]:
    """The targets file's text and the name to show.

    ``file`` when given (it must exist); else ``targets.yaml`` in ``data_dir``
    when there is one; else the demo data set's targets (:data:`DEMO_TARGETS`).
    """
    candidates = [file] if file is not None else [data_dir / "targets.yaml"]
    for path in candidates:
        if file is None and not path.exists():
            continue
        try:
            return path.read_text(encoding="utf-8-sig"), str(path)
        except OSError as exc:
            raise EsgError(f"cannot read targets file {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise EsgError(f"targets file {path} is not UTF-8 text") from None
    demo = resources.files("esgledger").joinpath(DEMO_TARGETS)
    if demo.is_file():
        return demo.read_text(encoding="utf-8"), DEMO_TARGETS
    raise ConfigError(
        "no targets file: pass --file or put targets.yaml in the data directory",
        hint="see docs/targets.md for the format",
    )


def load_targets_file(file: Path | None, *, data_dir: Path) -> TargetsFile:
    """Find (see :func:`targets_text`) and parse a targets file; ValidationError if bad."""
    from esgledger.calc.targets import load_targets

    text, name = targets_text(file, data_dir=data_dir)
    return TargetsFile(name=name, targets=tuple(load_targets(text, file=name)))


def metric_values(
    ledger: Ledger, targets: list[Target] | tuple[Target, ...], boundary: str, file: str
) -> dict[tuple[str, str, int], Value]:
    """Values of every metric the targets name: calc metrics computed, indicators observed.

    Every metric code must be a calculation metric or a catalogue indicator and
    every entity must be in the ledger; otherwise one ValidationError (naming
    ``file``) lists them all.
    """
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
    values = observed_values(observations, summable, entities=entities, codes=wanted - set(METRICS))
    if wanted & set(METRICS):
        from esgledger.services.calc import compute_ledger

        # the ledger's own factor overrides apply, as in `esgledger compute`
        run = compute_ledger(ledger, boundary=cast("Boundary", boundary))
        for mv in run.values:
            if mv.metric in wanted and mv.value is not None:
                values[(mv.metric, mv.entity, int(str(mv.period)[:4]))] = Value(mv.value, mv.unit)
    return values


def ledger_targets(
    ledger: Ledger,
    found: TargetsFile,
    *,
    data_dir: Path,
    boundary: str = "operational",
    year: int | None = None,
) -> TargetsResult:
    """Assess ``found``'s targets over ``ledger`` in ``year`` (default: latest with data).

    The demo's stand-in targets are used only on a ledger that holds their
    entities; on any other ledger a ConfigError asks for a targets file (in
    ``data_dir``, named in the message).
    """
    from esgledger.calc.targets import assess_targets

    if boundary not in _BOUNDARIES:
        raise EsgError(f"unknown boundary {boundary!r}: expected operational, financial or equity")
    if found.demo:
        known = {e.code for e in ledger.entities()}
        if any(code not in known for t in found.targets for code in t.entities):
            raise ConfigError(
                "no targets file: pass --file FILE or put targets.yaml in the data "
                f"directory ({data_dir}; ESGLEDGER_DATA_DIR)",
                hint="the format is in docs/targets.md (the demo's targets fit only "
                "the demo ledger)",
            )
    values = metric_values(ledger, found.targets, boundary, found.name)
    progress = assess_targets(found.targets, values, year=year)
    return TargetsResult(
        file=found.name, boundary=boundary, progress=tuple(progress), demo=found.demo
    )


def targets_progress(
    ctx: Context,
    found: TargetsFile,
    *,
    data_dir: Path,
    boundary: str = "operational",
    year: int | None = None,
) -> TargetsResult:
    """The ``targets`` use case: :func:`ledger_targets` for ``ctx``'s user (``results.read``)."""
    authorize(ctx, "results.read")
    return ledger_targets(ctx.ledger, found, data_dir=data_dir, boundary=boundary, year=year)
