"""Repository of the online stakeholder survey: surveys, links, drafts, submission.

Plain functions on a :class:`~esgledger.store.handle.LedgerHandle`; the rules
(token format, expiry, rate limits, which answers are complete) live in
:mod:`esgledger.services.surveys`. Only SHA-256 hashes of link tokens are stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, select, update

from esgledger.store.handle import LedgerHandle
from esgledger.store.schema_assess import materiality_responses
from esgledger.store.schema_jobs import survey_drafts, survey_links, surveys

__all__ = [
    "GroupRate",
    "LinkRow",
    "SurveyRow",
    "add_link",
    "count_post",
    "create_survey",
    "find_link",
    "get_survey",
    "list_surveys",
    "load_draft",
    "mark_opened",
    "rates",
    "save_draft",
    "submit",
]


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SurveyRow:
    id: int
    year: int
    title: str
    expires_at: datetime
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class LinkRow:
    token_hash: str
    survey: SurveyRow
    group_code: str
    kind: str
    parent: str
    opened_at: datetime | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class GroupRate:
    """Per stakeholder group: respondent links, how many were opened and answered."""

    group_code: str
    group_links: int
    invited: int
    opened: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def _survey(r: object) -> SurveyRow:
    m = r._mapping  # type: ignore[attr-defined]
    return SurveyRow(
        m["id"],
        m["year"],
        m["title"],
        _aware(m["expires_at"]) or m["expires_at"],
        _aware(m["created_at"]) or m["created_at"],
        m["created_by"],
    )


def create_survey(
    ledger: LedgerHandle,
    *,
    year: int,
    title: str,
    expires_at: datetime,
    links: Sequence[tuple[str, str, str]],
    actor: str,
    now: datetime,
) -> int:
    """A survey with its links ``(token_hash, group_code, kind)``; returns its id."""
    with ledger.transaction() as conn:
        ledger.ensure_user(conn, actor)
        sid = conn.execute(
            surveys.insert()
            .values(year=year, title=title, expires_at=expires_at, created_at=now, created_by=actor)
            .returning(surveys.c.id)
        ).scalar_one()
        if links:
            conn.execute(
                survey_links.insert(),
                [
                    {
                        "token_hash": h,
                        "survey_id": sid,
                        "group_code": g,
                        "kind": k,
                        "created_at": now,
                    }
                    for h, g, k in links
                ],
            )
        kinds: dict[str, int] = {}
        for _, g, k in links:
            kinds[f"{g}:{k}"] = kinds.get(f"{g}:{k}", 0) + 1
        ledger.append_audit(
            conn,
            actor=actor,
            action="survey.create",
            ref=f"survey:{sid}",
            payload={"year": year, "title": title, "links": kinds},
        )
    return int(sid)


def list_surveys(ledger: LedgerHandle) -> list[SurveyRow]:
    with ledger.read() as conn:
        rows = conn.execute(select(surveys).order_by(surveys.c.id.desc())).all()
    return [_survey(r) for r in rows]


def get_survey(ledger: LedgerHandle, survey_id: int) -> SurveyRow | None:
    with ledger.read() as conn:
        r = conn.execute(select(surveys).where(surveys.c.id == survey_id)).first()
    return _survey(r) if r is not None else None


def find_link(ledger: LedgerHandle, token_hash: str) -> LinkRow | None:
    with ledger.read() as conn:
        r = conn.execute(
            select(survey_links, surveys)
            .join(surveys, surveys.c.id == survey_links.c.survey_id)
            .where(survey_links.c.token_hash == token_hash)
        ).first()
    if r is None:
        return None
    m = r._mapping
    return LinkRow(
        m["token_hash"],
        _survey(r),
        m["group_code"],
        m["kind"],
        m["parent"],
        _aware(m["opened_at"]),
        _aware(m["submitted_at"]),
    )


def add_link(
    ledger: LedgerHandle,
    *,
    survey_id: int,
    token_hash: str,
    group_code: str,
    parent: str,
    now: datetime,
) -> None:
    """A respondent link started from the group link ``parent``."""
    with ledger.transaction() as conn:
        conn.execute(
            survey_links.insert().values(
                token_hash=token_hash,
                survey_id=survey_id,
                group_code=group_code,
                kind="respondent",
                parent=parent,
                created_at=now,
                opened_at=now,
            )
        )


def mark_opened(ledger: LedgerHandle, token_hash: str, now: datetime) -> None:
    t = survey_links
    with ledger.transaction() as conn:
        conn.execute(
            update(t)
            .where(t.c.token_hash == token_hash, t.c.opened_at.is_(None))
            .values(opened_at=now)
        )


def count_post(
    ledger: LedgerHandle, token_hash: str, *, now: datetime, window: timedelta, limit: int
) -> bool:
    """Count one post on the link; False when the link is over ``limit`` in its window."""
    t = survey_links
    with ledger.transaction() as conn:
        r = conn.execute(
            select(t.c.window_start, t.c.posts)
            .where(t.c.token_hash == token_hash)
            .with_for_update()
        ).first()
        if r is None:
            return False
        start = _aware(r.window_start)
        if start is None or now - start >= window:
            conn.execute(
                update(t).where(t.c.token_hash == token_hash).values(window_start=now, posts=1)
            )
            return True
        if r.posts >= limit:
            return False
        conn.execute(update(t).where(t.c.token_hash == token_hash).values(posts=t.c.posts + 1))
        return True


def load_draft(ledger: LedgerHandle, token_hash: str) -> dict[str, tuple[int | None, int | None]]:
    t = survey_drafts
    with ledger.read() as conn:
        rows = conn.execute(select(t).where(t.c.token_hash == token_hash)).all()
    return {r.topic: (r.impact, r.financial) for r in rows}


def save_draft(
    ledger: LedgerHandle, token_hash: str, answers: Mapping[str, tuple[int | None, int | None]]
) -> None:
    """Replace the draft's answers for the topics given (None: not answered yet)."""
    t = survey_drafts
    with ledger.transaction() as conn:
        for topic, (impact, financial) in answers.items():
            conn.execute(delete(t).where(t.c.token_hash == token_hash, t.c.topic == topic))
            conn.execute(
                t.insert().values(
                    token_hash=token_hash, topic=topic, impact=impact, financial=financial
                )
            )


