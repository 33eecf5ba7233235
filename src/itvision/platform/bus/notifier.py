"""Wakes the consumers of this process when events are committed, so they never poll in a
tight loop. Other processes are woken by PostgreSQL NOTIFY (see sqllog) or, on SQLite, by a
slow fallback poll."""

from __future__ import annotations

import asyncio
import contextlib


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
