"""Backup and restore: one ZIP archive of every table and evidence file, checked by hashes.

The archive holds ``tables/<name>.json`` (rows), ``evidence/<sha256>`` (files) and
``manifest.json`` (schema revision, row counts, the SHA-256 of every member and the
audit chain's head). It restores into an empty database of either engine.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from esgledger.errors import ConflictError, InputError, StorageError
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.services.evidence import evidence_store
from esgledger.store import backup as repo
from esgledger.store import migrate

__all__ = ["FORMAT", "backup", "restore"]

FORMAT = "esgledger-backup-1"


def backup(ctx: Context, out: Path) -> dict[str, Any]:
    """Write the whole ledger, read in one snapshot, to the archive ``out``."""
    authorize(ctx, "settings.manage")
    hashes: dict[str, str] = {}
    counts: dict[str, int] = {}
    blobs: list[str] = []
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf, ctx.ledger.read() as conn:
        with conn.begin():
            repo.begin_snapshot(conn)
            revision = migrate.current_revision(conn)
            for name, rows in repo.dump_tables(conn):
                data = list(rows)
                counts[name] = len(data)
                body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
                hashes[f"tables/{name}.json"] = hashlib.sha256(body).hexdigest()
                zf.writestr(f"tables/{name}.json", body)
                if name == "evidence":
                    blobs = sorted({str(r["sha256"]) for r in data})
        store = evidence_store()
        for digest in blobs:
            zf.writestr(f"evidence/{digest}", store.get(digest))
            hashes[f"evidence/{digest}"] = digest
        manifest = {"format": FORMAT, "revision": revision, "rows": counts, "sha256": hashes}
        zf.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    tmp.replace(out)
    return {"out": str(out), "rows": sum(counts.values()), "evidence": len(blobs)}


def _bad(path: Path, why: str) -> InputError:
    return InputError(f"cannot restore {str(path)!r}: {why} (expected an esgledger backup archive)")


def _read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise _bad(path, "unknown format")
            members: dict[str, bytes] = {}
            for name, digest in dict(manifest["sha256"]).items():
                data = zf.read(name)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise _bad(path, f"member {name} does not match its hash (corrupted)")
                members[name] = data
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise _bad(path, f"damaged or incomplete ({exc})") from None
    except OSError as exc:
        raise _bad(path, exc.strerror or str(exc)) from None
    return manifest, members


def restore(ctx: Context, path: Path, *, force: bool = False) -> dict[str, Any]:
    """Load the archive ``path`` into this ledger (empty unless ``force``); verify the chain."""
    authorize(ctx, "settings.manage")
    manifest, members = _read_archive(path)
    head = migrate.head_revision()
    if manifest.get("revision") != head:
        raise _bad(path, f"schema {manifest.get('revision')} differs from this esgledger's {head}")
    data = {
        n: json.loads(members[f"tables/{n}.json"])
        for n in repo.table_names()
        if f"tables/{n}.json" in members
    }
    store = evidence_store()
    for name, blob in members.items():
        if name.startswith("evidence/"):
            store.put(blob)
    with ctx.ledger.transaction() as conn:
        if not repo.is_empty(conn):
            if not force:
                raise ConflictError(
                    "the target ledger is not empty; restore refuses to overwrite it",
                    hint="restore into an empty database, or pass --force to replace its data",
                )
            repo.clear_tables(conn)
        repo.load_tables(conn, data)
    try:
        report = ctx.ledger.verify_audit()
    except Exception as exc:
        raise StorageError(f"restored, but the audit chain does not verify: {exc}") from None
    return {"rows": sum(len(v) for v in data.values()), "audit_events": report.events}
