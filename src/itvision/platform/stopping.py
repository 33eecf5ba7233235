"""Waiting that a stop interrupts: every long-running loop of the platform (consumers, relay,
jobs, supervisor) sleeps through these, so a stop is never held up by a sleep."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def wait_or_stop(stop: asyncio.Event, waiting: Awaitable[None]) -> None:
    """Until `waiting` is done or `stop` is set, whichever comes first."""
    stop_task = asyncio.ensure_future(stop.wait())
    wait_task = asyncio.ensure_future(waiting)
    try:
        await asyncio.wait({stop_task, wait_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop_task.cancel()
        wait_task.cancel()
