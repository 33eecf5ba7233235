"""A shop that ran on the SQL log moves to Kafka (every process stopped, `ITVISION_BUS_URL`
changed, started again): the relay publishes the whole log, so a group new to the shop builds
its projections from the history, and a group that ran on the SQL log applies only what it had
not applied there (the SQL log keeps no inbox that would tell it)."""

from __future__ import annotations

import pytest

from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS
from tests.demo_engine import DemoGroup, applied_count
from tests.platform.test_delivery import publish, settled_seqs

SQLITE_KAFKA = [c for c in COMBINATIONS if c.id == "sqlite-kafka"]


async def _moved_from_the_sql_log(make_platform, settings, demo: DemoGroup, seqs: range):
    """`demo` applies the notes `seqs` on the SQL log, and its process stops."""
    before = await make_platform(
        demo.group, settings=settings.model_copy(update={"bus_url": "sql://"})
    )
    await before.start()
    await publish(before, "s1", seqs)
    assert await settled_seqs(before, demo.name, len(seqs)) == list(seqs)
    await before.close()


@pytest.mark.parametrize("backend_settings", SQLITE_KAFKA, indirect=True)
async def test_a_group_applies_on_kafka_only_what_it_had_not_applied_on_the_sql_log(
    make_platform, backend_settings
):
    demo = DemoGroup()
    await _moved_from_the_sql_log(make_platform, backend_settings, demo, range(5))

    newcomer = DemoGroup("demo-newcomer")
    after = await make_platform(demo.group, newcomer.group)
    await after.start()
    await publish(after, "s1", range(5, 8))
    assert await settled_seqs(after, demo.name, 8) == list(range(8))
    assert await settled_seqs(after, newcomer.name, 8) == list(range(8))
    assert all(demo.calls[seq] == 1 for seq in range(8))


@pytest.mark.parametrize("backend_settings", SQLITE_KAFKA, indirect=True)
async def test_a_replay_on_kafka_reads_again_what_was_applied_on_the_sql_log(
    make_platform, backend_settings
):
    demo = DemoGroup()
    await _moved_from_the_sql_log(make_platform, backend_settings, demo, range(5))
    after = await make_platform(demo.group)
    await after.start()
    await publish(after, "s1", range(5, 8))
    assert await settled_seqs(after, demo.name, 8) == list(range(8))
    await after.stop()

    done = await operations.reset_group(after, demo.name, from_offset=0)
    assert "rebuilt" in done
    assert await applied_count(after, demo.name) == 0
    await after.start()
    assert await settled_seqs(after, demo.name, 8) == list(range(8))
