"""Storage of the assessment area: topics, surveys, materiality results and the climate register.

Repository functions taking a :class:`~esgledger.store.Ledger`. Every write is
one transaction with an audit event; input is validated completely first, so a
rejected import writes nothing. The scoring itself is the pure engine in
:mod:`esgledger.assess.materiality`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select

from esgledger.assess.materiality import (
    METHODS,
    ExpertScore,
    Group,
    MaterialityResult,
    Method,
    Response,
    Thresholds,
    TopicResult,
    assess,
    sensitivity,
    with_previous,
)
from esgledger.assess.risks import ClimateItem, ClimateRegister, Horizon
from esgledger.assess.survey import SurveyBatch
from esgledger.assess.topics import Topic
from esgledger.errors import NotFoundError, Problem, ValidationError
from esgledger.intake.assessment_files import default_topics, read_register, read_survey_files
from esgledger.store.handle import LedgerHandle as Ledger
from esgledger.store.rows import check_actor, check_widths, from_row, row_of
from esgledger.store.schema_assess import (
    climate_horizons,
    climate_items,
    materiality_expert_scores,
    materiality_groups,
    materiality_responses,
    materiality_results,
    materiality_runs,
    materiality_topics,
)

__all__ = [
    "DEMO_YEARS",
    "MaterialityImport",
    "demo_files",
    "import_materiality",
    "import_register",
    "load_demo",
    "load_expert",
    "load_groups",
    "load_register",
    "load_responses",
    "load_topics",
    "materiality_result",
    "materiality_years",
    "run_materiality",
    "save_climate_item",
]

DEMO_YEARS = (2023, 2024)


@dataclass(frozen=True)
class MaterialityImport:
    """What an import of materiality files changed (or would change, with ``dry_run``)."""

    year: int | None
    topics: int = 0
    groups: int = 0
    responses: int = 0
    expert: int = 0
    files: tuple[str, ...] = ()
    dry_run: bool = False


def _join(values: Sequence[str]) -> str:
    return ";".join(values)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(";") if v)


# -- reads ---------------------------------------------------------------------------


def _topics(conn: Connection) -> list[Topic]:
    rows = conn.execute(select(materiality_topics).order_by(materiality_topics.c.position)).all()
    return [
        Topic(r.code, r.name_en, r.name_zh, r.dimension, _split(r.sse), _split(r.gri)) for r in rows
    ]


def _groups(conn: Connection, year: int) -> list[Group]:
    rows = conn.execute(
        select(materiality_groups)
        .where(materiality_groups.c.year == year)
        .order_by(materiality_groups.c.position)
    ).all()
    return [Group(r.code, r.name_en, r.name_zh, r.weight) for r in rows]


def load_topics(ledger: Ledger) -> list[Topic]:
    """The stored topic catalogue, or the built-in one when none is stored yet."""
    with ledger.read() as conn:
        return _topics(conn) or default_topics()


def load_groups(ledger: Ledger, year: int) -> list[Group]:
    """The stakeholder groups and weights of ``year``'s assessment."""
    with ledger.read() as conn:
        return _groups(conn, year)


def load_responses(ledger: Ledger, year: int) -> list[Response]:
    """``year``'s survey responses, ordered by respondent and topic."""
    t = materiality_responses
    with ledger.read() as conn:
        rows = conn.execute(
            select(t).where(t.c.year == year).order_by(t.c.respondent, t.c.topic)
        ).all()
    return [Response(r.respondent, r.group_code, r.topic, r.impact, r.financial) for r in rows]


def load_expert(ledger: Ledger, year: int) -> list[ExpertScore]:
    """``year``'s expert scores, ordered by expert and topic."""
    t = materiality_expert_scores
    with ledger.read() as conn:
        rows = conn.execute(select(t).where(t.c.year == year).order_by(t.c.expert, t.c.topic)).all()
    return [from_row(ExpertScore, r) for r in rows]


# -- materiality import ------------------------------------------------------------------


