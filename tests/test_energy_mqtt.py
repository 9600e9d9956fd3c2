"""MQTT in, against the real Mosquitto broker and PostgreSQL: kill the listener mid-stream.

Readings are published with QoS 1 while the listener runs, while it is dead
(SIGKILL: no clean shutdown, messages in flight unacknowledged) and after it
is restarted on the same persistent session. Every reading must be stored
exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from energy_helpers import setup
from esgledger.store import Ledger
from esgledger.store import energy as repo

pytestmark = [pytest.mark.mqtt, pytest.mark.postgres]
BROKER = ("127.0.0.1", 1883)
SRC = Path(__file__).resolve().parents[1] / "src"


def _broker_up() -> None:
    try:
        socket.create_connection(BROKER, timeout=2).close()
    except OSError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Mosquitto is required in CI: {exc}")
        pytest.skip(f"no MQTT broker on {BROKER[0]}:{BROKER[1]}: {exc}")


def _listener(db: str, topic: str, client_id: str, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    with log.open("ab") as err:  # the child keeps its own descriptor
        return _spawn(db, topic, client_id, env, err)


def _spawn(db, topic, client_id, env, err) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from esgledger.cli import main; main()",
            "--db",
            db,
            "meters",
            "listen",
            "--broker",
            f"mqtt://{BROKER[0]}:{BROKER[1]}",
            "--topic",
            topic,
            "--client-id",
            client_id,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )


def _count(ledger: Ledger) -> int:
    with ledger.read() as conn:
        return repo.readings_frame(conn, ["I"]).height


def _wait(pred, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


def test_nothing_lost_nothing_doubled_across_a_killed_listener(pg_url, tmp_path):
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    _broker_up()
    run = uuid.uuid4().hex[:10]
    topic = f"esgledger-test/{run}/meters/#"
    client_id = f"esgledger-test-{run}"
    with Ledger.open(pg_url) as ledger:
        setup(ledger)
        pub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{run}")
        pub.connect(*BROKER)
        pub.loop_start()
        start = datetime(2025, 3, 1)

        def publish(i: int) -> None:
            ts = (start + timedelta(minutes=15 * (i + 1))).strftime("%Y-%m-%d %H:%M")
            info = pub.publish(
                f"esgledger-test/{run}/meters/I", json.dumps({"timestamp": ts, "value": 1}), qos=1
            )
            info.wait_for_publish(5)

        listener = _listener(pg_url, topic, client_id, tmp_path / "listener.log")
        try:
            # the session exists once the first reading is stored
            assert _wait(lambda: (publish(0), _count(ledger))[1] >= 1, 30), "listener never stored"
            # 900 in all: even if the listener stored none, the broker's backlog stays under
            # Mosquitto's default max_queued_messages (1,000), beyond which it drops QoS 1
            # messages itself (a busy CI machine can leave the listener that far behind)
            total = 900
            for i in range(1, 400):
                publish(i)
                time.sleep(0.003)
            listener.send_signal(signal.SIGKILL)  # mid-stream: no flush, no acknowledgements
            listener.wait(10)
            killed_at = _count(ledger)
            # while it is down the broker keeps them for the session (Mosquitto keeps up to
            # max_queued_messages, 1,000 by default, counting those in flight at the kill)
            for i in range(400, 650):
                publish(i)
            listener = _listener(pg_url, topic, client_id, tmp_path / "listener.log")
            for i in range(650, total):
                publish(i)
            assert _wait(lambda: _count(ledger) >= total, 60), f"stored {_count(ledger)}"
            time.sleep(1.0)  # redeliveries still arriving are stored once
            assert _count(ledger) == total
            assert killed_at < total
            with ledger.read() as conn:
                days = repo.rollups(conn, ["I"], "day")
            # every reading counted once in the rollups: 900 intervals of 1 kWh
            assert int(days["readings"].sum()) == total
            assert float(days["total"].sum()) == pytest.approx(total)
        finally:
            listener.send_signal(signal.SIGTERM)
            try:
                listener.wait(15)
            except subprocess.TimeoutExpired:
                listener.kill()
            pub.loop_stop()
            pub.disconnect()
            # drop the persistent session on the broker
            cleaner = mqtt.Client(
                CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
            )
            cleaner.connect(*BROKER, clean_start=True)
            cleaner.disconnect()
