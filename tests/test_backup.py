"""Backup and restore: an archive restores into an empty ledger of either engine, same exports."""

from __future__ import annotations

import zipfile

import pytest

from esgledger.cli import run
from intake_helpers import BASE


def _export(url: str, tmp_path, name: str, capsys) -> dict[str, str]:
    out = tmp_path / name
    assert run(["--db", url, "export", "--out", str(out)]) == 0
    capsys.readouterr()
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.csv"))}
    assert files
    return files


@pytest.fixture
def source(sqlite_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ESGLEDGER_DATA_DIR", str(tmp_path))
    files = [str(BASE / "entities.csv"), str(BASE / "observations.csv")]
    assert run(["--db", sqlite_url, "import", *files]) == 0
    archive = tmp_path / "ledger.zip"
    assert run(["--db", sqlite_url, "backup", "--out", str(archive)]) == 0
    capsys.readouterr()
    return sqlite_url, archive


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_restore_into_empty_gives_same_export(source, target, tmp_path, capsys, request):
    url, archive = source
    dest = (
        f"sqlite:///{tmp_path / 'restored.db'}"
        if target == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    assert run(["--db", dest, "restore", str(archive)]) == 0
    assert _export(dest, tmp_path, "b", capsys) == _export(url, tmp_path, "a", capsys)
    assert run(["--db", dest, "audit", "verify"]) == 0
    # a second restore into the now non-empty ledger is refused, unless forced
    assert run(["--db", dest, "restore", str(archive)]) != 0
    assert "not empty" in capsys.readouterr().err
    assert run(["--db", dest, "restore", str(archive), "--force"]) == 0


def test_corrupted_archive_is_refused(source, tmp_path, capsys):
    _, archive = source
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("tables/observations"):
                data = data.replace(b"1", b"2", 1)
            dst.writestr(item, data)
    dest = f"sqlite:///{tmp_path / 'x.db'}"
    assert run(["--db", dest, "restore", str(bad)]) == 2
    assert "does not match its hash" in capsys.readouterr().err
    trunc = tmp_path / "trunc.zip"
    trunc.write_bytes(archive.read_bytes()[:200])
    assert run(["--db", dest, "restore", str(trunc)]) == 2
    assert "damaged" in capsys.readouterr().err


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_postgresql_backup_with_evidence_restores_into_sqlite(pg_url, tmp_path, monkeypatch):
    from esgledger.services.evidence import attach_evidence, open_evidence
    from esgledger.services.session import open_context

    monkeypatch.setenv("ESGLEDGER_EVIDENCE_DIR", str(tmp_path / "ev1"))
    files = [str(BASE / "entities.csv"), str(BASE / "observations.csv")]
    assert run(["--db", pg_url, "import", *files]) == 0
    with open_context(pg_url) as ctx:
        entity = ctx.ledger.entities()[0].code
        ev = attach_evidence(
            ctx, entity=entity, period="2024", indicator="x", filename="a.png", data=PNG
        )
    archive = tmp_path / "pg.zip"
    assert run(["--db", pg_url, "backup", "--out", str(archive)]) == 0
    monkeypatch.setenv("ESGLEDGER_EVIDENCE_DIR", str(tmp_path / "ev2"))
    dest = f"sqlite:///{tmp_path / 'from_pg.db'}"
    assert run(["--db", dest, "restore", str(archive)]) == 0
    with open_context(dest) as ctx:
        assert open_evidence(ctx, ev.id).data == PNG
        assert ctx.ledger.verify_audit().events > 0
