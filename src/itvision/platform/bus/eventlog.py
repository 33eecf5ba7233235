"""The event log table (which is also the outbox), read by position, and leases on a reader's
row of `consumer_positions`: shared by both backends (the SQL log's consumers read it, the Kafka
relay reads it to publish) and by the periodic jobs.

A reader (a consumer group, the Kafka relay, a job) holds a lease on its row, so only one
process at a time reads for it; every advance of the position checks the lease in the same
transaction, so a process that lost it cannot move the group.

The lease's owner is `host:pid:random`. A process that finds the lease held by a process of its
own host that no longer runs (killed, say, with kill -9) takes it at once instead of waiting
for it to run out.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.bus.head import LogHead
from itvision.platform.bus.messages import Message
from itvision.platform.bus.processor import LeaseLost
from itvision.platform.bus.tables import ConsumerPosition, LoggedEvent
from itvision.platform.bus.tail import LogTail
from itvision.platform.db import Database, rows_affected, upsert_insert
from itvision.platform.events import utcnow

POSITIONS = cast(Table, ConsumerPosition.__table__)


@functools.cache
def this_host() -> str:
    """The host part of a lease owner: the host name, and the PID namespace where there is one
    (two containers may share a host name; a pid means something only in its namespace)."""
    host = socket.gethostname().replace(":", "_")
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return host
    return f"{host}/{namespace.removeprefix('pid:').strip('[]')}"


def process_identity() -> str:
    return f"{this_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_dead_neighbour(owner: str) -> bool:
    """Whether `owner` names a process of this host (and PID namespace), other than this one,
    that no longer runs. Anything else (another host, a live or unknown process) is not."""
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != this_host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, owned by someone else
    return False


async def ensure_position_row(session: AsyncSession, group: str) -> None:
    await session.execute(
        upsert_insert(session)(ConsumerPosition)
        .values(group=group, position=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["group"])
    )


class LogReader:
    def __init__(
        self,
        db: Database,
        name: str,
        topics: Sequence[str] | None,
        lease_seconds: float,
        tail: LogTail | None = None,
        head: LogHead | None = None,
    ) -> None:
        self.db = db
        self.name = name
        self.topics = list(topics) if topics is not None else None
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = process_identity()
        self.tail = tail
        self.head = head
        self._followed = frozenset(self.topics) if self.topics is not None else None
        self._has_row = False  # position rows are never deleted: made once is enough

    async def acquire(self) -> int | None:
        """Take or renew the lease: the reader's position if it holds the lease now (read in
        the same statement, as a replay may have moved it), None if another process does."""
        async with self.db.writes() as session, session.begin():
            if not self._has_row:
                await ensure_position_row(session, self.name)
            position = await self._take(
                session,
                or_(
                    POSITIONS.c.lease_owner.is_(None),
                    POSITIONS.c.lease_owner == self.owner,
                    POSITIONS.c.lease_until < utcnow(),
                ),
            )
            if position is None:
                holder = await session.scalar(
                    select(POSITIONS.c.lease_owner).where(POSITIONS.c.group == self.name)
                )
                # A predecessor on this host that died holding the lease: no need to wait
                # it out.
                if holder is not None and is_dead_neighbour(holder):
                    position = await self._take(session, POSITIONS.c.lease_owner == holder)
        self._has_row = True
        return position

    async def _take(self, session: AsyncSession, when: ColumnElement[bool]) -> int | None:
        now = utcnow()
        result = await session.execute(
            update(POSITIONS)
            .where(POSITIONS.c.group == self.name, when)
            .values(lease_owner=self.owner, lease_until=now + self.lease, updated_at=now)
            .returning(POSITIONS.c.position)
        )
        position: int | None = result.scalar_one_or_none()
        return position

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
        if self.tail is not None and (recent := self.tail.after(after, self._followed, limit)):
            return recent
        newest = await self.head.newest() if self.head is not None else None
        if newest is not None and newest <= after:
            return []  # the log has not grown since this process was last woken
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
        # On the table, not the mapped class: the ORM's UPDATE (which would look for the
        # rows in the session to refresh) costs twice as much, once per batch of every group.
        result = await session.execute(
            update(POSITIONS)
            .where(POSITIONS.c.group == self.name, POSITIONS.c.lease_owner == self.owner)
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
