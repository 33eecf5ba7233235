"""Wakes the readers of the log in this process (consumers on the SQL log, the Kafka relay)
when events are committed, so they never poll in a tight loop. Other processes are woken by
PostgreSQL NOTIFY (`PostgresListener`) or, on SQLite, by a slow fallback poll."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from itvision.platform.uow import NOTIFY_CHANNEL


class LogNotifier:
    """A reader notes `generation` before it reads the log, and waits with it: a commit that
    happened in between makes the wait return at once instead of being missed."""

    def __init__(self) -> None:
        self.generation = 0
        self._event: asyncio.Event | None = None

    def wake(self) -> None:
        self.generation += 1
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seen: int, timeout: float) -> None:
        if self.generation != seen:
            return
        if self._event is None:
            self._event = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


class PostgresListener:
    """Relays PostgreSQL NOTIFY from other processes' commits to this process's notifier."""

    def __init__(self, url: str, notifier: LogNotifier) -> None:
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.notifier = notifier
        self._conn: Any = None

    async def start(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url)
        await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self.notifier.wake())
        self._conn = conn

    async def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
