"""Periodic jobs of the engines (expire reservations, start and end campaigns…), run by
`serve` and `worker` instead of cron. Each job holds a lease, so with several processes it
still runs in one at a time; a job must be safe to run twice (it is re-run after a crash)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from itvision.platform.bus.eventlog import LogReader
from itvision.platform.stopping import sleep_or_stop

if TYPE_CHECKING:
    from itvision.platform.system import Platform

log = structlog.get_logger("itvision.jobs")


@dataclass(frozen=True)
class PeriodicJob:
    """`run(platform)` every `every_seconds`; `name` is unique, e.g. `inventory-expire`."""

    name: str
    every_seconds: float
    run: Callable[[Platform], Awaitable[object]]


async def run_periodically(platform: Platform, job: PeriodicJob, stop: asyncio.Event) -> None:
    lease = LogReader(platform.db, f"job:{job.name}", (), max(job.every_seconds * 3, 5.0))
    try:
        while not stop.is_set():
            if await lease.acquire() is not None:
                try:
                    await job.run(platform)
                except Exception:
                    log.exception("job failed", job=job.name)
            await sleep_or_stop(stop, job.every_seconds)
    finally:
        with contextlib.suppress(Exception):
            await lease.release()
