"""The Kafka bus: a relay from the outbox to Kafka, and Kafka consumer groups. Imported only
when Kafka is configured (see `base.bus_for`): aiokafka is an optional extra.

- The relay reads the event log in order (holding the `__relay__` lease, so one process relays
  at a time), produces each event with its key as the Kafka message key (acks=all), waits for
  every acknowledgement, then records its position. A crash in between re-sends a few events;
  consumers' inboxes make that harmless.
- A consumer commits its Kafka offsets only after the transaction holding the effects and the
  inbox rows has committed. After a rebalance the new owner may read events again from the last
  committed offset; the inbox skips them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from sqlalchemy import delete, func, select

from itvision.platform import metrics
from itvision.platform.bus.base import Bus, GroupPosition, Loop, Rewound
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.eventlog import LogReader
from itvision.platform.bus.head import LogHead
from itvision.platform.bus.messages import Message, storable
from itvision.platform.bus.notifier import LogNotifier
from itvision.platform.bus.processor import GroupProcessor, LeaseLost, Stopped
from itvision.platform.bus.tables import ConsumerPosition, LoggedEvent
from itvision.platform.bus.tail import LogTail
from itvision.platform.db import Database
from itvision.platform.errors import InvalidInput
from itvision.platform.stopping import sleep_or_stop, wait_or_stop
from itvision.settings import Settings

log = structlog.get_logger("itvision.kafka")

RELAY_NAME = "__relay__"
POSITION_HEADER = "logPosition"
"""The header in which the relay gives each event's position in the SQL log."""


class KafkaBus(Bus):
    name = "kafka"
    redelivers = True

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(db, settings)
        self.topics = KafkaTopics(settings)
        self.offsets = GroupOffsets(settings, self.topics)

    def consumer(self, processor: GroupProcessor) -> Loop:
        return KafkaGroupConsumer(processor, self.db, self.settings, self.topics).run

    def relay(self) -> Loop:
        return KafkaRelay(
            self.db, self.settings, self.notifier, self.topics, self.tail, self.head
        ).run

    async def seek(self, group: ConsumerGroup, to: int | datetime, then: Rewound) -> bool:
        offsets = await seek_group(self.settings, self.topics, group.name, group.topics, to)
        from_start = all(o == 0 for o in offsets.values())
        async with self.db.writes() as session, session.begin():
            # What is read again is applied again, even what was applied on the SQL log.
            await session.execute(
                delete(ConsumerPosition).where(ConsumerPosition.group == group.name)
            )
            await then(session, from_start)
        return from_start

    async def positions(self, groups: Iterable[ConsumerGroup]) -> dict[str, GroupPosition]:
        """Kafka's committed offsets and lag, plus the events of the group's topics that the
        relay has not yet moved to Kafka: they are published, and not consumed."""
        wanted = {g.name: g.topics for g in groups}
        offsets = await self.offsets.of(wanted)
        unrelayed = await self._unrelayed()
        return {
            name: GroupPosition(
                name, committed, lag + sum(unrelayed.get(t, 0) for t in wanted[name])
            )
            for name, (committed, lag) in offsets.items()
        }

    async def _unrelayed(self) -> dict[str, int]:
        """Events per topic that the relay has not moved to Kafka yet, in one read."""
        relayed = select(ConsumerPosition.position).where(ConsumerPosition.group == RELAY_NAME)
        query = (
            select(LoggedEvent.topic, func.count())
            .where(LoggedEvent.position > func.coalesce(relayed.scalar_subquery(), 0))
            .group_by(LoggedEvent.topic)
        )
        async with self.db.reads() as session:
            return {topic: int(count) for topic, count in await session.execute(query)}

    async def close(self) -> None:
        await self.offsets.close()
        await super().close()

    async def ping(self) -> None:
        await ping(self.settings)


