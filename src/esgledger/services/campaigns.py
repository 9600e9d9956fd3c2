"""Collection campaigns: ask entities for indicators for a year, assign owners, follow progress.

A manager opens a campaign for a reporting year (optionally collected month by
month), picks the entities and the indicator set (by framework, by topic, the
entity's indicators of last year, or a list) and assigns per entity a data
owner, a reviewer and a due date. :func:`progress` is the dashboard (entities ×
status); :func:`my_tasks` is a user's start page.

Expected values: one per indicator and year; in a monthly campaign, quantities
summed over the year (aggregation ``sum``) are expected for each of the twelve
months instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from esgledger.catalog.frameworks import FRAMEWORKS, expand_codes, load_mappings, load_metric_needs
from esgledger.catalog.indicators import Indicator, load_indicators
from esgledger.errors import InputError, NotFoundError, Problem
from esgledger.model import Period
from esgledger.services import workflow
from esgledger.services.authz import allowed, authorize
from esgledger.services.context import Context
from esgledger.store import campaigns as repo
from esgledger.store.campaigns import Assignment, Campaign

__all__ = [
    "Assignment",
    "AssignmentInput",
    "Campaign",
    "EntityProgress",
    "Task",
    "expected_periods",
    "get_campaign",
    "indicator_set",
    "list_campaigns",
    "my_tasks",
    "open_campaign",
    "progress",
    "rejected_keys",
    "set_closed",
    "topics",
]


@dataclass(frozen=True)
class AssignmentInput:
    """One entity's row of the campaign form."""

    entity: str
    owner: str
    reviewer: str
    due: date | None


@dataclass(frozen=True)
class EntityProgress:
    """One row of the progress dashboard."""

    entity: str
    name_en: str
    name_zh: str
    owner: str
    reviewer: str
    due: date
    expected: int
    statuses: Mapping[str, int]
    rejected: int
    overdue: bool

    @property
    def entered(self) -> int:
        return sum(self.statuses.values())

    @property
    def completion(self) -> float:
        """Share of expected values entered (0 to 1)."""
        return 0.0 if not self.expected else min(1.0, self.entered / self.expected)

    @property
    def approved_share(self) -> float:
        return 0.0 if not self.expected else self.statuses.get("approved", 0) / self.expected


@dataclass(frozen=True)
class Task:
    """A start-page line: enter or review one entity's data for a campaign."""

    campaign: Campaign
    assignment: Assignment
    role: str  # "enter" or "review"
    progress: EntityProgress
    waiting: int = 0  # values waiting for this user (drafts to submit, submissions to review)
    notes: tuple[str, ...] = field(default=())

    @property
    def overdue(self) -> bool:
        return self.progress.overdue


def topics() -> list[str]:
    """The catalogue's indicator groups (topics), in catalogue order."""
    seen: dict[str, None] = {}
    for ind in load_indicators().values():
        if ind.kind != "text" and ind.group:
            seen.setdefault(ind.group, None)
    return list(seen)


def expected_periods(campaign_period: str, ind: Indicator, monthly: bool) -> list[str]:
    """The periods a value of ``ind`` is expected for in a campaign."""
    if monthly and ind.aggregation == "sum" and ind.kind != "ratio":
        return [f"{campaign_period}-{m:02d}" for m in range(1, 13)]
    return [campaign_period]


def indicator_set(
    ctx: Context,
    *,
    framework: str | None = None,
    topic: str | None = None,
    last_year_of: Sequence[str] = (),
    period: str | None = None,
    codes: Iterable[str] = (),
) -> list[str]:
    """Indicator codes chosen by framework, topic, last year's data of entities, or by code.

    Each criterion given adds its indicators (a union), in catalogue order.
    """
    catalogue = load_indicators()
    known = [c for c, i in catalogue.items() if i.kind != "text"]
    chosen: set[str] = set()
    if framework:
        fw = framework.strip().lower()
        if fw not in FRAMEWORKS:
            raise NotFoundError(f"unknown framework {framework!r}")
        needs = load_metric_needs()
        patterns: list[str] = []
        for (key, _), m in load_mappings().items():
            if key != fw:
                continue
            for code in m.indicators:
                if code in needs:
                    patterns += [c for group in needs[code].requires for c in group]
                else:
                    patterns.append(code)
        chosen |= expand_codes(patterns, known)
    if topic:
        found = {c for c in known if catalogue[c].group == topic}
        if not found:
            raise NotFoundError(f"unknown topic {topic!r}")
        chosen |= found
    if last_year_of:
        if period is None:
            raise InputError("choose the campaign's year before taking last year's indicators")
        last = str(Period.parse(period).year - 1)
        for entity in last_year_of:
            authorize(ctx, "data.read", entity)
            chosen |= {o.indicator for o in ctx.ledger.observations(entity=entity, year=int(last))}
    for code in codes:
        if code not in catalogue:
            raise NotFoundError(f"unknown indicator {code!r}")
        chosen.add(code)
    return [c for c in catalogue if c in chosen and catalogue[c].kind != "text"]


