"""What the bus promises, on every backend: at-least-once delivery with exactly-once effects,
order per key, independent groups, retries, dead letters, replay."""

from __future__ import annotations

import json

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from itvision.platform.bus import operations
from itvision.platform.bus.tables import DeadLetter, LoggedEvent
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS, eventually
from tests.demo_engine import DemoGroup, NoteAdded, applied, applied_count
from tests.support.buses import caught_up, relay_dies_after_sending, write_foreign

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)


async def publish(platform, stream: str, seqs, text: str = "") -> None:
    async with platform.uows("demo-engine") as uow:
        for seq in seqs:
            uow.emit(NoteAdded(stream=stream, seq=seq, text=text))


async def wait_applied(platform, group: str, count: int, timeout: float = 20.0) -> None:
    async def done() -> bool:
        return await applied_count(platform, group) >= count

    await eventually(done, timeout, f"{count} notes applied by {group}")


async def settled_seqs(platform, group: str, count: int, timeout: float = 20.0) -> list[int]:
    """The seqs of the notes `group` applied, in order, once it applied `count` of them and every
    group caught up (so none can come again)."""
    await wait_applied(platform, group, count, timeout)
    await caught_up(platform)
    return sorted(seq for _, seq, _ in await applied(platform, group))


async def dead_letters(platform) -> list[DeadLetter]:
    return await operations.list_dead_letters(platform)


