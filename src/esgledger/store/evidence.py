"""Evidence: rows that tie a stored file to one value, and the content-addressed file store.

Files are kept once per content under ``<root>/<first two hex>/<sha256>``; a
name is never taken from a request, so no request can reach a path outside the
store. Writes go to a temporary file first and are renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, select

from esgledger.errors import NotFoundError, StorageError
from esgledger.store.schema_portal import evidence as t_ev

__all__ = ["BlobStore", "Evidence", "evidence_for", "get_evidence", "insert_evidence"]

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Evidence:
    """One attached file: what backs the value (entity, period, indicator)."""

    id: int
    sha256: str
    filename: str
    content_type: str
    size: int
    entity: str
    period: str
    indicator: str
    uploaded_at: datetime
    uploaded_by: str


class BlobStore:
    """Files by SHA-256 under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, digest: str) -> Path:
        if not _HEX64.fullmatch(digest):
            raise NotFoundError("no such evidence file")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` (once per content) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"cannot store the evidence file: {exc.strerror}") from None
        return digest

    def get(self, digest: str) -> bytes:
        path = self._path(digest)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError("the evidence file is missing from the file store") from None
        except OSError as exc:
            raise StorageError(f"cannot read the evidence file: {exc.strerror}") from None


def _row(r: Row[Any]) -> Evidence:
    return Evidence(
        int(r.id),
        r.sha256,
        r.filename,
        r.content_type,
        int(r.size),
        r.entity,
        r.period,
        r.indicator,
        r.uploaded_at,
        r.uploaded_by,
    )


def insert_evidence(
    conn: Connection,
    *,
    sha256: str,
    filename: str,
    content_type: str,
    size: int,
    entity: str,
    period: str,
    indicator: str,
    at: datetime,
    by: str,
) -> int:
    return int(
        conn.execute(
            t_ev.insert()
            .values(
                sha256=sha256,
                filename=filename,
                content_type=content_type,
                size=size,
                entity=entity,
                period=period,
                indicator=indicator,
                uploaded_at=at,
                uploaded_by=by,
            )
            .returning(t_ev.c.id)
        ).scalar_one()
    )


def get_evidence(conn: Connection, evidence_id: int) -> Evidence | None:
    r = conn.execute(select(t_ev).where(t_ev.c.id == evidence_id)).first()
    return None if r is None else _row(r)


def evidence_for(
    conn: Connection, entity: str, period: str | None = None, indicator: str | None = None
) -> list[Evidence]:
    """Evidence of an entity (a period: that period; a year also covers its months)."""
    q = select(t_ev).where(t_ev.c.entity == entity)
    if period is not None:
        q = q.where((t_ev.c.period == period) | t_ev.c.period.like(f"{period}-%"))
    if indicator is not None:
        q = q.where(t_ev.c.indicator == indicator)
    return [_row(r) for r in conn.execute(q.order_by(t_ev.c.id)).all()]