class KafkaTopics:
    """Creates topics on first use, with the configured partition count."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefix = settings.kafka_topic_prefix
        self._known: set[str] = set()
        # The relay and every group ensure their topics at start: one creation at a time, as
        # a broker asked to create the same topic twice at once may answer NotLeader for it
        # long after (tansu did, for 30 s).
        self._creating = asyncio.Lock()

    def wire(self, topic: str) -> str:
        return self.prefix + topic

    def local(self, wire_topic: str) -> str:
        return wire_topic.removeprefix(self.prefix)

    async def ensure(self, topics: Iterable[str]) -> None:
        wanted = {self.wire(t) for t in topics}
        if wanted <= self._known:
            return
        async with self._creating:
            missing = sorted(wanted - self._known)
            if not missing:
                return
            admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap)
            await admin.start()
            try:
                existing = set(await admin.list_topics())
                new = [
                    NewTopic(name, self.settings.kafka_partitions, self.settings.kafka_replication)
                    for name in missing
                    if name not in existing
                ]
                if new:
                    await admin.create_topics(new)
                    await _leaders_elected(admin, [t.name for t in new])
                    log.info("topics created", topics=[t.name for t in new])
            finally:
                await admin.close()
            self._known.update(missing)


async def _leaders_elected(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    """Until every partition of `names` has a leader: a topic is usable only then, and a
    producer sending before gets NotLeaderForPartition."""
    for _ in range(100):
        described = await admin.describe_topics(names)
        if len(described) == len(names) and all(
            t["error_code"] == 0
            and t["partitions"]
            and all(p["error_code"] == 0 and p["leader"] >= 0 for p in t["partitions"])
            for t in described
        ):
            return
        await asyncio.sleep(0.1)


def producer_for(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        linger_ms=5,
        request_timeout_ms=15_000,
    )


class KafkaRelay:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        notifier: LogNotifier,
        topics: KafkaTopics,
        tail: LogTail | None = None,
        head: LogHead | None = None,
    ) -> None:
        self.settings = settings
        self.notifier = notifier
        self.topics = topics
        self.reader = LogReader(db, RELAY_NAME, None, settings.lease_seconds, tail, head)
        self.db = db
        self.batch_size = max(settings.consumer_batch_size, 2000)
        self.poll_seconds = min(settings.consumer_poll_seconds, settings.lease_seconds / 3)

    async def run(self, stop: asyncio.Event) -> None:
        producer: AIOKafkaProducer | None = None
        backoff = 0.5
        try:
            while not stop.is_set():
                position = await self.reader.acquire()
                if position is None:
                    await sleep_or_stop(stop, self.poll_seconds)
                    continue
                try:
                    if producer is None:
                        producer = producer_for(self.settings)
                        await producer.start()
                    await self._pump(producer, position, stop)
                    backoff = 0.5
                except LeaseLost:
                    log.warning("relay lease lost")
                except (KafkaError, OSError) as exc:
                    log.warning(
                        "relay cannot reach Kafka; retrying", error=repr(exc), retry_in=backoff
                    )
                    if producer is not None:
                        with contextlib.suppress(Exception):
                            await producer.stop()
                        producer = None
                    await sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, 10.0)
        finally:
            if producer is not None:
                with contextlib.suppress(Exception):
                    await producer.stop()
            with contextlib.suppress(Exception):
                await self.reader.release()

    async def _pump(self, producer: AIOKafkaProducer, position: int, stop: asyncio.Event) -> None:
        """Relay from `position` until the log is drained and an idle wait ends (then the
        caller renews the lease). Batch k+1 is sent while batch k's acknowledgements are
        awaited; positions are recorded in order, each once its whole batch is acknowledged."""
        in_flight: tuple[list[asyncio.Future[object]], list[Message]] | None = None
        try:
            while not stop.is_set():
                seen = self.notifier.generation
                batch = await self.reader.fetch(position, self.batch_size)
                sent = (await self._send(producer, batch), batch) if batch else None
                if in_flight is not None:
                    await self._confirm(*in_flight)
                in_flight = sent
                if batch:
                    position = batch[-1].offset
                    continue
                await wait_or_stop(stop, self.notifier.wait(seen, self.poll_seconds))
                return
        finally:
            if in_flight is not None:
                with contextlib.suppress(KafkaError, OSError, LeaseLost):
                    await self._confirm(*in_flight)

    async def _send(
        self, producer: AIOKafkaProducer, batch: Sequence[Message]
    ) -> list[asyncio.Future[object]]:
        await self.topics.ensure({m.topic for m in batch})
        futures = []
        for m in batch:
            value = m.value.encode() if isinstance(m.value, str) else m.value
            headers = [
                ("id", (m.event_id or "").encode()),
                ("type", m.topic.encode()),
                ("correlationId", (m.correlation_id or "").encode()),
                (POSITION_HEADER, str(m.offset).encode()),
            ]
            futures.append(
                await producer.send(
                    self.topics.wire(m.topic), value=value, key=m.key.encode(), headers=headers
                )
            )
        return futures

    async def _confirm(self, futures: list[asyncio.Future[object]], batch: list[Message]) -> None:
        await asyncio.gather(*futures)
        async with self.db.writes() as session, session.begin():
            await self.reader.advance(session, batch[-1])
        for topic, count in Counter(m.topic for m in batch).items():
            metrics.EVENTS_RELAYED.labels(topic).inc(count)


class KafkaGroupConsumer:
    def __init__(
        self, processor: GroupProcessor, db: Database, settings: Settings, topics: KafkaTopics
    ) -> None:
        self.processor = processor
        self.settings = settings
        self.topics = topics
        # The group's position on the SQL log, if the shop ran on it before Kafka.
        self.sql_log = LogReader(db, processor.group.name, None, settings.lease_seconds)

    def _consumer(self) -> AIOKafkaConsumer:
        timeout = self.settings.kafka_session_timeout_ms
        return AIOKafkaConsumer(
            *(self.topics.wire(t) for t in self.processor.group.topics),
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=self.topics.wire(self.processor.group.name),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=timeout,
            heartbeat_interval_ms=max(timeout // 3, 50),
            max_poll_records=self.settings.consumer_batch_size,
            # The processor returns within its retry budget (seconds), far below this.
            max_poll_interval_ms=300_000,
        )

    async def run(self, stop: asyncio.Event) -> None:
        name = self.processor.group.name
        backoff = 0.5
        while not stop.is_set():
            consumer = self._consumer()
            try:
                await self.topics.ensure(self.processor.group.topics)
                self.processor.applied_on_sql_log = await self.sql_log.position()
                await consumer.start()
                log.info("consuming", group=name)
                backoff = 0.5
                await self._loop(consumer, stop)
            except Stopped:
                return  # the event being retried is read again at the next start
            except (KafkaError, OSError) as exc:
                log.warning("consumer cannot reach Kafka; retrying", group=name, error=repr(exc))
                await sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()

    async def _loop(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        assigned: set[TopicPartition] = set()
        while not stop.is_set():
            read = await self.fetch(consumer)
            if consumer.assignment() != assigned:
                # Partitions taken over from another process may have events parked there.
                assigned = set(consumer.assignment())
                self.processor.reassigned()
            if not read:
                await self.processor.tend_parked(stop)
                continue
            done = await self.processor.process([m for _, m in read], stop=stop)
            ends = {tp: m.offset + 1 for tp, m in read[:done]}
            for tp, m in reversed(read[done:]):
                # Retrying took its budget: what was not got through is read again.
                consumer.seek(tp, m.offset)
            if ends:
                await self._commit(consumer, ends)
            await self.processor.tend_parked(stop)

    async def fetch(self, consumer: AIOKafkaConsumer) -> list[tuple[TopicPartition, Message]]:
        """What the broker has for the group now (up to a batch), in partition order."""
        fetched = await consumer.getmany(
            timeout_ms=200, max_records=self.settings.consumer_batch_size
        )
        return [
            (
                tp,
                Message(
                    self.topics.local(r.topic),
                    r.partition,
                    r.offset,
                    _key(r.key),
                    r.value or b"",
                    log_position=_log_position(r.headers),
                ),
            )
            for tp, records in fetched.items()
            for r in records
        ]

    async def _commit(self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> None:
        try:
            await asyncio.wait_for(
                consumer.commit(ends), self.settings.kafka_session_timeout_ms / 1000 * 3
            )
        except (CommitFailedError, IllegalStateError, KafkaError, TimeoutError) as exc:
            # The new owner of the partition (after a rebalance) or this consumer (after
            # the outage) reads again from the last committed offset; the inbox skips
            # what was already applied.
            log.info("offsets not committed", group=self.processor.group.name, error=repr(exc))


def _key(raw: bytes | None) -> str:
    return storable(raw.decode(errors="replace")) if raw else ""


def _log_position(headers: Sequence[tuple[str, bytes]] | None) -> int | None:
    value = dict(headers or ()).get(POSITION_HEADER)
    return int(value) if value is not None and value.isdigit() else None


async def ping(settings: Settings, timeout: float = 2.0) -> None:
    """Raises if no broker answers within `timeout` seconds."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=int(timeout * 1000)
    )
    try:
        await asyncio.wait_for(admin.start(), timeout)
        await asyncio.wait_for(admin.describe_cluster(), timeout)
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