def _check_user(name: str, label: str, i: int, problems: list[Problem]) -> None:
    if not name.strip() or len(name) > 64:
        problems.append(
            Problem("form", i, label, name, "a user name (1 to 64 characters)", f"{label}[{i}]")
        )


def open_campaign(
    ctx: Context,
    *,
    period: str,
    name: str,
    indicators: Sequence[str],
    assignments: Sequence[AssignmentInput],
    monthly: bool = False,
    due: date | None = None,
) -> Campaign:
    """Open a campaign for a year: every problem of the form is listed, nothing half-written."""
    problems: list[Problem] = []
    try:
        p = Period.parse(period)
        if not p.is_annual:
            raise ValueError
        period = str(p)
    except Exception:
        problems.append(Problem("form", None, "period", period, "a year such as 2025", "period"))
    if not name.strip():
        problems.append(Problem("form", None, "name", name, "a campaign name", "name"))
    catalogue = load_indicators()
    if not indicators:
        problems.append(
            Problem("form", None, "indicators", "", "at least one indicator", "indicators")
        )
    for code in indicators:
        if code not in catalogue:
            problems.append(
                Problem("form", None, "indicators", code, "an indicator code", "indicators")
            )
    if not assignments:
        problems.append(Problem("form", None, "entities", "", "at least one entity", "entities"))
    known = {e.code for e in ctx.entities()}
    seen: set[str] = set()
    rows: list[tuple[str, str, str, date]] = []
    for i, a in enumerate(assignments):
        if a.entity not in known:
            problems.append(
                Problem("form", i, "entity", a.entity, "an entity of the ledger", f"entity[{i}]")
            )
            continue
        authorize(ctx, "campaigns.manage", a.entity)
        if a.entity in seen:
            problems.append(
                Problem("form", i, "entity", a.entity, "each entity once", f"entity[{i}]")
            )
        seen.add(a.entity)
        _check_user(a.owner, "owner", i, problems)
        _check_user(a.reviewer, "reviewer", i, problems)
        if a.owner.strip() and a.owner == a.reviewer:
            problems.append(
                Problem(
                    "form",
                    i,
                    "reviewer",
                    a.reviewer,
                    "a reviewer other than the data owner (maker-checker)",
                    f"reviewer[{i}]",
                )
            )
        when = a.due or due
        if when is None:
            problems.append(Problem("form", i, "due", "", "a due date", f"due[{i}]"))
            continue
        rows.append((a.entity, a.owner.strip(), a.reviewer.strip(), when))
    if problems:
        raise InputError(problems, what="campaign")
    with ctx.ledger.transaction() as conn:
        cid = repo.insert_campaign(
            conn,
            period=period,
            name=name.strip(),
            monthly=monthly,
            indicators=list(dict.fromkeys(indicators)),
            assignments=rows,
            at=ctx.now(),
            by=ctx.actor,
        )
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="campaign.open",
            ref=f"campaign/{cid}",
            payload={
                "period": period,
                "name": name.strip(),
                "monthly": monthly,
                "indicators": list(dict.fromkeys(indicators)),
                "assignments": [
                    {"entity": e, "owner": o, "reviewer": r, "due": d.isoformat()}
                    for e, o, r, d in rows
                ],
            },
        )
        found = repo.get_campaign(conn, cid)
    assert found is not None
    return found


def _visible(ctx: Context, c: Campaign) -> bool:
    if ctx.principal.is_local_admin:
        return True
    me = ctx.principal.username
    if any(a.owner == me or a.reviewer == me for a in c.assignments):
        return True
    return any(
        allowed(ctx.principal, "campaigns.manage", a.entity, _parents(ctx)) for a in c.assignments
    )


