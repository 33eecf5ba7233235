"""What the behaviour suite needs from each bus beyond the interface: waiting until every group
has caught up (through the interface), and the few things only a test does to one backend (a
foreign producer writing to the log, a relay dying between sending and recording)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from itvision.platform.bus.tables import LoggedEvent
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


async def write_foreign(platform: Platform, topic: str, key: str, values: list[bytes]) -> None:
    """Write messages to the bus as a foreign program would: straight to the Kafka topic with
    a plain producer, or straight into the SQL log."""
    if platform.bus.name == "kafka":
        from aiokafka import AIOKafkaProducer

        from itvision.platform.bus.kafka import KafkaBus

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
    assert await relay.reader.acquire()
    producer = producer_for(platform.settings)
    await producer.start()
    try:
        await relay._send(producer, await relay.reader.fetch(0, count))
    finally:
        await producer.stop()
        await relay.reader.release()
