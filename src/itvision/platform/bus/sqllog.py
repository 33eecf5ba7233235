"""The embedded SQL event log: the outbox table is the log, read by position.

A reader (a consumer group, or the Kafka relay) holds a lease on its row of
`consumer_positions`, so only one process at a time reads for it; every advance of the position
checks the lease in the same transaction, so a process that lost it cannot move the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta

import structlog
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform import metrics
from itvision.platform.bus.notifier import LogNotifier
from itvision.platform.bus.processor import GroupProcessor, LeaseLost, Message
from itvision.platform.bus.tables import ConsumerPosition, LoggedEvent
from itvision.platform.db import Database, upsert_insert
from itvision.platform.events import utcnow
from itvision.platform.outbox import NOTIFY_CHANNEL
from itvision.platform.stopping import sleep_or_stop, wait_or_stop

log = structlog.get_logger("itvision.sqllog")


def process_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def ensure_position_row(session: AsyncSession, group: str) -> None:
    await session.execute(
        upsert_insert(session)(ConsumerPosition)
        .values(group=group, position=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["group"])
    )


class LogReader:
    def __init__(self, db: Database, name: str, topics: Sequence[str] | None, lease_seconds: float):
        self.db = db
        self.name = name
        self.topics = list(topics) if topics is not None else None
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = process_identity()

    async def acquire(self) -> bool:
        async with self.db.writes() as session, session.begin():
            await ensure_position_row(session, self.name)
            now = utcnow()
            result = await session.execute(
                update(ConsumerPosition)
                .where(
                    ConsumerPosition.group == self.name,
                    or_(
                        ConsumerPosition.lease_owner.is_(None),
                        ConsumerPosition.lease_owner == self.owner,
                        ConsumerPosition.lease_until < now,
                    ),
                )
                .values(lease_owner=self.owner, lease_until=now + self.lease, updated_at=now)
            )
            return result.rowcount == 1

    async def release(self) -> None:
        async with self.db.writes() as session, session.begin():
            await session.execute(
                update(ConsumerPosition)
                .where(
                    ConsumerPosition.group == self.name, ConsumerPosition.lease_owner == self.owner
                )
                .values(lease_owner=None, lease_until=None)
            )

    async def position(self) -> int:
        async with self.db.reads() as session:
            value = await session.scalar(
                select(ConsumerPosition.position).where(ConsumerPosition.group == self.name)
            )
            return value or 0

    async def fetch(self, after: int, limit: int) -> list[Message]:
        query = select(
            LoggedEvent.position,
            LoggedEvent.topic,
            LoggedEvent.key,
            LoggedEvent.envelope,
            LoggedEvent.event_id,
            LoggedEvent.correlation_id,
        ).where(LoggedEvent.position > after)
        if self.topics is not None:
            query = query.where(LoggedEvent.topic.in_(self.topics))
        query = query.order_by(LoggedEvent.position).limit(limit)
        async with self.db.reads() as session:
            rows = (await session.execute(query)).all()
        return [Message(r[1], 0, r[0], r[2], r[3], r[4], r[5]) for r in rows]

    async def advance(self, session: AsyncSession, last: Message) -> None:
        """Move the position to `last`, inside the caller's transaction, if we hold the lease."""
        now = utcnow()
        result = await session.execute(
            update(ConsumerPosition)
            .where(ConsumerPosition.group == self.name, ConsumerPosition.lease_owner == self.owner)
            .values(position=last.offset, lease_until=now + self.lease, updated_at=now)
        )
        if result.rowcount != 1:
            raise LeaseLost(self.name)

    async def lag(self, position: int) -> int:
        query = select(func.count()).select_from(LoggedEvent).where(LoggedEvent.position > position)
        if self.topics is not None:
            query = query.where(LoggedEvent.topic.in_(self.topics))
        async with self.db.reads() as session:
            return int(await session.scalar(query) or 0)


class SqlLogConsumer:
    """Runs one consumer group on the SQL log until `stop` is set; the batch in flight when it
    is set finishes and commits first."""

    def __init__(
        self,
        db: Database,
        processor: GroupProcessor,
        notifier: LogNotifier,
        *,
        batch_size: int,
        poll_seconds: float,
        lease_seconds: float,
    ) -> None:
        self.processor = processor
        self.notifier = notifier
        self.batch_size = batch_size
        self.poll_seconds = min(poll_seconds, lease_seconds / 3)
        self.reader = LogReader(db, processor.group.name, processor.group.topics, lease_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        name = self.processor.group.name
        holding = False
        position = 0
        try:
            while not stop.is_set():
                seen = self.notifier.generation
                if not holding:
                    # Taken (or renewed) before reading and after every idle wait; while
                    # batches keep coming, each advance renews it and detects its loss.
                    if not await self.reader.acquire():
                        await sleep_or_stop(stop, self.poll_seconds)
                        continue
                    holding = True
                    position = await self.reader.position()
                batch = await self.reader.fetch(position, self.batch_size)
                if batch:
                    try:
                        await self.processor.process(batch, self.reader.advance)
                    except LeaseLost:
                        log.warning("lease lost", group=name)
                        holding = False
                        continue
                    position = batch[-1].offset
                    if len(batch) == self.batch_size:
                        continue
                metrics.CONSUMER_LAG.labels(name).set(await self.reader.lag(position))
                await wait_or_stop(stop, self.notifier.wait(seen, self.poll_seconds))
                holding = False
        finally:
            with contextlib.suppress(Exception):
                await self.reader.release()


class PostgresListener:
    """Relays PostgreSQL NOTIFY from other processes' commits to this process's notifier."""

    def __init__(self, url: str, notifier: LogNotifier) -> None:
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.notifier = notifier
        self._conn = None

    async def start(self) -> None:
        import asyncpg

        self._conn = await asyncpg.connect(self.url)
        await self._conn.add_listener(NOTIFY_CHANNEL, lambda *_: self.notifier.wake())

    async def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
