"""Evidence attached to values: PDF, images and XLSX, checked by content, stored by SHA-256.

The type is decided by the file's first bytes (its magic number), never by the
name or the browser's claim; HTML, scripts and anything unrecognised are
refused. Files are stored once per content in a folder (default
``<data dir>/evidence``); every download is authorised like reading the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import filetype

from esgledger.errors import InputError, NotFoundError, Problem
from esgledger.model import Period
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.settings import load_settings
from esgledger.store import evidence as repo
from esgledger.store.evidence import BlobStore, Evidence

__all__ = [
    "ALLOWED_TYPES",
    "Evidence",
    "EvidenceFile",
    "attach_evidence",
    "evidence_store",
    "list_evidence",
    "open_evidence",
]

#: Content types accepted, by the extension their magic number identifies.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_NAME_MAX = 255


@dataclass(frozen=True)
class EvidenceFile:
    """A file to download: its record and its bytes."""

    evidence: Evidence
    data: bytes


def evidence_store() -> BlobStore:
    settings = load_settings()
    root = settings.evidence_dir or Path(settings.data_dir) / "evidence"
    return BlobStore(Path(root))


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return (base.strip() or "evidence")[:_NAME_MAX]


def sniff(data: bytes) -> str | None:
    """The accepted content type of ``data`` by its magic number, or None."""
    kind = filetype.guess(data[:8192] if len(data) > 8192 else data)
    if kind is None:
        return None
    ext = str(kind.extension)
    if ext == "xlsx" or (ext == "zip" and b"xl/" in data[:65536]):
        kind = filetype.guess(data)  # the XLSX matcher looks into the archive
        ext = "xlsx" if kind is not None and kind.extension == "xlsx" else ext
    return ALLOWED_TYPES.get(ext)


def attach_evidence(
    ctx: Context,
    *,
    entity: str,
    period: str,
    indicator: str,
    filename: str,
    data: bytes,
    max_bytes: int | None = None,
) -> Evidence:
    """Store ``data`` as evidence of one value (entity, period, indicator)."""
    authorize(ctx, "data.enter", entity)
    limit = max_bytes if max_bytes is not None else load_settings().evidence_max_bytes
    problems: list[Problem] = []
    try:
        period = str(Period.parse(period))
    except Exception:
        problems.append(Problem("form", None, "period", period, "YYYY or YYYY-MM", "period"))
    if not data:
        problems.append(Problem("form", None, "file", filename, "a non-empty file", "file"))
    elif len(data) > limit:
        problems.append(
            Problem(
                "form",
                None,
                "file",
                filename,
                f"a file of at most {limit // (1024 * 1024)} MiB (this one has "
                f"{len(data) / (1024 * 1024):.1f} MiB)",
                "file",
            )
        )
    content_type = sniff(data) if data else None
    if data and content_type is None:
        problems.append(
            Problem(
                "form",
                None,
                "file",
                filename,
                "a PDF, PNG, JPEG, GIF, WebP image or XLSX workbook (checked by content)",
                "file",
            )
        )
    if problems:
        raise InputError(problems, what="evidence")
    assert content_type is not None
    digest = evidence_store().put(data)
    with ctx.ledger.transaction() as conn:
        eid = repo.insert_evidence(
            conn,
            sha256=digest,
            filename=_clean_name(filename),
            content_type=content_type,
            size=len(data),
            entity=entity,
            period=period,
            indicator=indicator,
            at=ctx.now(),
            by=ctx.actor,
        )
        ctx.ledger.append_audit(
            conn,
            actor=ctx.actor,
            action="evidence.attach",
            ref=f"{entity}/{period}/{indicator}",
            payload={"id": eid, "sha256": digest, "filename": _clean_name(filename)},
        )
        ev = repo.get_evidence(conn, eid)
    assert ev is not None
    return ev


def list_evidence(
    ctx: Context, entity: str, period: str | None = None, indicator: str | None = None
) -> list[Evidence]:
    authorize(ctx, "data.read", entity)
    with ctx.ledger.read() as conn:
        return repo.evidence_for(conn, entity, period, indicator)


def open_evidence(ctx: Context, evidence_id: int) -> EvidenceFile:
    """The record and bytes of one evidence file, if the user may read its value."""
    with ctx.ledger.read() as conn:
        ev = repo.get_evidence(conn, evidence_id)
    if ev is None:
        raise NotFoundError(f"no evidence {evidence_id}")
    authorize(ctx, "data.read", ev.entity)
    return EvidenceFile(ev, evidence_store().get(ev.sha256))
