"""An idle process asks the log's head once per poll for all its groups, instead of each group
reading the table at every poll, and still applies what another process appends."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.demo_engine import DemoGroup, applied
from tests.platform.test_delivery import publish, wait_applied
from tests.platform.test_leases import ON_THE_SQL_LOG
from tests.support.statements import statements_sent

pytestmark = pytest.mark.parametrize("backend_settings", ON_THE_SQL_LOG, indirect=True)


async def test_idle_groups_ask_the_head_not_the_table(make_platform):
    demos = [DemoGroup(f"demo-{n}") for n in range(4)]
    platform = await make_platform(*(d.group for d in demos))
    await publish(platform, "s1", range(3))
    await platform.start()
    for demo in demos:
        await wait_applied(platform, demo.name, 3)
    with statements_sent(platform.db) as sent:
        await asyncio.sleep(5 * platform.settings.consumer_poll_seconds)
    reads = Counter(
        "head" if "max(" in statement else "table"
        for statement in sent
        if "FROM event_log" in statement
    )
    # Four groups polled about five times each: no table read, and about one head read a poll.
    assert reads["table"] == 0
    assert 1 <= reads["head"] <= 8

    # What another process appends is still found by the poll.
    elsewhere = await make_platform()
    await publish(elsewhere, "s1", [3])
    for demo in demos:
        await wait_applied(platform, demo.name, 4)
        assert [seq for _, seq, _ in await applied(platform, demo.name)] == [0, 1, 2, 3]
