"""A process restarted on the same host after a kill -9 takes its dead predecessor's SQL-log
lease at once instead of waiting for it to run out; a live holder, or one of another host, keeps
it. A process that lost the lease commits nothing: on the SQL log the position, moved in the
effects' transaction under the lease, is what makes each event's effects happen once."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from itvision.platform.bus.eventlog import LogReader, ensure_position_row, this_host
from itvision.platform.bus.processor import LeaseLost
from itvision.platform.bus.tables import ConsumerPosition
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS
from tests.demo_engine import DemoGroup, applied_count
from tests.platform.test_delivery import publish, settled_seqs, wait_applied

ON_THE_SQL_LOG = [c for c in COMBINATIONS if "sqllog" in str(c.id)]


async def a_dead_pid() -> int:
    """The pid of a process of this host that has exited (and been reaped)."""
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await child.wait()
    return child.pid


async def held_by(platform, group: str, owner: str) -> None:
    """The lease as a process left it: held for another minute."""
    async with platform.db.writes() as session, session.begin():
        await ensure_position_row(session, group)
        await session.execute(
            update(ConsumerPosition)
            .where(ConsumerPosition.group == group)
            .values(lease_owner=owner, lease_until=utcnow() + timedelta(minutes=1))
        )


@pytest.mark.parametrize("backend_settings", ON_THE_SQL_LOG, indirect=True)
async def test_a_consumer_takes_over_at_once_from_a_dead_predecessor(
    make_platform, backend_settings
):
    demo = DemoGroup()
    settings = backend_settings.model_copy(update={"lease_seconds": 60.0})
    platform = await make_platform(demo.group, settings=settings)
    await held_by(platform, demo.name, f"{this_host()}:{await a_dead_pid()}:deadbeef")
    await publish(platform, "s1", range(3))
    started = time.monotonic()
    await platform.start()
    await wait_applied(platform, demo.name, 3, timeout=10)
    assert time.monotonic() - started < 3.0


async def test_a_live_holder_or_another_hosts_keeps_the_lease(make_platform):
    platform = await make_platform()
    reader = LogReader(platform.db, "some-group", [], 60.0)

    # Alive on this host (our parent process): it may still be working.
    await held_by(platform, "some-group", f"{this_host()}:{os.getppid()}:cafe0001")
    assert await reader.acquire() is None
    # Another host: its pids mean nothing here.
    await held_by(platform, "some-group", f"elsewhere:{await a_dead_pid()}:cafe0002")
    assert await reader.acquire() is None
    # Another reader of this very process (pid reuse cannot be told from a restart).
    await held_by(platform, "some-group", f"{this_host()}:{os.getpid()}:cafe0003")
    assert await reader.acquire() is None
    # Dead on this host: taken.
    await held_by(platform, "some-group", f"{this_host()}:{await a_dead_pid()}:cafe0004")
    assert await reader.acquire() == 0  # taken, at the position the group had


@pytest.mark.parametrize("backend_settings", ON_THE_SQL_LOG, indirect=True)
async def test_a_batch_finished_after_the_lease_was_taken_away_is_applied_by_the_new_holder_only(
    make_platform,
):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await publish(platform, "s1", range(5))
    slow = LogReader(platform.db, demo.name, demo.group.topics, 60.0)
    assert await slow.acquire() == 0
    batch = await slow.fetch(0, 100)
    # While it works on the batch, another process takes the group over (its lease had run
    # out, say), then lets it go.
    await held_by(platform, demo.name, f"elsewhere:{os.getpid()}:cafe0005")
    with pytest.raises(LeaseLost):
        await platform.processor(demo.group).process(batch, slow.advance)
    assert await applied_count(platform, demo.name) == 0
    async with platform.db.writes() as session, session.begin():
        await session.execute(
            update(ConsumerPosition)
            .where(ConsumerPosition.group == demo.name)
            .values(lease_owner=None, lease_until=None)
        )

    await platform.start()
    assert await settled_seqs(platform, demo.name, 5) == list(range(5))
