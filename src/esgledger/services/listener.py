"""MQTT in: subscribe to meter readings and store them, losing none across reconnects.

``listen`` connects with MQTT 5 as a persistent session (a fixed client id,
``clean_start`` false, a session that outlives the connection) and
subscribes with QoS 1. Messages are acknowledged by hand, only after the
transaction that stores them has committed: a listener killed mid-batch
leaves its messages unacknowledged and the broker sends them again on the next
connection; they are then stored once, because storing a reading is
idempotent. paho-mqtt reconnects with a growing delay (1 s up to 30 s).

A message is a JSON object ``{"meter": ..., "timestamp": ..., "value": ...}``
or a list of them; without ``meter`` the last level of the topic is the meter
code (``site/meters/M-01`` → ``M-01``). The broker keeps at most its
``max_queued_messages`` (Mosquitto: 1,000 by default) for a session while the
listener is away; raise it on the broker for longer outages.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import polars as pl

from esgledger.energy.deltas import BATCH_SCHEMA
from esgledger.errors import EsgError, InputError
from esgledger.services.context import Context
from esgledger.services.readings import IngestResult, ingest_frame

__all__ = ["ListenStats", "listen", "parse_broker", "rows_of_message"]


@dataclass
class ListenStats:
    """What a listener has done so far."""

    messages: int = 0
    batches: int = 0
    result: IngestResult = field(default_factory=IngestResult)
    max_lag_s: float = 0.0
    connects: int = 0
    #: receive → commit of each batch's oldest message, in order (the last 10,000 batches)
    lags: list[float] = field(default_factory=list)


def parse_broker(url: str) -> tuple[str, int]:
    """(host, port) of ``mqtt://HOST:PORT`` (port 1883 by default)."""
    parsed = urlparse(url if "://" in url else f"mqtt://{url}")
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise InputError(
            f"bad broker address {url!r}",
            hint="give it as mqtt://HOST:PORT (mqtt://127.0.0.1:1883)",
        )
    return parsed.hostname, parsed.port or 1883


def rows_of_message(topic: str, payload: bytes) -> list[tuple[str | None, str | None, str | None]]:
    """(meter, timestamp, value) texts of one message; a bad payload gives one bad row."""
    default_meter = topic.rsplit("/", 1)[-1] or None
    try:
        data: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return [(default_meter, None, payload[:200].decode("utf-8", "replace"))]
    items = data if isinstance(data, list) else [data]
    out: list[tuple[str | None, str | None, str | None]] = []
    for item in items:
        if not isinstance(item, dict):
            out.append((default_meter, None, json.dumps(item)[:200]))
            continue
        meter = item.get("meter", default_meter)
        ts = item.get("timestamp", item.get("ts"))
        value = item.get("value")
        out.append(
            (
                None if meter is None else str(meter),
                None if ts is None else str(ts),
                None if value is None else str(value),
            )
        )
    return out


def listen(
    ctx: Context,
    broker: str,
    topic: str,
    *,
    client_id: str,
    stop: threading.Event,
    max_batch: int = 5000,
    flush_seconds: float = 0.1,
    on_batch: Callable[[ListenStats], None] | None = None,
) -> ListenStats:
    """Store readings from ``topic`` at ``broker`` until ``stop`` is set (see module doc)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    host, port = parse_broker(broker)
    inbox: queue.Queue[tuple[float, Any]] = queue.Queue()
    stats = ListenStats()

    def on_connect(client: Any, _ud: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if not reason.is_failure:
            stats.connects += 1
            client.subscribe(topic, qos=1)

    def on_message(_client: Any, _ud: Any, message: Any) -> None:
        inbox.put((time.monotonic(), message))

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
        manual_ack=True,
    )
    client.on_connect = on_connect
    client.on_message = on_message
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = 7 * 24 * 3600
    props.ReceiveMaximum = 65535
    client.connect_async(host, port, keepalive=30, clean_start=False, properties=props)
    client.loop_start()
    row = 0
    try:
        while not stop.is_set():
            batch: list[tuple[float, Any]] = []
            deadline = time.monotonic() + flush_seconds
            while len(batch) < max_batch:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    break
                try:
                    batch.append(inbox.get(timeout=wait))
                except queue.Empty:
                    break
            if not batch:
                continue
            rows: list[tuple[int, str | None, str | None, str | None]] = []
            for _, message in batch:
                for meter, ts, value in rows_of_message(message.topic, message.payload):
                    rows.append((row, meter, ts, value))
                    row += 1
            frame = pl.DataFrame(rows, schema=BATCH_SCHEMA, orient="row")
            while True:
                try:
                    done = ingest_frame(ctx, frame, source="mqtt", file=topic)
                    break
                except EsgError:
                    if stop.wait(1.0):
                        return stats  # not acknowledged: the broker sends them again
            for _, message in batch:
                client.ack(message.mid, message.qos)
            now = time.monotonic()
            lag = now - min(t for t, _ in batch)
            stats.max_lag_s = max(stats.max_lag_s, lag)
            stats.lags = [*stats.lags[-9_999:], lag]
            stats.messages += len(batch)
            stats.batches += 1
            stats.result.add(done)
            if on_batch is not None:
                on_batch(stats)
    finally:
        client.disconnect()
        client.loop_stop()
    return stats