async def _partitions(
    consumer: AIOKafkaConsumer, topics: KafkaTopics, names: Sequence[str]
) -> list[TopicPartition]:
    await consumer.topics()  # refreshes the metadata that partitions_for_topic reads
    result = []
    for name in names:
        for p in sorted(consumer.partitions_for_topic(topics.wire(name)) or ()):
            result.append(TopicPartition(topics.wire(name), p))
    return result


class GroupOffsets:
    """(events committed, lag) of Kafka consumer groups over their topics, asked of the broker
    by one admin client and one consumer in no group, kept from one question to the next (the
    lag is read at each scrape of the metrics, and a client costs a connection and the
    cluster's metadata to start), not by a consumer started in each group."""

    def __init__(self, settings: Settings, topics: KafkaTopics) -> None:
        self.settings = settings
        self.topics = topics
        self._clients: tuple[AIOKafkaAdminClient, AIOKafkaConsumer] | None = None
        self._starting = asyncio.Lock()

    async def of(self, groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[int, int]]:
        """Of each group (`groups`: names to topics)."""
        admin, ends_reader = await self._started()
        try:
            wire = sorted({self.topics.wire(t) for names in groups.values() for t in names})
            described = await admin.describe_topics(wire) if wire else []
            held = [
                TopicPartition(t["topic"], p["partition"])
                for t in described
                if t["error_code"] == 0  # a topic not created yet holds nothing
                for p in t["partitions"]
            ]
            ends = await ends_reader.end_offsets(held) if held else {}

            async def of_group(group: str, names: Sequence[str]) -> tuple[int, int]:
                mine = {self.topics.wire(n) for n in names}
                tps = [tp for tp in held if tp.topic in mine]
                found = (
                    await admin.list_consumer_group_offsets(self.topics.wire(group), partitions=tps)
                    if tps
                    else {}
                )
                # -1, or no answer: the group never committed there.
                committed = {tp: max(found[tp].offset, 0) if tp in found else 0 for tp in tps}
                lag = sum(max(ends[tp] - committed[tp], 0) for tp in tps)
                return sum(committed.values()), lag

            answers = await asyncio.gather(*(of_group(g, n) for g, n in groups.items()))
        except BaseException:
            await self.close()  # a client that failed once is not trusted again
            raise
        return dict(zip(groups, answers, strict=True))

    async def _started(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        async with self._starting:
            if self._clients is None:
                admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap)
                ends_reader = AIOKafkaConsumer(
                    bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False
                )
                try:
                    await admin.start()
                    await ends_reader.start()
                except BaseException:
                    await _closed(admin, ends_reader)
                    raise
                self._clients = (admin, ends_reader)
            return self._clients

    async def close(self) -> None:
        if self._clients is not None:
            clients, self._clients = self._clients, None
            await _closed(*clients)


