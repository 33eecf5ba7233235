"""The event log table (which is also the outbox), read by position, and leases on a reader's
row of `consumer_positions`: shared by both backends (the SQL log's consumers read it, the Kafka
relay reads it to publish) and by the periodic jobs.

A reader (a consumer group, the Kafka relay, a job) holds a lease on its row, so only one
process at a time reads for it; every advance of the position checks the lease in the same
transaction, so a process that lost it cannot move the group.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.bus.processor import LeaseLost, Message
from itvision.platform.bus.tables import ConsumerPosition, LoggedEvent
from itvision.platform.db import Database, upsert_insert
from itvision.platform.events import utcnow


def process_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def rows_affected(result: Result[Any]) -> int:
    """The row count of an INSERT, UPDATE or DELETE."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"no row count in {type(result).__name__}")
    return result.rowcount


async def ensure_position_row(session: AsyncSession, group: str) -> None:
    await session.execute(
        upsert_insert(session)(ConsumerPosition)
        .values(group=group, position=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["group"])
    )


async def last_position(db: Database) -> int:
    """The position of the newest event of the log (0 when it is empty)."""
    async with db.reads() as session:
        return int(await session.scalar(select(func.max(LoggedEvent.position))) or 0)


class LogReader:
    def __init__(
        self, db: Database, name: str, topics: Sequence[str] | None, lease_seconds: float
    ) -> None:
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
            return rows_affected(result) == 1

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
        if rows_affected(result) != 1:
            raise LeaseLost(self.name)

    async def lag(self, position: int) -> int:
        """How many events of the reader's topics come after `position`."""
        query = select(func.count()).select_from(LoggedEvent).where(LoggedEvent.position > position)
        if self.topics is not None:
            query = query.where(LoggedEvent.topic.in_(self.topics))
        async with self.db.reads() as session:
            return int(await session.scalar(query) or 0)
