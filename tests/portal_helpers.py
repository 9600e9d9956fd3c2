"""A small ledger for portal tests: a group with two plants and last year's data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from esgledger.intake import import_files
from esgledger.services.context import Context, Membership, Principal
from esgledger.store import Ledger

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-NM,,
A,Plant A,甲厂,G,subsidiary,100,operational,CN-NM,,
B,Plant B,乙厂,G,subsidiary,100,operational,CN-NM,,
"""

# last year (2024): A's purchased electricity 1000 MWh, fresh water 5000 m3
OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
A,2024,energy.electricity.purchased,1000,MWh,meter,
A,2024,water.fresh,5000,m3,meter,
B,2024,water.fresh,9000,m3,meter,
"""

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def seed(ledger: Ledger, tmp: Path) -> None:
    (tmp / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    import_files(ledger, [tmp / "entities.csv", tmp / "observations.csv"], actor="seed")


def ctx_of(ledger: Ledger, user: str, *roles: tuple[str, str], now: datetime = NOW) -> Context:
    """A context for ``user`` with (entity, role) memberships."""
    ms = tuple(Membership(user, e, r) for e, r in roles)  # type: ignore[arg-type]
    return Context(ledger, Principal(user, ms), clock=lambda: now)


DUE = date(2025, 3, 31)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, port: int | None = None, *, lifespan: str = "on") -> Iterator[str]:
    """Serve ``app`` with uvicorn in a daemon thread on 127.0.0.1; yield its base URL.

    Waits (20 s at most) until the server accepts connections and stops it on exit.
    """
    import threading
    import time

    import uvicorn

    port = port or free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan)
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the portal did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
