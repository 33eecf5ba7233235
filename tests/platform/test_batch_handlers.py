"""A batch handler gets a flood of one topic's events together, in log order, once each; a
failing event among them is found and settled alone while the others are applied; what it
emits is caused by the event of the same key."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from itvision.platform.bus import operations
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork
from tests.conftest import COMBINATIONS, eventually
from tests.demo_engine import AppliedNote, NoteAdded, NoteEchoed, applied, applied_count

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)


class BatchGroup:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.always_fail: set[int] = set()
        self.group = ConsumerGroup("batch-engine")
        self.group.on_batch("demo.note.added")(self._on_notes)

    async def _on_notes(self, events: Sequence[Event[NoteAdded]], uow: UnitOfWork) -> None:
        seqs = [e.payload.seq for e in events]
        self.calls.append(seqs)
        if self.always_fail & set(seqs):
            raise RuntimeError(f"one of {seqs} cannot be applied")
        for event in events:
            note = event.payload
            uow.session.add(
                AppliedNote(group="batch-engine", stream=note.stream, seq=note.seq, text="")
            )
            uow.emit(NoteEchoed(stream=note.stream, seq=note.seq))


async def publish(platform, notes: Sequence[tuple[str, int]]) -> None:
    async with platform.uows("demo-engine") as uow:
        for stream, seq in notes:
            uow.emit(NoteAdded(stream=stream, seq=seq))


async def wait_applied(platform, count: int) -> None:
    async def done() -> bool:
        return await applied_count(platform, "batch-engine") >= count

    await eventually(done, 30, f"{count} notes applied")


async def test_a_flood_is_handed_over_in_batches_in_log_order_once(make_platform):
    batch = BatchGroup()
    platform = await make_platform(batch.group)
    notes = [(f"s{i % 5}", i) for i in range(300)]
    await publish(platform, notes)
    await platform.start()
    await wait_applied(platform, 300)
    assert sorted(seq for call in batch.calls for seq in call) == list(range(300))
    assert len(batch.calls) < 300, "events of a batch are handed over together"
    rows = await applied(platform, "batch-engine")
    for stream in {s for s, _ in notes}:
        seqs = [seq for s, seq, _ in rows if s == stream]
        assert seqs == sorted(seqs), "order per key holds"


async def test_an_event_that_fails_is_settled_alone_and_the_others_applied(make_platform):
    batch = BatchGroup()
    batch.always_fail.add(7)
    platform = await make_platform(batch.group)
    await publish(platform, [("s", i) for i in range(20)])
    await platform.start()
    await wait_applied(platform, 19)

    async def dead_lettered() -> bool:
        return len(await operations.list_dead_letters(platform)) == 1

    await eventually(dead_lettered, 30, "note 7 dead-lettered")
    [letter] = await operations.list_dead_letters(platform)
    assert '"seq":7' in letter.message
    assert sorted(seq for _, seq, _ in await applied(platform, "batch-engine")) == [
        i for i in range(20) if i != 7
    ]


async def test_what_a_batch_emits_is_caused_by_the_event_of_its_key(make_platform):
    batch = BatchGroup()
    platform = await make_platform(batch.group)
    await publish(platform, [("a", 1), ("b", 2), ("c", 3)])
    await platform.start()
    await wait_applied(platform, 3)
    async with platform.db.reads() as session:
        rows = (await session.execute(select(LoggedEvent.topic, LoggedEvent.envelope))).all()
    added = {json.loads(e)["key"]: json.loads(e)["id"] for t, e in rows if t == "demo.note.added"}
    echoed = [json.loads(e) for t, e in rows if t == "demo.note.echoed"]
    assert len(echoed) == 3
    for event in echoed:
        assert event["causationId"] == added[event["key"]]
