"""Data entry per entity and campaign: the form, checks as you type, save draft, submit.

Values are checked by the importer's own rules
(:class:`esgledger.intake.validate.ObservationChecker`), so a value the form
accepts is one an import would accept, and saved through the same all-or-nothing
import path. Submitting refuses a year-on-year swing beyond ±30 % that carries
no explanation (the value's comment or its comment thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from esgledger.catalog.indicators import Indicator, load_indicators
from esgledger.errors import InputError, NotFoundError, Problem
from esgledger.intake.collection import unit_choices
from esgledger.intake.tables import Table
from esgledger.intake.validate import ObservationChecker
from esgledger.model import ImportBatch, ImportResult, Observation, Period
from esgledger.services import observations, workflow
from esgledger.services.authz import authorize
from esgledger.services.campaigns import expected_periods, get_campaign, rejected_keys
from esgledger.services.context import Context
from esgledger.store import comments as comment_repo
from esgledger.store import evidence as evidence_repo

__all__ = [
    "SWING_LIMIT",
    "Check",
    "EntryForm",
    "EntryRow",
    "EntryValue",
    "check_value",
    "entry_form",
    "indicator_catalogue",
    "is_locked",
    "last_year_values",
    "save_values",
    "submit_values",
    "swing",
    "swing_problems",
]

#: A change against last year beyond this share needs an explanation before submitting.
SWING_LIMIT = 0.30
_FILE = "form"
_INDEX = {
    "entity": 0,
    "period": 1,
    "indicator": 2,
    "value": 3,
    "unit": 4,
    "source": 5,
    "comment": 6,
}


@dataclass(frozen=True)
class EntryValue:
    """One value as typed in the form."""

    period: str
    indicator: str
    value: str
    unit: str
    comment: str = ""
    source: str = ""


@dataclass(frozen=True)
class Cell:
    """One period's slot of a form row: what the ledger holds now."""

    period: str
    observation: Observation | None
    last_year: float | None
    rejected: str | None = None
    evidence: int = 0
    comments: int = 0

    @property
    def swing(self) -> float | None:
        if self.observation is None:
            return None
        return swing(self.observation.value, self.last_year)


@dataclass(frozen=True)
class EntryRow:
    indicator: Indicator
    units: tuple[str, ...]
    cells: tuple[Cell, ...]

    @property
    def monthly(self) -> bool:
        return len(self.cells) > 1


@dataclass(frozen=True)
class EntryForm:
    campaign_id: int
    entity: str
    period: str
    rows: tuple[EntryRow, ...]
    locked: bool = False
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """The result of checking one typed value."""

    ok: bool
    problems: tuple[Problem, ...]
    value: float | None = None
    unit: str = ""
    last_year: float | None = None
    swing: float | None = None
    needs_comment: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "problems": [p.as_dict() for p in self.problems],
            "value": self.value,
            "unit": self.unit,
            "last_year": self.last_year,
            "swing": self.swing,
            "needs_comment": self.needs_comment,
        }


def indicator_catalogue() -> dict[str, Indicator]:
    """The indicator catalogue by code (names and units for display)."""
    return load_indicators()


def swing(value: float, last: float | None) -> float | None:
    """The change against last year as a share (0.3 = +30 %); None without a base."""
    if last is None or last == 0:
        return None
    return (value - last) / abs(last)


def _previous(period: str) -> str:
    p = Period.parse(period)
    return str(Period(p.year - 1, p.month))


def last_year_values(ctx: Context, entity: str, year: str) -> dict[tuple[str, str], float]:
    """(period of this year, indicator) → last year's canonical value (months summed up)."""
    prev = str(int(year) - 1)
    out: dict[tuple[str, str], float] = {}
    sums: dict[str, float] = {}
    catalogue = load_indicators()
    for o in ctx.ledger.observations(entity=entity, year=int(prev)):
        out[(year + o.period[4:], o.indicator)] = o.value
        ind = catalogue.get(o.indicator)
        if o.period != prev and ind is not None and ind.aggregation == "sum":
            sums[o.indicator] = sums.get(o.indicator, 0.0) + o.value
    for code, total in sums.items():
        out.setdefault((year, code), total)
    return out