def _parents(ctx: Context) -> dict[str, str | None]:
    return {e.code: e.parent for e in ctx.entities()}


def list_campaigns(ctx: Context) -> list[Campaign]:
    """Campaigns the user manages or has an assignment in, newest year first."""
    with ctx.ledger.read() as conn:
        found = repo.list_campaigns(conn)
    return [c for c in found if _visible(ctx, c)]


def get_campaign(ctx: Context, campaign_id: int) -> Campaign:
    with ctx.ledger.read() as conn:
        c = repo.get_campaign(conn, campaign_id)
    if c is None or not _visible(ctx, c):
        raise NotFoundError(f"no campaign {campaign_id}")
    return c


def set_closed(ctx: Context, campaign_id: int, closed: bool = True) -> Campaign:
    c = get_campaign(ctx, campaign_id)
    for a in c.assignments:
        authorize(ctx, "campaigns.manage", a.entity)
    with ctx.ledger.transaction() as conn:
        repo.close_campaign(conn, campaign_id, closed)
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="campaign.close" if closed else "campaign.reopen",
            ref=f"campaign/{campaign_id}",
            payload={"closed": closed},
        )
    return get_campaign(ctx, campaign_id)


def rejected_keys(ctx: Context, entity: str, year: str) -> dict[tuple[str, str], str]:
    """(period, indicator) → reason, for the entity's values of ``year`` rejected and not
    changed since (the rejected version is still the current draft)."""
    current = {
        (o.period, o.indicator): o for o in ctx.ledger.observations(entity=entity, year=int(year))
    }
    out: dict[tuple[str, str], str] = {}
    for r in workflow.rejections(ctx, entity, year):
        o = current.get((r.period, r.indicator))
        if o is not None and o.status == "draft" and o.version == r.version:
            out[(r.period, r.indicator)] = r.reason
    return out


def _progress(ctx: Context, c: Campaign, a: Assignment, today: date) -> EntityProgress:
    catalogue = load_indicators()
    keys = {
        (per, code)
        for code in c.indicators
        if code in catalogue
        for per in expected_periods(c.period, catalogue[code], c.monthly)
    }
    obs = ctx.ledger.observations(entity=a.entity, year=int(c.period))
    statuses: Counter[str] = Counter(o.status for o in obs if (o.period, o.indicator) in keys)
    rejected = len(set(rejected_keys(ctx, a.entity, c.period)) & keys)
    ent = {e.code: e for e in ctx.entities()}.get(a.entity)
    done = statuses.get("approved", 0) + statuses.get("reviewed", 0) + statuses.get("submitted", 0)
    return EntityProgress(
        entity=a.entity,
        name_en=ent.name_en if ent else a.entity,
        name_zh=ent.name_zh if ent else a.entity,
        owner=a.owner,
        reviewer=a.reviewer,
        due=a.due,
        expected=len(keys),
        statuses=dict(statuses),
        rejected=rejected,
        overdue=today > a.due and done < len(keys),
    )


def progress(ctx: Context, campaign_id: int) -> list[EntityProgress]:
    """The dashboard: one row per entity the user may read, with status counts."""
    c = get_campaign(ctx, campaign_id)
    today = ctx.now().date()
    out = []
    parents = _parents(ctx)
    for a in c.assignments:
        if not allowed(ctx.principal, "data.read", a.entity, parents):
            continue
        out.append(_progress(ctx, c, a, today))
    return out


def my_tasks(ctx: Context) -> list[Task]:
    """The user's open assignments (as data owner or reviewer), soonest due first."""
    me = ctx.principal.username
    today = ctx.now().date()
    with ctx.ledger.read() as conn:
        pairs = repo.user_assignments(conn, me)
    out: list[Task] = []
    for c, a in pairs:
        prog = _progress(ctx, c, a, today)
        if a.owner == me:
            waiting = prog.statuses.get("draft", 0) + max(0, prog.expected - prog.entered)
            out.append(Task(c, a, "enter", prog, waiting))
        if a.reviewer == me:
            out.append(Task(c, a, "review", prog, prog.statuses.get("submitted", 0)))
    return out