async def _closed(admin: AIOKafkaAdminClient, ends_reader: AIOKafkaConsumer) -> None:
    with contextlib.suppress(Exception):
        await ends_reader.stop()
    with contextlib.suppress(Exception):
        await admin.close()


async def seek_group(
    settings: Settings,
    topics: KafkaTopics,
    group: str,
    names: Sequence[str],
    to: int | datetime,
) -> dict[tuple[str, int], int]:
    """Commit new offsets for an idle group: the offset `to` in every partition (within what
    the partition holds), or the first offset at or after the time `to`. It joins the group to
    do so (brokers refuse commits from outside an active group) and refuses while workers hold
    part of it."""
    await topics.ensure(names)
    timeout = settings.kafka_session_timeout_ms
    consumer = AIOKafkaConsumer(
        *(topics.wire(n) for n in names),
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=topics.wire(group),
        enable_auto_commit=False,
        session_timeout_ms=timeout,
        heartbeat_interval_ms=max(timeout // 3, 50),
    )
    await consumer.start()
    try:
        tps = set(await _partitions(consumer, topics, names))
        deadline = asyncio.get_running_loop().time() + 3 * timeout / 1000 + 5
        while consumer.assignment() != tps:
            if asyncio.get_running_loop().time() > deadline:
                raise InvalidInput(
                    f"group {group} has running workers: stop them before a replay", field="group"
                )
            await consumer.getmany(timeout_ms=100)
        begins = await consumer.beginning_offsets(list(tps))
        ends = await consumer.end_offsets(list(tps))
        targets: dict[Any, int]
        if isinstance(to, datetime):
            found = await consumer.offsets_for_times({tp: int(to.timestamp() * 1000) for tp in tps})
            # No event at or after the time: Kafka answers None, Tansu offset 0 with timestamp
            # -1; either way the partition is read again from its end, not from its start.
            targets = {
                tp: hit.offset if (hit := found.get(tp)) is not None and hit.timestamp >= 0 else end
                for tp, end in ends.items()
            }
        else:
            targets = {tp: min(max(to, begins[tp]), ends[tp]) for tp in tps}
        await consumer.commit(targets)
        return {(topics.local(tp.topic), tp.partition): off for tp, off in targets.items()}
    finally:
        await consumer.stop()