def entry_form(ctx: Context, campaign_id: int, entity: str) -> EntryForm:
    """The form of one entity in one campaign: every assigned indicator and period."""
    authorize(ctx, "data.read", entity)
    c = get_campaign(ctx, campaign_id)
    if entity not in {a.entity for a in c.assignments}:
        raise NotFoundError(f"{entity!r} is not part of campaign {campaign_id}")
    catalogue = load_indicators()
    current = {
        (o.period, o.indicator): o
        for o in ctx.ledger.observations(entity=entity, year=int(c.period))
    }
    last = last_year_values(ctx, entity, c.period)
    rejected = rejected_keys(ctx, entity, c.period)
    with ctx.ledger.read() as conn:
        ev = evidence_repo.evidence_for(conn, entity, c.period)
        cm = comment_repo.comments_for(conn, entity, c.period)
    ev_n: dict[tuple[str, str], int] = {}
    for e in ev:
        ev_n[(e.period, e.indicator)] = ev_n.get((e.period, e.indicator), 0) + 1
    cm_n: dict[tuple[str, str], int] = {}
    for m in cm:
        cm_n[(m.period, m.indicator)] = cm_n.get((m.period, m.indicator), 0) + 1
    rows = []
    counts: dict[str, int] = {}
    for code in c.indicators:
        ind = catalogue.get(code)
        if ind is None:
            continue
        cells = []
        for per in expected_periods(c.period, ind, c.monthly):
            obs = current.get((per, code))
            if obs is not None:
                counts[obs.status] = counts.get(obs.status, 0) + 1
            cells.append(
                Cell(
                    per,
                    obs,
                    last.get((per, code)),
                    rejected.get((per, code)),
                    ev_n.get((per, code), 0),
                    cm_n.get((per, code), 0),
                )
            )
        rows.append(EntryRow(ind, tuple(unit_choices(ind)), tuple(cells)))
    return EntryForm(campaign_id, entity, c.period, tuple(rows), counts=counts)


def _check(
    ctx: Context, entity: str, values: Sequence[EntryValue]
) -> tuple[list[Observation], list[Problem]]:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    entities = {e.code: e for e in ctx.entities()}
    checker = ObservationChecker(entities, problems, warnings)
    rows = [
        (i, [entity, v.period, v.indicator, v.value, v.unit, v.source, v.comment])
        for i, v in enumerate(values)
    ]
    checker.check(Table(_FILE, "observations", dict(_INDEX), rows))
    fixed = [
        Problem(p.file, p.row, p.column, p.value, p.expected, f"values[{p.row}].{p.column}")
        for p in problems
    ]
    return checker.observations, fixed


def check_value(
    ctx: Context,
    *,
    entity: str,
    period: str,
    indicator: str,
    value: str,
    unit: str,
    comment: str = "",
) -> Check:
    """Check one typed value by the importer's rules; say its swing against last year."""
    authorize(ctx, "data.read", entity)
    if not value.strip():
        return Check(True, ())
    obs, problems = _check(ctx, entity, [EntryValue(period, indicator, value, unit, comment)])
    if problems or not obs:
        return Check(False, tuple(problems))
    o = obs[0]
    last = last_year_values(ctx, entity, o.period[:4]).get((o.period, indicator))
    s = swing(o.value, last)
    needs = s is not None and abs(s) > SWING_LIMIT and not comment.strip()
    return Check(True, (), o.value, o.unit, last, s, needs)


def save_values(
    ctx: Context, entity: str, values: Sequence[EntryValue], *, reason: str | None = None
) -> ImportResult:
    """Save the typed values as drafts (all or nothing; empty values are left out).

    Problems name ``values[i].<column>`` with ``i`` the index in ``values``
    after empty values are left out. ``reason`` makes changes to a locked
    period restatements.
    """
    authorize(ctx, "data.enter", entity)
    filled = [v for v in values if v.value.strip()]
    if not filled:
        return ImportResult()
    obs, problems = _check(ctx, entity, filled)
    if problems:
        raise InputError(problems, what="form")
    batch = ImportBatch(entities=(), observations=tuple(obs), files=(_FILE,))
    return observations.import_batch(ctx, batch, reason=reason)


def is_locked(ctx: Context, entity: str, year: str) -> bool:
    """Whether the entity's year (or the whole group's) is locked."""
    return any(
        lk.entity in (entity, "*") and (lk.period == year or lk.period.startswith(year + "-"))
        for lk in workflow.locks(ctx)
    )


def swing_problems(
    ctx: Context, entity: str, year: str, period: str | None = None
) -> list[Problem]:
    """Draft values swinging beyond ±30 % against last year with no explanation."""
    last = last_year_values(ctx, entity, year)
    with ctx.ledger.read() as conn:
        threads = {(m.period, m.indicator) for m in comment_repo.comments_for(conn, entity, year)}
    out = []
    for o in ctx.ledger.observations(entity=entity, year=int(year)):
        if o.status != "draft" or (period is not None and o.period != period):
            continue
        s = swing(o.value, last.get((o.period, o.indicator)))
        if s is None or abs(s) <= SWING_LIMIT:
            continue
        if o.comment.strip() or (o.period, o.indicator) in threads:
            continue
        out.append(
            Problem(
                _FILE,
                None,
                "comment",
                f"{o.indicator} {o.period}: {s:+.0%}",
                "a comment explaining a change of more than ±30 % against last year",
                f"c:{o.period}:{o.indicator}",
            )
        )
    return out


def submit_values(ctx: Context, campaign_id: int, entity: str) -> int:
    """Submit the entity's drafts of the campaign's year, refusing unexplained swings."""
    authorize(ctx, "data.submit", entity)
    c = get_campaign(ctx, campaign_id)
    problems = swing_problems(ctx, entity, c.period)
    if problems:
        raise InputError(problems, what="submission")
    return workflow.submit(ctx, entity, c.period).changed
