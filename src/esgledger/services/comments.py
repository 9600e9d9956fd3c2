"""A comment thread per value (entity, period, indicator)."""

from __future__ import annotations

from esgledger.errors import InputError, Problem
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store import comments as repo
from esgledger.store.comments import Comment

__all__ = ["BODY_MAX", "Comment", "add_comment", "list_comments"]

BODY_MAX = 4000


def add_comment(ctx: Context, *, entity: str, period: str, indicator: str, body: str) -> Comment:
    authorize(ctx, "data.comment", entity)
    text = body.strip()
    if not text or len(text) > BODY_MAX:
        raise InputError(
            [
                Problem(
                    "form",
                    None,
                    "body",
                    text[:30],
                    f"a comment of 1 to {BODY_MAX} characters",
                    "body",
                )
            ],
            what="comment",
        )
    with ctx.ledger.transaction() as conn:
        cid = repo.insert_comment(
            conn,
            entity=entity,
            period=period,
            indicator=indicator,
            author=ctx.actor,
            body=text,
            at=ctx.now(),
        )
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="comment.add",
            ref=f"{entity}/{period}/{indicator}",
            payload={"id": cid, "body": text},
        )
        found = repo.comments_for(conn, entity, period, indicator)
    return next(c for c in found if c.id == cid)


def list_comments(
    ctx: Context, entity: str, period: str | None = None, indicator: str | None = None
) -> list[Comment]:
    authorize(ctx, "data.read", entity)
    with ctx.ledger.read() as conn:
        return repo.comments_for(conn, entity, period, indicator)