def _write_topics(conn: Connection, topics: Sequence[Topic]) -> None:
    """Upsert topics (existing codes are updated, new ones appended; none removed)."""
    t = materiality_topics
    existing = {r.code: r.position for r in conn.execute(select(t.c.code, t.c.position))}
    nxt = max(existing.values(), default=0) + 1
    for topic in topics:
        values = {
            "name_en": topic.name_en,
            "name_zh": topic.name_zh,
            "dimension": topic.dimension,
            "sse": _join(topic.sse),
            "gri": _join(topic.gri),
        }
        if topic.code in existing:
            conn.execute(t.update().where(t.c.code == topic.code).values(**values))
        else:
            conn.execute(t.insert().values(code=topic.code, position=nxt, **values))
            existing[topic.code] = nxt
            nxt += 1


def import_materiality(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    year: int | None,
    actor: str = "cli",
    replace: bool = False,
    dry_run: bool = False,
) -> MaterialityImport:
    """Import topic, group, response and expert files for ``year``; all or nothing.

    Topics are upserted; groups replace the year's groups; responses and expert
    scores are upserted by (respondent, topic) — with ``replace`` the year's
    stored responses and expert scores are removed first. ``year`` may be
    ``None`` only for a topics-only import.
    """
    check_actor(actor)
    with ledger.read() as conn:
        stored_topics = _topics(conn)
        stored_groups = _groups(conn, year) if year is not None else []
        used_groups = {
            r.group_code: r.respondent
            for r in conn.execute(
                select(materiality_responses.c.group_code, materiality_responses.c.respondent)
                .where(materiality_responses.c.year == year)
                .distinct()
            )
        }
        if year is None:
            used_groups = {}
    known_topics = stored_topics or default_topics()
    batch = read_survey_files(
        paths, known_topics=known_topics, known_groups=stored_groups, topics_only=year is None
    )
    if batch.groups is not None and not replace:
        new = {g.code for g in batch.groups}
        orphans = sorted(g for g in used_groups if g not in new)
        if orphans:
            raise ValidationError(
                [
                    Problem(
                        batch.files[0] if batch.files else "groups",
                        None,
                        "code",
                        g,
                        f"group {g!r} kept: stored {year} responses use it "
                        "(or import with --replace)",
                    )
                    for g in orphans
                ],
                what="materiality input",
            )
    _check_survey_widths(batch)
    result = MaterialityImport(
        year=year,
        topics=len(batch.topics or ()),
        groups=len(batch.groups or ()),
        responses=len(batch.responses),
        expert=len(batch.expert),
        files=batch.files,
        dry_run=dry_run,
    )
    if dry_run or _already_stored(ledger, batch, year, stored_topics, stored_groups, replace):
        return result
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        if batch.topics is not None:
            _write_topics(conn, batch.topics)
        elif not stored_topics:
            _write_topics(conn, known_topics)
        if batch.groups is not None:
            assert year is not None  # checked above
            conn.execute(delete(materiality_groups).where(materiality_groups.c.year == year))
            conn.execute(
                materiality_groups.insert(),
                [
                    {
                        "year": year,
                        "code": g.code,
                        "name_en": g.name_en,
                        "name_zh": g.name_zh,
                        "weight": g.weight,
                        "position": i,
                    }
                    for i, g in enumerate(batch.groups, start=1)
                ],
            )
        r_t, e_t = materiality_responses, materiality_expert_scores
        if replace and year is not None:
            conn.execute(delete(r_t).where(r_t.c.year == year))
            conn.execute(delete(e_t).where(e_t.c.year == year))
        if batch.responses:
            assert year is not None  # checked above
            _replace_scores(
                conn,
                r_t,
                "respondent",
                [
                    {
                        "year": year,
                        "respondent": r.respondent,
                        "topic": r.topic,
                        "group_code": r.group,
                        "impact": r.impact,
                        "financial": r.financial,
                    }
                    for r in batch.responses
                ],
            )
        if batch.expert:
            assert year is not None  # checked above
            _replace_scores(
                conn,
                e_t,
                "expert",
                [row_of(s, year=year) for s in batch.expert],
            )
        ledger.append_audit(
            conn,
            actor=actor,
            action="materiality.import",
            ref=f"materiality:{year if year is not None else 'topics'}",
            payload={
                "files": list(batch.files),
                "topics": result.topics,
                "groups": result.groups,
                "responses": result.responses,
                "expert": result.expert,
                "replace": replace,
            },
        )
    return result


