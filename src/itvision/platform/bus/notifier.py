"""Wakes the readers of the log in this process (consumers on the SQL log, the Kafka relay)
when events are committed, so they never poll in a tight loop. Other processes are woken by
PostgreSQL NOTIFY (`PostgresListener`) or, on SQLite, by a slow fallback poll."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from itvision.platform.outbox import NOTIFY_CHANNEL


class LogNotifier:
    """A reader notes `generation` before it reads the log, and waits with it: a commit that
    happened in between makes the wait return at once instead of being missed. A reader that
    names its topics is woken only by commits that published one of them (a consumer group
    does not re-read the log for the events of topics it does not follow)."""

    def __init__(self) -> None:
        self.generation = 0
        self._last: dict[str | None, int] = {}  # topic (None: any) -> generation it last came
        self._event: asyncio.Event | None = None

    def wake(self, topics: Iterable[str] | None = None) -> None:
        """Events were committed: of these topics, or of any when not told which."""
        self.generation += 1
        for topic in (None,) if topics is None else topics:
            self._last[topic] = self.generation
        if self._event is not None:
            self._event.set()
            self._event = None

    def _changed(self, seen: int, topics: Iterable[str] | None) -> bool:
        if topics is None:
            return self.generation != seen
        if self._last.get(None, 0) > seen:
            return True
        return any(self._last.get(topic, 0) > seen for topic in topics)

    async def wait(self, seen: int, timeout: float, topics: Iterable[str] | None = None) -> None:
        """Until something was committed since `seen` (of `topics`, if given), or `timeout`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._changed(seen, topics):
                    if self._event is None:
                        self._event = asyncio.Event()
                    await self._event.wait()


class PostgresListener:
    """Relays PostgreSQL NOTIFY from other processes' commits to this process's notifier."""

    def __init__(self, url: str, notifier: LogNotifier) -> None:
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.notifier = notifier
        self._conn: Any = None

    async def start(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url)
        await conn.add_listener(NOTIFY_CHANNEL, self._notified)
        self._conn = conn

    def _notified(self, *args: Any) -> None:
        payload = args[-1]  # (connection, pid, channel, payload): the topics, comma-separated
        self.notifier.wake(payload.split(",") if payload else None)

    async def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
