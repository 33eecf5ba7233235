"""What the behaviour suite needs from each bus beyond the interface: waiting until every group
has caught up (through the interface) or one group took an event in, and the few things only a
test does to one backend (a foreign producer writing to the log, a relay dying between sending
and recording)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import exists, func, insert, select

from itvision.platform import metrics
from itvision.platform.bus import operations
from itvision.platform.bus.base import Loop
from itvision.platform.bus.kafka import KafkaBus, KafkaGroupConsumer
from itvision.platform.bus.messages import Message
from itvision.platform.bus.processor import GroupProcessor
from itvision.platform.bus.tables import ConsumerPosition, DeadLetter, InboxEntry, LoggedEvent
from itvision.platform.system import Platform
from tests.conftest import eventually


async def caught_up(platform: Platform, timeout: float = 30.0) -> None:
    """Wait until every group of the platform has consumed every published event (lag 0 at the
    head of the log, relay included): after that, no event can be delivered again. (The Tansu
    broker of the tests reports the end of a partition per record batch, so there the Kafka
    part of the lag can read 0 a little early; the outbox part is exact.)"""

    async def at_head() -> bool:
        positions = await platform.bus.positions(platform.groups.values())
        return all(p.lag == 0 for p in positions.values())

    await eventually(at_head, timeout, "every group at the head of the log")


async def settled(
    platform: Platform, group: str, *, parked: int | None = 0, timeout: float = 30.0
) -> None:
    """Wait until `group` has applied every event it follows, `parked` of them still waiting
    (None: any number).
    On Kafka the lag alone can read 0 a little early on the test broker (see `caught_up`): there
    every event of the group's topics in the outbox must also be taken in or dead-lettered."""

    async def done() -> bool:
        status = next(s for s in await operations.group_statuses(platform) if s.group == group)
        return (
            status.lag == 0
            and parked in (None, status.parked)
            and await _took_in_the_outbox(platform, group)
        )

    await eventually(done, timeout, f"{group} to catch up ({parked} parked)")


async def _took_in_the_outbox(platform: Platform, group: str) -> bool:
    if not platform.bus.redelivers:
        return True  # the SQL log's lag, counted from the group's position, is exact
    topics = platform.group(group).topics
    event_id = LoggedEvent.event_id
    taken_in = exists().where(InboxEntry.group == group, InboxEntry.event_id == event_id)
    given_up = exists().where(DeadLetter.group == group, DeadLetter.event_id == event_id)
    missing = select(func.count()).where(~taken_in, ~given_up)
    if topics is not None:
        missing = missing.where(LoggedEvent.topic.in_(topics))
    async with platform.db.reads() as session:
        return await session.scalar(missing.select_from(LoggedEvent)) == 0


async def applied(platform: Platform, group: str, event_id: str, timeout: float = 30.0) -> None:
    """Wait until `group` has taken the event in: its inbox holds it where the bus may deliver
    it again (Kafka), its position has passed it on the SQL log."""

    async def taken_in() -> bool:
        async with platform.db.reads() as session:
            if platform.bus.redelivers:
                return await session.get(InboxEntry, (group, event_id)) is not None
            at = select(LoggedEvent.position).where(LoggedEvent.event_id == event_id)
            passed = select(ConsumerPosition.group).where(
                ConsumerPosition.group == group, ConsumerPosition.position >= at.scalar_subquery()
            )
            return await session.scalar(passed) is not None

    await eventually(taken_in, timeout, f"{group} to apply event {event_id}")


async def write_foreign(platform: Platform, topic: str, key: str, values: list[bytes]) -> None:
    """Write messages to the bus as a foreign program would: straight to the Kafka topic with
    a plain producer, or straight into the SQL log."""
    if platform.bus.name == "kafka":
        from aiokafka import AIOKafkaProducer

        assert isinstance(platform.bus, KafkaBus)
        topics = platform.bus.topics
        await topics.ensure([topic])
        producer = AIOKafkaProducer(bootstrap_servers=platform.settings.kafka_bootstrap)
        await producer.start()
        try:
            for value in values:
                await producer.send_and_wait(topics.wire(topic), value, key=key.encode())
        finally:
            await producer.stop()
        return
    async with platform.db.writes() as session, session.begin():
        for i, value in enumerate(values):
            await session.execute(
                insert(LoggedEvent).values(
                    event_id=f"foreign-{i}",
                    correlation_id=f"foreign-{i}",
                    topic=topic,
                    key=key,
                    envelope=value.decode(),
                    created_at=datetime.now(UTC),
                )
            )


async def relay_dies_after_sending(platform: Platform, count: int) -> None:
    """A relay that sent the first `count` events of the outbox and died before recording its
    position, so that they are sent again on restart. Nothing to do where there is no relay."""
    if platform.bus.name != "kafka":
        return
    from itvision.platform.bus.kafka import KafkaBus, KafkaRelay, producer_for

    assert isinstance(platform.bus, KafkaBus)
    relay = KafkaRelay(platform.db, platform.settings, platform.notifier, platform.bus.topics)
    assert await relay.reader.acquire() is not None
    producer = producer_for(platform.settings)
    await producer.start()
    try:
        await relay._send(producer, await relay.reader.fetch(0, count))
    finally:
        await producer.stop()
        await relay.reader.release()


class ReversedKafkaConsumer(KafkaGroupConsumer):
    """Delivers to its group, in reverse, what the broker holds of different topics: it
    gathers what arrives until the log is quiet for `QUIET` seconds, then hands over each
    topic-partition's run (kept in order, as Kafka keeps it) newest run first. So an engine
    meets `inventory.reservation.confirmed` before the `order.order.placed` it answers, as it
    may in production, where nothing orders two topics."""

    QUIET = 0.4
    LONGEST = 3.0

    async def fetch(self, consumer: AIOKafkaConsumer) -> list[tuple[TopicPartition, Message]]:
        read = await super().fetch(consumer)
        if not read:
            return read
        started = last = time.monotonic()
        while time.monotonic() - last < self.QUIET and time.monotonic() - started < self.LONGEST:
            more = await super().fetch(consumer)
            if more:
                read.extend(more)
                last = time.monotonic()
        runs: dict[TopicPartition, list[tuple[TopicPartition, Message]]] = {}
        for tp, message in read:
            runs.setdefault(tp, []).append((tp, message))
        newest_first = sorted(runs.values(), key=lambda run: _published(run[0][1]), reverse=True)
        return [item for run in newest_first for item in run]


def _published(message: Message) -> str:
    try:
        return str(json.loads(message.value)["timestamp"])
    except (ValueError, KeyError, TypeError):
        return ""


def deliver_in_reverse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every Kafka bus built from now on deliver its groups' events in reverse."""

    def consumer(self: KafkaBus, processor: GroupProcessor) -> Loop:
        return ReversedKafkaConsumer(processor, self.db, self.settings, self.topics).run

    monkeypatch.setattr(KafkaBus, "consumer", consumer)


def parked_so_far(group: str, topic: str) -> float:
    """How many events of `topic` the group has parked in this process (a Prometheus count)."""
    return metrics.EVENTS_PARKED.labels(group, topic)._value.get()