async def test_every_event_is_applied_once(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", range(20))
    await wait_applied(platform, demo.name, 20)
    await caught_up(platform)
    assert [seq for _, seq, _ in await applied(platform, demo.name)] == list(range(20))


async def test_nothing_is_lost_when_the_process_dies_between_commit_and_publish(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    # The process commits and dies before any relay or consumer ran.
    await publish(platform, "s1", range(10))
    # On Kafka, the relay sent a batch and died before recording its position: the batch is
    # sent again on restart.
    await relay_dies_after_sending(platform, 5)
    restarted = await make_platform(demo.group)
    await restarted.start()
    assert await settled_seqs(restarted, demo.name, 10) == list(range(10))


async def test_a_handler_that_fails_twice_then_succeeds_has_one_effect(make_platform):
    demo = DemoGroup()
    demo.failures[3] = 2
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", range(6))
    assert await settled_seqs(platform, demo.name, 6) == list(range(6))
    assert await dead_letters(platform) == []


async def test_a_poison_event_is_dead_lettered_and_the_next_one_is_applied(make_platform):
    demo = DemoGroup()
    demo.always_fail.add(2)
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", range(5))
    await wait_applied(platform, demo.name, 4)
    assert [seq for _, seq, _ in await applied(platform, demo.name)] == [0, 1, 3, 4]
    [letter] = await dead_letters(platform)
    assert (letter.group, letter.topic, letter.reason) == (
        demo.name,
        "demo.note.added",
        "handler_failed",
    )
    assert letter.attempts == platform.settings.consumer_max_attempts
    assert "can never be applied" in letter.error
    assert json.loads(letter.message)["payload"]["seq"] == 2

    # Once the cause is fixed, the dead letter is replayed and leaves the store.
    demo.always_fail.clear()
    await operations.replay_dead_letter(platform, letter.id)
    assert sorted(seq for _, seq, _ in await applied(platform, demo.name)) == [0, 1, 2, 3, 4]
    assert await dead_letters(platform) == []
    # A second replay of it, sent at the same time (it read the letter before the first
    # removed it), applies nothing and says the letter is gone.
    with pytest.raises(NotFound, match="replayed or dropped meanwhile"):
        await platform.processor(demo.group).apply_dead_letter(letter)
    assert sorted(seq for _, seq, _ in await applied(platform, demo.name)) == [0, 1, 2, 3, 4]


async def test_order_per_key_holds_with_several_partitions(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    streams = [f"order-{i}" for i in range(6)]
    for seq in range(30):
        async with platform.uows("demo-engine") as uow:
            for stream in streams:
                uow.emit(NoteAdded(stream=stream, seq=seq))
    await platform.start()
    await wait_applied(platform, demo.name, 180, timeout=30)
    by_stream: dict[str, list[int]] = {}
    for stream, seq, _ in await applied(platform, demo.name):
        by_stream.setdefault(stream, []).append(seq)
    assert by_stream == {stream: list(range(30)) for stream in streams}


async def test_two_groups_each_see_every_event(make_platform):
    first, second = DemoGroup("first-engine"), DemoGroup("second-engine")
    platform = await make_platform(first.group, second.group)
    await platform.start()
    await publish(platform, "s1", range(12))
    await wait_applied(platform, first.name, 12)
    await wait_applied(platform, second.name, 12)
    assert (
        len(await applied(platform, first.name)) == len(await applied(platform, second.name)) == 12
    )


async def test_replay_from_offset_zero_rebuilds_an_identical_projection(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    for i in range(3):
        await publish(platform, f"s{i}", range(10), text=f"batch {i}")
    await wait_applied(platform, demo.name, 30)
    live = await applied(platform, demo.name)
    await platform.stop()

    done = await operations.reset_group(platform, demo.name, from_offset=0)
    assert "rebuilt" in done
    assert await applied_count(platform, demo.name) == 0
    await platform.start()
    await wait_applied(platform, demo.name, 30)
    await caught_up(platform)
    rebuilt = await applied(platform, demo.name)
    assert sorted(rebuilt) == sorted(live)
    assert len(rebuilt) == 30


async def test_a_replay_reads_dead_lettered_events_again_and_drops_their_letters(make_platform):
    demo = DemoGroup()
    demo.always_fail.add(2)
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", range(4))
    await wait_applied(platform, demo.name, 3)
    await caught_up(platform)
    assert len(await dead_letters(platform)) == 1
    await platform.stop()

    # The cause fixed, the group reads everything again: the event applies, and its letter,
    # which would apply it a second time if replayed, is gone.
    demo.always_fail.clear()
    await operations.reset_group(platform, demo.name, from_offset=0)
    await platform.start()
    assert await settled_seqs(platform, demo.name, 4) == [0, 1, 2, 3]
    assert await dead_letters(platform) == []


async def test_replay_from_a_time_applies_again_only_what_came_after(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "before", range(5))
    await wait_applied(platform, demo.name, 5)
    await caught_up(platform)
    since = utcnow()
    await publish(platform, "after", range(5))
    await wait_applied(platform, demo.name, 10)
    await caught_up(platform)
    await platform.stop()

    done = await operations.reset_group(platform, demo.name, from_time=since)
    assert "rebuilt" not in done
    await platform.start()
    await wait_applied(platform, demo.name, 15)
    await caught_up(platform)
    notes = sorted((stream, seq) for stream, seq, _ in await applied(platform, demo.name))
    assert notes == sorted([("before", i) for i in range(5)] + [("after", i) for i in range(5)] * 2)


async def test_an_unreadable_message_is_dead_lettered_not_fatal(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    garbage = [
        b"{not json",
        json.dumps(
            {
                "type": "demo.note.added",
                "payload": {"seq": "x"},
                "timestamp": "2026-01-08T10:00:00Z",
            }
        ).encode(),
    ]
    await write_foreign(platform, "demo.note.added", "s1", garbage)
    await publish(platform, "s1", [1])
    await wait_applied(platform, demo.name, 1)

    async def two_letters() -> bool:
        return len(await dead_letters(platform)) == 2

    await eventually(two_letters, what="two dead letters")
    reasons = sorted(d.reason for d in await dead_letters(platform))
    assert reasons == ["invalid_payload", "malformed"]


async def test_a_newer_event_version_is_dead_lettered(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await platform.start()
    async with platform.uows("demo-engine") as uow:
        envelope = uow.emit(NoteAdded(stream="s1", seq=0))
        envelope.version = 2
    await publish(platform, "s1", [1])
    await wait_applied(platform, demo.name, 1)

    async def one_letter() -> bool:
        return len(await dead_letters(platform)) == 1

    await eventually(one_letter, what="the newer version dead-lettered")
    [letter] = await dead_letters(platform)
    assert letter.reason == "newer_version"


async def test_events_emitted_by_a_handler_carry_the_correlation_and_cause(make_platform):
    demo = DemoGroup(echo=True)
    platform = await make_platform(demo.group)
    await platform.start()
    async with platform.uows("demo-engine") as uow:
        cause = uow.emit(NoteAdded(stream="s1", seq=0))
    await wait_applied(platform, demo.name, 1)

    async def echoed():
        async with platform.db.reads() as session:
            return await session.scalar(
                select(LoggedEvent).where(LoggedEvent.topic == "demo.note.echoed")
            )

    await eventually(echoed, what="the echo")
    echo = json.loads((await echoed()).envelope)
    assert echo["causationId"] == str(cause.id)
    assert echo["correlationId"] == str(cause.correlation_id)
    assert echo["source"] == demo.name


async def test_stopping_lets_the_event_in_flight_finish_and_commit(make_platform):
    demo = DemoGroup()
    demo.slow_seconds = 0.5
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", [0])

    async def in_handler() -> bool:
        return demo.calls[0] == 1

    await eventually(in_handler, what="the handler to start")
    await platform.stop()
    assert await applied_count(platform, demo.name) == 1
    demo.slow_seconds = 0
    restarted = await make_platform(demo.group)
    await restarted.start()
    await publish(restarted, "s1", [1])
    await wait_applied(restarted, demo.name, 2)
    await caught_up(restarted)
    assert demo.calls[0] == 1


async def test_group_status_reports_position_and_lag(make_platform):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await publish(platform, "s1", range(5))
    [before] = await operations.group_statuses(platform)
    # Published and not yet consumed, whether or not the relay has moved them to Kafka.
    assert (before.group, before.lag) == (demo.name, 5)
    await platform.start()
    await wait_applied(platform, demo.name, 5)

    async def at_head() -> bool:
        [status] = await operations.group_statuses(platform)
        return status.lag == 0 and status.position >= 5

    await eventually(at_head, what="lag 0")


async def test_the_lag_gauge_is_read_from_the_bus_wherever_the_group_runs(make_platform):
    """What /metrics shows: the lag of a group no process here runs yet, then of one that
    caught up (on Kafka, from the broker's offsets, not from this process's consumers)."""
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    await publish(platform, "s1", range(3))

    async def gauge() -> float | None:
        await platform.bus.report_lag([demo.group])
        return REGISTRY.get_sample_value("itvision_consumer_lag", {"group": demo.name})

    assert await gauge() == 3
    await platform.start()
    await wait_applied(platform, demo.name, 3)

    async def nothing_left() -> bool:
        return await gauge() == 0

    await eventually(nothing_left, what="lag 0 in the gauge")


async def test_count_of_logged_events_matches_what_was_published(make_platform):
    platform = await make_platform()
    await publish(platform, "s1", range(7))
    async with platform.db.reads() as session:
        assert await session.scalar(select(func.count()).select_from(LoggedEvent)) == 7


async def test_two_workers_of_one_group_apply_every_event_once(make_platform):
    demo_a, demo_b = DemoGroup(), DemoGroup()
    worker_a = await make_platform(demo_a.group)
    worker_b = await make_platform(demo_b.group)
    await worker_a.start()
    await worker_b.start()
    for batch in range(10):
        await publish(worker_a, f"s{batch % 3}", range(batch * 20, batch * 20 + 20))
    assert await settled_seqs(worker_a, demo_a.name, 200, timeout=30) == list(range(200))
