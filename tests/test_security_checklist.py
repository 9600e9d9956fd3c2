"""docs/security.md: every test it names exists; and the checks it names here."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_named_in_security_md_exists() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    refs = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(refs) >= 30
    missing = [
        f"{f}::{name}"
        for f, name in refs
        if not (ROOT / f).is_file() or name not in _tests_in(ROOT / f)
    ]
    assert missing == []


def test_templates_escape_markup() -> None:
    from esgledger.web.templating import templates

    html = templates.env.from_string("<p>{{ x }}</p>").render(x='<script>alert("x")</script>')
    assert html == "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"


def test_the_outbox_sender_logs_no_address(sqlite_url, caplog) -> None:
    import asyncio

    from esgledger.services import outbox
    from esgledger.settings import Settings
    from esgledger.store import Ledger
    from esgledger.store import outbox as repo
    from test_outbox_sender import T0

    ledger = Ledger.open(sqlite_url)
    try:
        with ledger.transaction() as conn:
            repo.enqueue(
                conn,
                recipient="alice",
                address="alice@example.test",
                kind="digest",
                subject="s",
                body="b",
                dedupe="k",
                at=T0,
            )
        # port 9 (discard) on loopback: nothing listens, the round fails
        cfg = Settings(smtp_host="127.0.0.1", smtp_port=9, outbox_interval_s=0.05)

        async def two_rounds() -> None:
            task = asyncio.create_task(outbox.sender_loop(ledger, cfg, worker="w"))
            await asyncio.sleep(0.3)
            task.cancel()

        with caplog.at_level(logging.INFO, logger="esgledger.outbox"):
            asyncio.run(two_rounds())
        assert caplog.records
        assert all("alice" not in r.getMessage() for r in caplog.records)
    finally:
        ledger.close()