def _check_survey_widths(batch: SurveyBatch) -> None:
    """Text of the batch that its columns cannot hold (see :func:`check_widths`)."""
    label = ", ".join(Path(f).name for f in batch.files) or "materiality input"
    topics = [
        {
            "code": t.code,
            "name_en": t.name_en,
            "name_zh": t.name_zh,
            "sse": _join(t.sse),
            "gri": _join(t.gri),
        }
        for t in batch.topics or ()
    ]
    check_widths(materiality_topics, topics, file=label, key="code")
    groups = [
        {"code": g.code, "name_en": g.name_en, "name_zh": g.name_zh} for g in batch.groups or ()
    ]
    check_widths(materiality_groups, groups, file=label, key="code")
    responses = [{"respondent": r.respondent, "group_code": r.group} for r in batch.responses]
    check_widths(materiality_responses, responses, file=label)
    check_widths(
        materiality_expert_scores, [{"expert": s.expert} for s in batch.expert], file=label
    )


def _already_stored(
    ledger: Ledger,
    batch: SurveyBatch,
    year: int | None,
    stored_topics: list[Topic],
    stored_groups: list[Group],
    replace: bool,
) -> bool:
    """Whether writing ``batch`` would change nothing (then nothing, not even an event, is)."""
    if batch.topics is None and not stored_topics:
        return False  # the built-in catalogue would be stored
    if batch.topics is not None and not set(batch.topics) <= set(stored_topics):
        return False
    if batch.groups is not None and list(batch.groups) != stored_groups:
        return False
    if year is None:
        return True
    responses, expert = set(load_responses(ledger, year)), set(load_expert(ledger, year))
    if replace:
        return set(batch.responses) == responses and set(batch.expert) == expert
    return set(batch.responses) <= responses and set(batch.expert) <= expert


def _replace_scores(conn: Connection, table: Any, who: str, rows: list[dict[str, Any]]) -> None:
    """Insert score ``rows`` of one year, replacing stored rows with the same (who, topic)."""
    keys = {(r[who], r["topic"]) for r in rows}
    _delete_keys(conn, table, rows[0]["year"], who, keys)
    conn.execute(table.insert(), rows)


def _delete_keys(
    conn: Connection, table: Any, year: int, who: str, keys: set[tuple[str, str]]
) -> None:
    """Delete the stored rows of ``year`` whose (who, topic) is in ``keys``."""
    stored = {
        (r[0], r[1])
        for r in conn.execute(select(table.c[who], table.c.topic).where(table.c.year == year))
    }
    hits = stored & keys
    if not hits:
        return
    for w in sorted({w for w, _ in hits}):
        topics = [t for (x, t) in hits if x == w]
        conn.execute(
            delete(table).where(table.c.year == year, table.c[who] == w, table.c.topic.in_(topics))
        )


# -- runs and results --------------------------------------------------------------------


def materiality_years(ledger: Ledger) -> list[int]:
    """Years with a stored assessment result, ascending."""
    with ledger.read() as conn:
        return [r[0] for r in conn.execute(select(materiality_runs.c.year).order_by("year"))]


def _stored_result(conn: Connection, year: int) -> MaterialityResult | None:
    run = conn.execute(select(materiality_runs).where(materiality_runs.c.year == year)).first()
    if run is None:
        return None
    t = materiality_results
    rows = conn.execute(select(t).where(t.c.year == year).order_by(t.c.rank)).all()
    topics = tuple(
        from_row(
            TopicResult,
            r,
            code=r.topic,
            sse=_split(r.sse),
            gri=_split(r.gri),
            material_on=_split(r.material_on),
        )
        for r in rows
    )
    th = Thresholds(run.highly, run.moderately, run.material)
    method: Method = "expert" if run.method == "expert" else "survey"
    return MaterialityResult(
        year=year,
        method=method,
        thresholds=th,
        topics=topics,
        sensitivity=sensitivity(topics, th),
        groups=tuple(_groups(conn, year)) if method == "survey" else (),
        respondents=run.respondents,
        synthetic=bool(run.synthetic),
    )


def _previous(conn: Connection, year: int) -> MaterialityResult | None:
    prev_year = conn.execute(
        select(func.max(materiality_runs.c.year)).where(materiality_runs.c.year < year)
    ).scalar()
    return None if prev_year is None else _stored_result(conn, int(prev_year))


