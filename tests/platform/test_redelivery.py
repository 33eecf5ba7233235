"""Kafka may deliver an event a group has applied again (a crash between the commit of the
effects and that of the offset, a rebalance): the group's inbox makes the second delivery
harmless. (On the SQL log that cannot happen: the position moves in the effects' transaction,
see test_leases.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from itvision.platform.bus.messages import Message
from itvision.platform.bus.tables import LoggedEvent
from tests.conftest import COMBINATIONS
from tests.demo_engine import DemoGroup, applied_count
from tests.platform.test_delivery import publish, settled_seqs

ON_KAFKA = [c for c in COMBINATIONS if "kafka" in str(c.id)]


@pytest.mark.parametrize("backend_settings", ON_KAFKA, indirect=True)
async def test_redelivery_after_a_crash_before_the_offset_commit_has_no_second_effect(
    make_platform,
):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await publish(platform, "s1", range(8))
    # A consumer applied the events and died before its offset was committed.
    async with platform.db.reads() as session:
        rows = (
            (await session.execute(select(LoggedEvent).order_by(LoggedEvent.position)))
            .scalars()
            .all()
        )
    messages = [Message(r.topic, 0, r.position, r.key, r.envelope) for r in rows]
    await platform.processor(demo.group).process(messages)
    assert await applied_count(platform, demo.name) == 8

    await platform.start()
    await publish(platform, "s1", [8])
    assert await settled_seqs(platform, demo.name, 9) == list(range(9))
