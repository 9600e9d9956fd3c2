"""Two imports of the same file at once both succeed, on PostgreSQL as on SQLite (issue 15,
item 5): the second waits for the first and then finds nothing to change."""

from __future__ import annotations

import threading

from esgledger.intake import import_files
from esgledger.store import Ledger
from intake_helpers import BASE, OBS_HEADER, write


def test_two_concurrent_imports_of_the_same_file_both_succeed(any_db_url, tmp_path):
    rows = "".join(
        f"{e},{y}-{m:02d},fuel.diesel,{y + m},t,bill,\n"
        for e in ("SMELT", "GANSU")
        for y in range(2000, 2025)
        for m in range(1, 13)
    )
    path = write(tmp_path / "observations.csv", OBS_HEADER + rows)
    n = rows.count("\n")
    with Ledger.open(any_db_url) as led:
        import_files(led, [BASE / "entities.csv"], actor="setup")
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with Ledger.open(any_db_url) as led:  # one ledger (engine, pool) per thread
                start.wait()
                results.append(import_files(led, [path], actor="tester"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    added = sorted((r.observations_added, r.observations_unchanged) for r in results)  # type: ignore[attr-defined]
    assert added == [(0, n), (n, 0)]
    with Ledger.open(any_db_url) as led:
        assert len(led.observations()) == n
        assert len(led.observations(history=True)) == n