def materiality_result(ledger: Ledger, year: int | None = None) -> MaterialityResult:
    """The stored result of ``year`` (default: the latest), with its sensitivity list and
    its change against the previous stored year."""
    with ledger.read() as conn:
        if year is None:
            year = conn.execute(select(func.max(materiality_runs.c.year))).scalar()
            if year is None:
                raise NotFoundError(
                    "no materiality assessment has been run",
                    hint="esgledger materiality run --year YEAR",
                )
        res = _stored_result(conn, int(year))
        if res is None:
            raise NotFoundError(
                f"no materiality assessment for {year}",
                hint=f"esgledger materiality run --year {year}",
            )
        prev = _previous(conn, int(year))
    if prev is None:
        return res
    return with_previous(res, prev)


def run_materiality(
    ledger: Ledger,
    year: int,
    *,
    method: Method | None = None,
    thresholds: Thresholds | None = None,
    actor: str = "cli",
    synthetic: bool = False,
) -> MaterialityResult:
    """Score ``year``'s survey (or expert scores) and store the result, replacing any earlier
    result of that year. ``method`` defaults to survey when there are responses."""
    check_actor(actor)
    topics = load_topics(ledger)
    groups = load_groups(ledger, year)
    responses = load_responses(ledger, year) if method in (None, "survey") else []
    expert = load_expert(ledger, year) if method in (None, "expert") or not responses else []
    chosen: Method = method or ("survey" if responses else "expert")
    if chosen not in METHODS:  # pragma: no cover - typer restricts the choice
        raise ValidationError([Problem("--method", None, None, chosen, "survey or expert")])
    with ledger.read() as conn:
        previous = _previous(conn, year)
        stored = _stored_result(conn, year)
    result = assess(
        year,
        topics,
        groups=groups,
        responses=responses,
        expert=expert,
        method=chosen,
        thresholds=thresholds,
        previous=previous,
        synthetic=synthetic,
    )
    if stored is not None and _same_stored(stored, result):
        return result  # the same result is stored already: nothing written, no event
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        conn.execute(delete(materiality_results).where(materiality_results.c.year == year))
        conn.execute(delete(materiality_runs).where(materiality_runs.c.year == year))
        th = result.thresholds
        conn.execute(
            materiality_runs.insert().values(
                year=year,
                method=result.method,
                highly=th.highly,
                moderately=th.moderately,
                material=th.material,
                respondents=result.respondents,
                synthetic=synthetic,
                created_at=datetime.now(UTC),
                created_by=actor,
            )
        )
        conn.execute(
            materiality_results.insert(),
            [_result_row(year, r) for r in result.topics],
        )
        ledger.append_audit(
            conn,
            actor=actor,
            action="materiality.run",
            ref=f"materiality:{year}",
            payload={
                "method": result.method,
                "thresholds": th.as_dict(),
                "tiers": {k: [r.code for r in v] for k, v in result.by_tier().items()},
            },
        )
    return result


def _same_stored(stored: MaterialityResult, new: MaterialityResult) -> bool:
    """Whether storing ``new`` would write what ``stored`` (read back) already holds."""
    keys = ("method", "thresholds", "topics", "respondents", "synthetic", "groups")
    return all(getattr(stored, k) == getattr(new, k) for k in keys)


def _result_row(year: int, r: TopicResult) -> dict[str, Any]:
    row = row_of(r, year=year, sse=_join(r.sse), gri=_join(r.gri), material_on=_join(r.material_on))
    row["topic"] = row.pop("code")
    return row


# -- climate register --------------------------------------------------------------------


def load_register(ledger: Ledger) -> ClimateRegister:
    """The stored climate risk and opportunity register (empty if none was imported)."""
    with ledger.read() as conn:
        hs = conn.execute(select(climate_horizons)).all()
        rows = conn.execute(select(climate_items).order_by(climate_items.c.position)).all()
    order = {"short": 0, "medium": 1, "long": 2}
    horizons = tuple(
        sorted(
            (Horizon(h.horizon, h.from_year, h.to_year) for h in hs),
            key=lambda h: order[h.code],
        )
    )
    items = tuple(
        from_row(
            ClimateItem,
            r,
            horizons=_split(r.horizons),
            entities=_split(r.entities),
            value_chain=_split(r.value_chain),
            metrics=_split(r.metrics),
            targets=_split(r.targets),
        )
        for r in rows
    )
    return ClimateRegister(items, horizons)