def submit(
    ledger: LedgerHandle,
    token_hash: str,
    *,
    year: int,
    survey_id: int,
    respondent: str,
    group_code: str,
    answers: Mapping[str, tuple[int, int]],
    now: datetime,
) -> bool:
    """Move the answers into the year's survey responses; False if already submitted."""
    t = survey_links
    with ledger.transaction() as conn:
        won = conn.execute(
            update(t)
            .where(t.c.token_hash == token_hash, t.c.submitted_at.is_(None))
            .values(submitted_at=now)
        ).rowcount
        if won != 1:
            return False
        conn.execute(
            materiality_responses.insert(),
            [
                {
                    "year": year,
                    "respondent": respondent,
                    "topic": topic,
                    "group_code": group_code,
                    "impact": i,
                    "financial": f,
                }
                for topic, (i, f) in answers.items()
            ],
        )
        conn.execute(delete(survey_drafts).where(survey_drafts.c.token_hash == token_hash))
        ledger.ensure_user(conn, "survey")
        ledger.append_audit(
            conn,
            actor="survey",
            action="survey.response",
            ref=f"survey:{survey_id}",
            payload={"year": year, "group": group_code, "respondent": respondent},
        )
    return True


def _count(conn: Connection, survey_id: int, *conds: object) -> dict[str, int]:
    t = survey_links
    rows = conn.execute(
        select(t.c.group_code, func.count())
        .where(t.c.survey_id == survey_id, *conds)  # type: ignore[arg-type]
        .group_by(t.c.group_code)
    ).all()
    return {g: int(n) for g, n in rows}


def rates(ledger: LedgerHandle, survey_id: int, groups: Sequence[str]) -> list[GroupRate]:
    t = survey_links
    with ledger.read() as conn:
        shared = _count(conn, survey_id, t.c.kind == "group")
        invited = _count(conn, survey_id, t.c.kind == "respondent")
        opened = _count(conn, survey_id, t.c.kind == "respondent", t.c.opened_at.is_not(None))
        done = _count(conn, survey_id, t.c.kind == "respondent", t.c.submitted_at.is_not(None))
    codes = list(groups) + sorted(set(shared) | set(invited) - set(groups))
    return [
        GroupRate(g, shared.get(g, 0), invited.get(g, 0), opened.get(g, 0), done.get(g, 0))
        for g in codes
    ]
