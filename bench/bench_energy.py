"""Benchmark: a year of 15-minute readings into PostgreSQL and SQLite; rollups; MQTT rate.

Cases (each in its own subprocess, so peak memory ``ru_maxrss`` is its own):

- ``copy``: a bare ``COPY`` of the readings CSV into an unindexed PostgreSQL
  table (meter text, ts timestamptz, value float8): the yardstick;
- ``copy_pk``: the same COPY into a table shaped like ``meter_readings``
  (monthly partitions, primary key (meter, ts)): what the key alone costs;
- ``pg``: ``readings.import_readings`` of the same file into a fresh
  PostgreSQL ledger (streamed in chunks, deltas, monthly partitions, COPY,
  idempotency checks, incremental rollups);
- ``rollup``: the year's monthly totals per entity and carrier from the
  rollups (all twelve monthly data sets), and for comparison the same
  aggregation straight from the readings in SQL;
- ``sqlite``: the same import into a fresh SQLite ledger;
- ``mqtt``: ``meters listen`` logic on PostgreSQL while a publisher sends
  ``--rate`` messages/s for ``--seconds`` s (QoS 1): every message must be
  stored once; lag = publish to commit.

    .venv/bin/python bench/bench_energy.py --smoke      # seconds: 5 meters x 3 days
    .venv/bin/python bench/bench_energy.py              # 500 meters x 365 days = 17.5 M rows
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ELEC = "energy.electricity.purchased"
PG = os.environ.get("ESGLEDGER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(path: Path, meters: int, days: int) -> int:
    """Readings ordered by time then meter (as a logger export); returns the row count."""
    import polars as pl

    start = datetime(2024, 1, 1)
    per_day = 96
    codes = [f"M{i:04d}" for i in range(meters)]
    n = 0
    with path.open("wb") as f:
        f.write(b"meter,timestamp,value\n")
        for d in range(days):
            ends = [start + timedelta(days=d, minutes=15 * (i + 1)) for i in range(per_day)]
            stamps = [e.strftime("%Y-%m-%d %H:%M") for e in ends]
            frame = pl.DataFrame(
                {
                    "meter": [c for _ in stamps for c in codes],
                    "timestamp": [s for s in stamps for _ in codes],
                }
            ).with_columns(
                (((pl.int_range(pl.len()) * 7919 + d) % 1000) / 100 + 1).round(3).alias("value")
            )
            frame.write_csv(f, include_header=False)
            n += frame.height
    return n


def _schema_url(schema: str) -> str:
    from sqlalchemy import create_engine, make_url, text

    base = make_url(PG)
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def _drop(schema: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(make_url(PG))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _ledger_with_meters(url: str, meters: int):  # type: ignore[no-untyped-def]
    from esgledger.energy.meters import Meter
    from esgledger.model import Entity, ImportBatch
    from esgledger.services.context import Context, Principal
    from esgledger.store import Ledger
    from esgledger.store import energy as repo

    ledger = Ledger.open(url)
    entities = tuple(
        Entity(f"E{i:02d}", f"Plant {i}", f"工厂{i}", None, "group", None, "operational", "CN-NM")
        for i in range(10)
    )
    ledger.import_batch(ImportBatch(entities, ()), actor="bench")
    ctx = Context(ledger, Principal.local_admin())
    with ledger.transaction() as conn:
        repo.put_meters(
            conn,
            [Meter(f"M{i:04d}", f"E{i % 10:02d}", ELEC, "kWh") for i in range(meters)],
            actor="bench",
            now=ctx.now(),
        )
    return ledger, ctx


def case_copy(csv_path: Path, *, keyed: bool = False) -> dict[str, float]:
    import psycopg

    schema = f"bench_copy_{uuid.uuid4().hex[:8]}"
    url = _schema_url(schema)
    try:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn:
            conn.execute("SET TIME ZONE 'Asia/Shanghai'")
            if keyed:  # the readings table's own shape: monthly partitions and primary key
                conn.execute(
                    "CREATE TABLE raw (meter varchar(64), ts timestamptz, value float8, "
                    "PRIMARY KEY (meter, ts)) PARTITION BY RANGE (ts)"
                )
                for m in range(0, 14):
                    y, mo = 2023 + (m + 11) // 12, (m + 11) % 12 + 1
                    ny, nmo = (y + 1, 1) if mo == 12 else (y, mo + 1)
                    conn.execute(
                        f"CREATE TABLE raw_{m} PARTITION OF raw FOR VALUES FROM "
                        f"('{y}-{mo:02d}-01 00:00+00') TO ('{ny}-{nmo:02d}-01 00:00+00')"
                    )
            else:
                conn.execute("CREATE TABLE raw (meter text, ts timestamptz, value float8)")
            t = time.perf_counter()
            with (
                conn.cursor() as cur,
                cur.copy("COPY raw FROM STDIN (FORMAT csv, HEADER)") as cp,
                csv_path.open("rb") as f,
            ):
                while block := f.read(1 << 20):
                    cp.write(block)
            conn.commit()
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": _peak_mb()}
    finally:
        _drop(schema)


def case_import(csv_path: Path, meters: int, engine: str, tmp: Path) -> dict[str, float]:
    from esgledger.services import energy, readings

    schema = f"bench_pg_{uuid.uuid4().hex[:8]}"
    url = _schema_url(schema) if engine == "pg" else f"sqlite:///{tmp / 'bench.db'}"
    try:
        ledger, ctx = _ledger_with_meters(url, meters)
        t = time.perf_counter()
        result = readings.import_readings(ctx, csv_path)
        seconds = time.perf_counter() - t
        out: dict[str, float] = {
            "seconds": seconds,
            "stored": result.stored,
            "rejected": result.rejected,
            "peak_mb": _peak_mb(),
        }
        # the year's monthly data sets, from the incremental rollups
        t = time.perf_counter()
        items = 0
        for month in range(1, 13):
            items += len(energy.export_items(ctx, f"2024-{month:02d}"))
        out["rollup_seconds"] = time.perf_counter() - t
        out["rollup_items"] = items
        if engine == "pg":
            with ledger.read() as conn:
                t = time.perf_counter()
                conn.exec_driver_sql(
                    "SELECT meter, to_char((ts - interval '1 microsecond') AT TIME ZONE "
                    "'Asia/Shanghai', 'YYYY-MM'), sum(delta), count(*) FROM meter_readings "
                    "GROUP BY 1, 2"
                ).all()
                out["sql_aggregate_seconds"] = time.perf_counter() - t
        ledger.close()
        return out
    finally:
        if engine == "pg":
            _drop(schema)


#: the benchmark's own broker: Mosquitto's default keeps at most 1,000 queued QoS 1
#: messages per client and drops the rest ("Outgoing messages are being dropped")
#: whenever the listener falls that far behind; a site that ingests at this rate
#: raises the limit the same way
_BROKER_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages 1000
"""


