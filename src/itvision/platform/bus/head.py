"""The newest position of the event log, read once per poll for all the readers of a process.

An idle reader (a consumer group on the SQL log, the Kafka relay) wakes every poll in case
another process appended events that nothing told this one about: on SQLite nothing does, and
on PostgreSQL a NOTIFY can be lost while the listener reconnects. Eleven groups each reading
the table at every poll cost a process about a quarter of a core doing nothing; asking this
first, they read the table only when the log grew past them.

A head read since the last wake of the notifier is trusted: this process's own commits wake
it (and, on PostgreSQL, other processes' too), so any of those makes the readers read the
table as before, until the next read of the head.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from itvision.platform.bus.notifier import LogNotifier
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.db import Database


async def last_position(db: Database) -> int:
    """The position of the newest event of the log (0 when it is empty)."""
    async with db.reads() as session:
        return int(await session.scalar(select(func.max(LoggedEvent.position))) or 0)


class LogHead:
    def __init__(self, db: Database, notifier: LogNotifier, every_seconds: float) -> None:
        self.db = db
        self.notifier = notifier
        self.every_seconds = every_seconds
        self._value = 0
        self._generation = -1  # the notifier's generation when `_value` was read
        self._read_at = float("-inf")
        self._reading: asyncio.Task[None] | None = None

    async def newest(self) -> int | None:
        """The log's newest position, read at most once per `every_seconds` for everyone;
        None when this process was woken since it was read (the readers read the table)."""
        if time.monotonic() - self._read_at >= self.every_seconds:
            if self._reading is None:
                self._reading = asyncio.create_task(self._read())
            # Shielded: a reader stopped while it waits does not cancel the others' read.
            await asyncio.shield(self._reading)
        return self._value if self._generation == self.notifier.generation else None

    async def _read(self) -> None:
        generation = self.notifier.generation  # taken before: a commit during the read counts
        try:
            value = await last_position(self.db)
        except Exception:
            self._generation = -1  # unknown: the readers read the table, and meet the error
        else:
            self._value, self._generation, self._read_at = value, generation, time.monotonic()
        finally:
            self._reading = None