def import_register(
    ledger: Ledger,
    paths: Sequence[str | Path],
    *,
    actor: str = "cli",
    dry_run: bool = False,
    check_entities: bool = True,
) -> ClimateRegister:
    """Replace the register with the one in ``paths`` (CSV files or a workbook); all or
    nothing. Horizons in the files replace the stored ones; entity codes must exist in the
    ledger when it has entities."""
    check_actor(actor)
    stored = load_register(ledger)
    known: set[str] | None = None
    if check_entities:
        codes = {e.code for e in ledger.entities()}
        known = codes or None
    register = read_register(paths, known_horizons=stored.horizons, known_entities=known)
    label = ", ".join(Path(p).name for p in paths) or "climate register"
    items = [_item_row(i, pos) for pos, i in enumerate(register.items, start=1)]
    check_widths(climate_items, items, file=label, key="code")
    check_widths(climate_horizons, [{"horizon": h.code} for h in register.horizons], file=label)
    if dry_run or register == stored:  # unchanged: nothing written, not even an event
        return register
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        conn.execute(delete(climate_items))
        conn.execute(delete(climate_horizons))
        if register.horizons:
            conn.execute(
                climate_horizons.insert(),
                [
                    {"horizon": h.code, "from_year": h.from_year, "to_year": h.to_year}
                    for h in register.horizons
                ],
            )
        if items:
            conn.execute(climate_items.insert(), items)
        ledger.append_audit(
            conn,
            actor=actor,
            action="risks.import",
            ref="climate_register",
            payload={
                "files": [Path(p).name for p in paths],
                "items": [i.code for i in register.items],
                "horizons": {h.code: [h.from_year, h.to_year] for h in register.horizons},
            },
        )
    return register


def _item_row(i: ClimateItem, position: int) -> dict[str, Any]:
    return row_of(
        i,
        position=position,
        horizons=_join(i.horizons),
        entities=_join(i.entities),
        value_chain=_join(i.value_chain),
        metrics=_join(i.metrics),
        targets=_join(i.targets),
    )


# -- demo ------------------------------------------------------------------------------


def demo_files() -> dict[str, Path]:
    """Paths of the demo data files shipped in ``esgledger/assess/data``."""
    base = resources.files("esgledger.assess").joinpath("data")
    names = ["topics.csv", "demo_groups.csv", "demo_risks.csv", "demo_horizons.csv"]
    names += [f"demo_survey_{y}.csv" for y in DEMO_YEARS]
    return {n: Path(str(base.joinpath(n))) for n in names}


def load_demo(ledger: Ledger, *, actor: str = "demo") -> MaterialityResult:
    """Load the demo assessment: topics, the SYNTHETIC 2023 and 2024 surveys (each run), and
    the climate register. Returns the 2024 result (5 highly, 18 moderately, 5 material)."""
    files = demo_files()
    result: MaterialityResult | None = None
    for year in DEMO_YEARS:
        import_materiality(
            ledger,
            [files["topics.csv"], files["demo_groups.csv"], files[f"demo_survey_{year}.csv"]],
            year=year,
            actor=actor,
            replace=True,
        )
        result = run_materiality(ledger, year, method="survey", actor=actor, synthetic=True)
    import_register(ledger, [files["demo_risks.csv"], files["demo_horizons.csv"]], actor=actor)
    assert result is not None
    return materiality_result(ledger, result.year)


def save_climate_item(ledger: Ledger, item: ClimateItem, *, actor: str) -> bool:
    """Add ``item`` to the register or replace the item of the same code; True if new."""
    check_actor(actor)
    t = climate_items
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        old = conn.execute(select(t.c.position).where(t.c.code == item.code)).scalar()
        if old is None:
            last = conn.execute(select(func.max(t.c.position))).scalar()
            position = int(last or 0) + 1
        else:
            position = int(old)
            conn.execute(delete(t).where(t.c.code == item.code))
        row = _item_row(item, position)
        check_widths(t, [row], file="form", key="code")
        conn.execute(t.insert(), [row])
        ledger.append_audit(
            conn,
            actor=actor,
            action="risks.add" if old is None else "risks.edit",
            ref=f"climate_item:{item.code}",
            payload=item.as_dict(),
        )
    return old is None
