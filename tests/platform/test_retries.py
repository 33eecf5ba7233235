"""Retrying a failing handler holds nothing up: a stop interrupts the backoff (the event waits
for the next start), retries give the group back within a budget, a message the database cannot
store as text still reaches the dead-letter store, and a consumer that keeps crashing shows in
/readyz."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy import select

from itvision.app import create_app
from itvision.platform.bus.messages import Message
from itvision.platform.bus.tables import LoggedEvent
from tests.conftest import COMBINATIONS, eventually
from tests.demo_engine import DemoGroup, applied, applied_count
from tests.platform.test_delivery import dead_letters, publish, wait_applied
from tests.support.buses import caught_up, write_foreign

ON_KAFKA = [c for c in COMBINATIONS if "kafka" in str(c.id)]


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_stop_during_retries_is_prompt_and_leaves_the_event_for_the_next_start(
    make_platform, backend_settings
):
    demo = DemoGroup()
    demo.always_fail.add(0)
    # Retrying note 0 would take 2 + 4 + 8 + 16 s, more than the grace period.
    slow = backend_settings.model_copy(
        update={
            "consumer_retry_base_seconds": 2.0,
            "consumer_max_attempts": 5,
            "stop_grace_seconds": 20.0,
        }
    )
    platform = await make_platform(demo.group, settings=slow)
    await platform.start()
    await publish(platform, "s1", [0, 1])

    async def retrying() -> bool:
        return demo.calls[0] >= 1

    await eventually(retrying, 30, "note 0 failing")
    started = time.monotonic()
    await platform.stop()
    assert time.monotonic() - started < 3.0
    tried = dict(demo.calls)
    assert await dead_letters(platform) == []
    assert await applied_count(platform, demo.name) == 0

    # Fixed, and started again: both notes are applied, in order, once.
    demo.always_fail.clear()
    restarted = await make_platform(demo.group)
    await restarted.start()
    await wait_applied(restarted, demo.name, 2)
    await caught_up(restarted)
    assert [seq for _, seq, _ in await applied(restarted, demo.name)] == [0, 1]
    assert tried.get(1, 0) == 0  # nothing was retried after the stop
    assert await dead_letters(restarted) == []


async def test_retrying_gives_the_group_back_within_its_budget(make_platform, backend_settings):
    demo = DemoGroup()
    demo.always_fail.update({0, 1, 2, 3})
    settings = backend_settings.model_copy(update={"consumer_retry_base_seconds": 0.05})
    platform = await make_platform(demo.group, settings=settings)
    await publish(platform, "s1", range(6))
    async with platform.db.reads() as session:
        rows = (await session.scalars(select(LoggedEvent).order_by(LoggedEvent.position))).all()
    messages = [Message(r.topic, 0, r.position, r.key, r.envelope) for r in rows]
    processor = platform.processor(demo.group)
    processor.retry_budget_seconds = 0.1  # less than one failing note's retries (0.15 s)

    done = await processor.process(messages)
    assert done == 1
    assert [json.loads(d.message)["payload"]["seq"] for d in await dead_letters(platform)] == [0]
    while done < len(messages):
        done += await processor.process(messages[done:])
    assert len(await dead_letters(platform)) == 4
    assert [seq for _, seq, _ in await applied(platform, demo.name)] == [4, 5]


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_consumer_whose_retries_run_over_budget_reads_the_rest_again(make_platform):
    demo = DemoGroup()
    demo.always_fail.update({0, 1, 2})
    platform = await make_platform(demo.group)
    build = platform.processor

    def short_budget(group):
        processor = build(group)
        processor.retry_budget_seconds = 0.01
        return processor

    platform.processor = short_budget
    await platform.start()
    await publish(platform, "s1", range(6))
    await wait_applied(platform, demo.name, 3)
    await caught_up(platform)
    assert [seq for _, seq, _ in await applied(platform, demo.name)] == [3, 4, 5]
    letters = [json.loads(d.message)["payload"]["seq"] for d in await dead_letters(platform)]
    assert sorted(letters) == [0, 1, 2]


@pytest.mark.parametrize("backend_settings", ON_KAFKA, indirect=True)
async def test_a_message_with_nul_or_bad_utf8_is_dead_lettered_with_its_bytes(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    with_nul = b'{"type":"demo.note.added","payload":{"stream":"s1","seq":0,"text":"a\x00b"}}'
    not_utf8 = b'{"type":"demo.note.added","payload":{"stream":"s1","seq":0,"text":"\xff"}}'
    await write_foreign(platform, "demo.note.added", "s1", [with_nul, not_utf8])
    # The next good event on that partition (same key) is applied.
    await publish(platform, "s1", [1])
    await wait_applied(platform, demo.name, 1)

    async def two_letters() -> bool:
        return len(await dead_letters(platform)) == 2

    await eventually(two_letters, 30, "both messages dead-lettered")
    first, second = await dead_letters(platform)
    assert (first.raw, second.raw) == (with_nul, not_utf8)
    assert '"text":"a\\x00b"' in first.message
    assert '"text":"\\xff"' in second.message
    assert {first.reason, second.reason} == {"malformed"}


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_consumer_that_keeps_crashing_makes_readyz_fail(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    build = platform.processor

    def broken(group):
        processor = build(group)

        async def crash(*args, **kwargs):
            raise RuntimeError("the database refuses this message")

        processor.process = crash
        return processor

    platform.processor = broken
    app = create_app(platform, run_consumers=False)
    await platform.start()
    await publish(platform, "s1", [0])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        checks: dict[str, str] = {}

        async def not_ready() -> bool:
            # Until the group is reported: a loaded machine can fail a check for a moment
            # before (a broker's ping past its timeout), and that 503 is not this one.
            answer = await client.get("/readyz")
            checks.clear()
            checks.update(answer.json()["checks"])
            return answer.status_code == 503 and demo.name in checks

        await eventually(not_ready, 30, "readyz to report the crashing consumer")
    assert checks["database"] == checks["bus"] == "ok"
    assert checks[demo.name].startswith("failing: crashed 3 times")
    assert "the database refuses this message" in checks[demo.name]
