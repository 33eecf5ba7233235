"""On SQLite, the readers of the log take what this process just appended from memory (the
`LogTail`) instead of reading it back: what they get must be exactly what the table holds, also
when another process appends between this process's commits."""

from __future__ import annotations

from itvision.platform.bus.eventlog import LogReader
from itvision.platform.bus.messages import Message
from itvision.platform.bus.tail import LogTail
from tests.demo_engine import DemoGroup, applied
from tests.platform.test_delivery import publish, wait_applied


def rows(topic: str, *positions: int) -> list[Message]:
    return [Message(topic, 0, p, "k", f"event {p}") for p in positions]


def offsets(messages: list[Message]) -> list[int]:
    return [m.offset for m in messages]


def test_the_tail_answers_only_for_positions_it_holds_all_of():
    tail = LogTail(capacity=4)
    assert tail.after(0, None, 10) == []
    tail.appended(rows("a", 5, 6))
    tail.appended(rows("b", 7))
    assert offsets(tail.after(4, None, 10)) == [5, 6, 7]
    assert offsets(tail.after(5, {"b"}, 10)) == [7]
    assert offsets(tail.after(4, None, 2)) == [5, 6]
    # Before what it holds, at its end, or nothing of the topics: the table answers.
    assert tail.after(3, None, 10) == []
    assert tail.after(7, None, 10) == []
    assert tail.after(4, {"c"}, 10) == []
    # Past its capacity it forgets the oldest.
    tail.appended(rows("a", 8, 9))
    assert tail.after(4, None, 10) == []
    assert offsets(tail.after(5, None, 10)) == [6, 7, 8, 9]
    # Someone else appended 10: nothing held before it can be trusted any more.
    tail.appended(rows("a", 11))
    assert tail.after(8, None, 10) == []
    assert offsets(tail.after(10, None, 10)) == [11]


async def test_what_the_tail_gives_is_what_the_table_holds(make_platform):
    here = await make_platform()
    elsewhere = await make_platform()  # another process on the same file
    await publish(here, "s1", range(3))
    await publish(elsewhere, "s2", range(2))
    await publish(here, "s1", range(3, 5))
    await publish(here, "s3", range(2))
    assert here.bus.tail is not None

    from_memory = LogReader(here.db, "r", ["demo.note.added"], 60.0, here.bus.tail)
    from_table = LogReader(here.db, "r", ["demo.note.added"], 60.0)
    for after in range(10):
        for limit in (1, 3, 100):
            assert await from_memory.fetch(after, limit) == await from_table.fetch(after, limit)
    # Only this process's last commits, since the other process's, came from memory.
    assert offsets(here.bus.tail.after(5, None, 100)) == [6, 7, 8, 9]
    assert here.bus.tail.after(4, None, 100) == []


async def test_a_group_applies_another_process_events_in_log_order(make_platform):
    demo = DemoGroup()
    here = await make_platform(demo.group)
    elsewhere = await make_platform()
    await here.start()
    for turn in range(4):
        await publish(here, "s1", [2 * turn])
        await publish(elsewhere, "s1", [2 * turn + 1])
    # The last event came from elsewhere and woke no one here: the poll finds it.
    await wait_applied(here, demo.name, 8)
    assert [seq for _, seq, _ in await applied(here, demo.name)] == list(range(8))
