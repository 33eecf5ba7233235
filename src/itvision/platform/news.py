"""Word, inside one process, that a change was committed, for a request waiting for it.

A consumer's change that publishes no event (payment learning that an order's stock is held)
may be what a request of the same process waits for. The unit of work that makes it says so
(`uow.tell(key)`); once it commits, the requests listening for that key wake at once, instead of
reading again and again. A change made in another process is not heard: a listener still
reads again after its own timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable


class News:
    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Future[None]]] = {}

    def tell(self, keys: Iterable[str]) -> None:
        for key in keys:
            for heard in self._listeners.pop(key, ()):
                if not heard.done():
                    heard.set_result(None)

    @contextlib.asynccontextmanager
    async def listening(self, key: str) -> AsyncIterator[asyncio.Future[None]]:
        """A future done when `key` is told, listened for from now: check the state inside
        the block, then wait for the future (a change committed in between is not missed)."""
        heard: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._listeners.setdefault(key, set()).add(heard)
        try:
            yield heard
        finally:
            listeners = self._listeners.get(key)
            if listeners is not None:
                listeners.discard(heard)
                if not listeners:
                    del self._listeners[key]
            heard.cancel()