def _own_broker(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    import shutil
    import socket

    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    conf = tmp / "mosquitto-bench.conf"
    conf.write_text(_BROKER_CONF.format(port=port))
    proc = subprocess.Popen([exe, "-c", str(conf)], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise SystemExit("the benchmark's mosquitto did not start")


def case_mqtt(rate: int, seconds: int, meters: int, tmp: Path) -> dict[str, float]:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from esgledger.services.listener import listen
    from esgledger.store import energy as repo

    schema = f"bench_mq_{uuid.uuid4().hex[:8]}"
    url = _schema_url(schema)
    run = uuid.uuid4().hex[:8]
    topic = f"esgledger-bench/{run}/#"
    client_id = f"esgledger-bench-{run}"
    broker, port = _own_broker(tmp)
    try:
        ledger, ctx = _ledger_with_meters(url, meters)
        stop = threading.Event()
        stats_box: dict[str, object] = {}
        thread = threading.Thread(
            target=lambda: stats_box.update(
                stats=listen(ctx, f"mqtt://127.0.0.1:{port}", topic, client_id=client_id, stop=stop)
            ),
            daemon=True,
        )
        thread.start()
        time.sleep(2.0)  # connected and subscribed
        total = rate * seconds
        # several publisher processes (one client each, meters split between them), each
        # sending its share in 10 ms ticks: one Python client cannot send 5,000 QoS 1
        # messages a second on a loaded 2-core machine
        publishers = max(1, min(4, rate // 2500))
        t = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _PUBLISHER, run, str(port), str(rate), str(total)]
                + [str(meters)]
                + [str(k), str(publishers)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(publishers)
        ]
        infos = [json.loads((p.communicate()[0] or "{}").strip().splitlines()[-1]) for p in procs]
        if any(p.returncode for p in procs):
            raise SystemExit("a publisher failed")
        published_at = time.perf_counter()
        pub_info = {
            "publishers": publishers,
            "publish_seconds": max(i["publish_seconds"] for i in infos),
            "publisher_behind_s": max(i["publisher_behind_s"] for i in infos),
        }

        def count() -> int:
            with ledger.read() as conn:
                return int(
                    conn.exec_driver_sql("SELECT count(*) FROM meter_readings").scalar() or 0
                )

        deadline = time.perf_counter() + 120
        while count() < total and time.perf_counter() < deadline:
            time.sleep(0.2)
        drained = time.perf_counter() - published_at
        stored = count()
        stop.set()
        thread.join(30)
        stats = stats_box.get("stats")
        with ledger.read() as conn:
            days = repo.rollups(conn, [f"M{i:04d}" for i in range(meters)], "day")
        ledger.close()
        cleaner = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        cleaner.connect("127.0.0.1", port, clean_start=True)
        cleaner.disconnect()
        return {
            "messages": total,
            "stored": stored,
            "rollup_readings": int(days["readings"].sum()) if days.height else 0,
            "wall_seconds": published_at - t,
            "drain_after_last_publish_s": drained,
            "max_receive_to_commit_s": getattr(stats, "max_lag_s", -1.0),
            "batches": getattr(stats, "batches", 0),
            "lags_s": [round(x, 3) for x in getattr(stats, "lags", [])][:8],
            "p99_receive_to_commit_s": _p99(getattr(stats, "lags", [])),
            "peak_mb": _peak_mb(),
            **pub_info,
        }
    finally:
        broker.terminate()
        broker.wait(10)
        _drop(schema)


_PUBLISHER = """
import json, sys, time
from datetime import datetime, timedelta
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
run, port, rate, total, meters, k, n = sys.argv[1], *map(int, sys.argv[2:])
c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{run}-{k}")
c.max_inflight_messages_set(1000)
c.max_queued_messages_set(0)
c.connect("127.0.0.1", port)
c.loop_start()
start = datetime(2024, 1, 1)
mine = [i for i in range(total) if i % meters % n == k]
stamps = {}
out = []
for i in mine:  # every message built before the clock starts
    step = i // meters
    if step not in stamps:
        stamps[step] = (start + timedelta(minutes=15 * (step + 1))).strftime("%Y-%m-%d %H:%M")
    body = '{"timestamp": "%s", "value": 1.5}' % stamps[step]
    out.append((i, "esgledger-bench/%s/M%04d" % (run, i % meters), body))
tick = 0.01
t0 = time.perf_counter()
late = 0.0
j = 0
while j < len(mine):
    now = time.perf_counter()
    due_index = int((now - t0) * rate)  # messages of all publishers due by now
    while j < len(out) and out[j][0] <= due_index:
        c.publish(out[j][1], out[j][2], qos=1)
        j += 1
    if j < len(mine):
        late = max(late, time.perf_counter() - t0 - mine[j] / rate)
        time.sleep(tick)
while c._out_messages:
    time.sleep(0.05)
elapsed = time.perf_counter() - t0
print(json.dumps({"publish_seconds": elapsed, "publisher_behind_s": max(late, 0.0)}))
c.loop_stop()
c.disconnect()
"""


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else -1.0


def _subprocess(args: list[str]) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"case {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meters", type=int, default=500)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--rate", type=int, default=5000)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--smoke", action="store_true", help="5 meters x 3 days, MQTT 200/s for 2 s")
    ap.add_argument("--cases", default="copy,copy_pk,pg,sqlite,mqtt")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.smoke:
        a.meters, a.days, a.rate, a.seconds = 5, 3, 200, 2
    if a.case:  # inside a case subprocess
        csv_path = Path(a.csv) if a.csv else Path()
        if a.case in ("copy", "copy_pk"):
            out = case_copy(csv_path, keyed=a.case == "copy_pk")
        elif a.case in ("pg", "sqlite"):
            out = case_import(csv_path, a.meters, a.case, Path(a.tmp))
        else:
            out = case_mqtt(a.rate, a.seconds, a.meters, Path(a.tmp))
        print(json.dumps(out))
        return
    cases = a.cases.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "readings.csv"
        t = time.perf_counter()
        rows = write_csv(csv_path, a.meters, a.days)
        print(
            f"readings file: {rows:,} rows, {csv_path.stat().st_size / 1e6:,.0f} MB "
            f"({time.perf_counter() - t:.1f} s to write); load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        results: dict[str, dict[str, float]] = {}
        common = ["--meters", str(a.meters), "--csv", str(csv_path), "--tmp", tmp]
        for case in cases:
            extra = ["--rate", str(a.rate), "--seconds", str(a.seconds)]
            results[case] = _subprocess(["--case", case, *common, *extra])
            print(f"{case}: {json.dumps(results[case])}", flush=True)
    if "copy" in results and "pg" in results:
        ratio = results["pg"]["seconds"] / results["copy"]["seconds"]
        print(f"PostgreSQL import / bare COPY = {ratio:.2f} (target ≤ 2)")
    if "copy_pk" in results and "copy" in results:
        keyed = results["copy_pk"]["seconds"] / results["copy"]["seconds"]
        print(f"COPY into the partitioned, keyed table / bare COPY = {keyed:.2f}")
    if "mqtt" in results:
        r = results["mqtt"]
        ok = r["stored"] == r["messages"] == r["rollup_readings"]
        print(f"MQTT: {'no loss, no doubles' if ok else 'MISMATCH'}")
        if not ok:
            raise SystemExit(1)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
