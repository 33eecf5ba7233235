"""The embedded SQL event log: the outbox table is the log, read by position. Each consumer
group holds a lease on its row of `consumer_positions` (see `eventlog`), so one process at a time
reads for it, and its position advances in the transaction that holds the effects."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from datetime import datetime

import structlog
from sqlalchemy import func, select, update

from itvision.platform.bus.base import Bus, GroupPosition, Loop, Rewound
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.eventlog import LogReader, ensure_position_row
from itvision.platform.bus.head import LogHead
from itvision.platform.bus.notifier import LogNotifier
from itvision.platform.bus.processor import GroupProcessor, LeaseLost, Stopped
from itvision.platform.bus.tables import ConsumerPosition, LoggedEvent
from itvision.platform.bus.tail import LogTail
from itvision.platform.db import Database
from itvision.platform.events import utcnow
from itvision.platform.stopping import sleep_or_stop, wait_or_stop

log = structlog.get_logger("itvision.sqllog")


class SqlLogBus(Bus):
    name = "sql-log"
    # A group's position moves in the transaction of its effects, checked against its lease,
    # and the log holds each event id once (a unique column): an applied event is never read
    # again, so the groups keep no inbox (a statement in every batch).
    redelivers = False

    def consumer(self, processor: GroupProcessor) -> Loop:
        return SqlLogConsumer(
            self.db,
            processor,
            self.notifier,
            self.tail,
            self.head,
            batch_size=self.settings.consumer_batch_size,
            poll_seconds=self.settings.consumer_poll_seconds,
            lease_seconds=self.settings.lease_seconds,
        ).run

    def relay(self) -> Loop:
        return _nothing_to_relay

    async def seek(self, group: ConsumerGroup, to: int | datetime, then: Rewound) -> bool:
        async with self.db.writes() as session, session.begin():
            if isinstance(to, datetime):
                first = await session.scalar(
                    select(func.min(LoggedEvent.position)).where(LoggedEvent.created_at >= to)
                )
                if first is None:
                    last = await session.scalar(select(func.max(LoggedEvent.position)))
                    first = (last or 0) + 1
                start = int(first)
            else:
                start = to
            await ensure_position_row(session, group.name)
            # Taking the lease away makes a running consumer drop its batch and re-read.
            await session.execute(
                update(ConsumerPosition)
                .where(ConsumerPosition.group == group.name)
                .values(
                    position=max(start - 1, 0),
                    lease_owner=None,
                    lease_until=None,
                    updated_at=utcnow(),
                )
            )
            from_start = start <= 1
            await then(session, from_start)
        return from_start

    async def positions(self, groups: Iterable[ConsumerGroup]) -> dict[str, GroupPosition]:
        wanted = {g.name: g for g in groups}
        async with self.db.reads() as session:
            rows = {
                r.group: r
                for r in await session.scalars(
                    select(ConsumerPosition).where(ConsumerPosition.group.in_(wanted))
                )
            }
        now = utcnow()
        result = {}
        for name, group in wanted.items():
            row = rows.get(name)
            position = row.position if row else 0
            leased = row is not None and row.lease_until is not None and row.lease_until > now
            result[name] = GroupPosition(
                name,
                position,
                await LogReader(self.db, name, group.topics, 1).lag(position),
                row.lease_owner if row is not None and leased else None,
            )
        return result

    async def ping(self) -> None:
        await asyncio.wait_for(self.db.ping(), 2.0)


async def _nothing_to_relay(stop: asyncio.Event) -> None:
    """The outbox is the log: consumers read committed events where they were written."""


class SqlLogConsumer:
    """Runs one consumer group on the SQL log until `stop` is set; the batch in flight when it
    is set finishes and commits first."""

    def __init__(
        self,
        db: Database,
        processor: GroupProcessor,
        notifier: LogNotifier,
        tail: LogTail | None,
        head: LogHead,
        *,
        batch_size: int,
        poll_seconds: float,
        lease_seconds: float,
    ) -> None:
        self.processor = processor
        self.notifier = notifier
        self.batch_size = batch_size
        self.poll_seconds = min(poll_seconds, lease_seconds / 3)
        self.renew_seconds = lease_seconds / 3
        self.topics = processor.group.topics
        self.reader = LogReader(
            db, processor.group.name, processor.group.topics, lease_seconds, tail, head
        )

    async def run(self, stop: asyncio.Event) -> None:
        name = self.processor.group.name
        holding = False
        renewed = float("-inf")
        position = 0
        try:
            while not stop.is_set():
                seen = self.notifier.generation
                if not holding or time.monotonic() - renewed > self.renew_seconds:
                    # Each advance renews the lease and detects its loss; an idle group renews
                    # it here, before it runs out. Taking it (again) re-reads the position,
                    # which a replay may have moved.
                    taken = await self.reader.acquire()
                    if taken is None:
                        holding = False
                        await sleep_or_stop(stop, self.poll_seconds)
                        continue
                    if not holding:
                        # Another process may have read for the group, and parked events.
                        self.processor.reassigned()
                    holding, renewed, position = True, time.monotonic(), taken
                batch = await self.reader.fetch(position, self.batch_size)
                done = 0
                try:
                    if batch:
                        done = await self.processor.process(batch, self.reader.advance, stop=stop)
                        renewed = time.monotonic()
                        position = batch[done - 1].offset
                    await self.processor.tend_parked(stop)
                except LeaseLost:
                    log.warning("lease lost", group=name)
                    holding = False
                    continue
                except Stopped:
                    return  # the event being retried is read again at the next start
                if batch and (done < len(batch) or len(batch) == self.batch_size):
                    continue
                await wait_or_stop(stop, self.notifier.wait(seen, self.poll_seconds, self.topics))
        finally:
            with contextlib.suppress(Exception):
                await self.reader.release()
