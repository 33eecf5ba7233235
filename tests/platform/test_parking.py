"""Events that arrive before what they depend on: the handler says "not yet", the event is parked
without holding up its group, and applied once its prerequisite has arrived; only after the
deadline does it become a dead letter. On every backend (on Kafka two topics have no order
between them; the SQL log is made to deliver the dependent event first)."""

from __future__ import annotations

import httpx
import pytest

from itvision.app import create_app
from itvision.platform.auth import Role, create_api_token
from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS, eventually
from tests.demo_engine import DemoGroup, NoteTagged, applied
from tests.platform.test_delivery import dead_letters, publish, wait_applied
from tests.support.buses import caught_up

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)


async def tag(platform, stream: str, seqs, label: str = "t") -> None:
    """Each tag in its own commit, as separate requests would write them."""
    for seq in seqs:
        async with platform.uows("demo-engine") as uow:
            uow.emit(NoteTagged(stream=stream, seq=seq, tag=f"{label}{seq}"))


async def tags_of(platform, demo: DemoGroup) -> list[tuple[str, int, str]]:
    return await applied(platform, f"{demo.name}:tags")


async def wait_parked(platform, count: int) -> None:
    async def parked() -> bool:
        return len(await operations.list_parked(platform)) == count

    await eventually(parked, 30, f"{count} events parked")


async def test_events_delivered_before_their_prerequisite_are_applied_after_it(make_platform):
    demo = DemoGroup(tags=True)
    platform = await make_platform(demo.group)
    await platform.start()
    # The dependent events are written, and read, first: their notes do not exist yet.
    await tag(platform, "s1", range(10))
    await wait_parked(platform, 10)
    [status] = await operations.group_statuses(platform)
    assert status.parked == 10
    await publish(platform, "s1", range(10))

    async def all_tagged() -> bool:
        return len(await tags_of(platform, demo)) == 10

    await eventually(all_tagged, 30, "every tag applied")
    await caught_up(platform)
    assert [seq for _, seq, _ in await tags_of(platform, demo)] == list(range(10))
    assert [seq for _, seq, _ in await applied(platform, demo.name)] == list(range(10))
    assert await dead_letters(platform) == []
    assert await operations.list_parked(platform) == []
    [status] = await operations.group_statuses(platform)
    assert status.parked == 0


async def test_a_parked_event_holds_back_its_key_only_and_order_per_key_holds(make_platform):
    demo = DemoGroup(tags=True)
    platform = await make_platform(demo.group)
    await platform.start()
    await publish(platform, "s1", [1, 2])
    await publish(platform, "s2", [0])
    await wait_applied(platform, demo.name, 3)
    # Tag 0 of s1 waits for its note; tags 1 and 2 of s1 could be applied, but must not
    # overtake it. s2's tag is not held up.
    await tag(platform, "s1", [0, 1, 2])
    await tag(platform, "s2", [0])

    async def s2_tagged() -> bool:
        return [(s, q) for s, q, _ in await tags_of(platform, demo)] == [("s2", 0)]

    await eventually(s2_tagged, 30, "the other key's tag applied")
    await wait_parked(platform, 3)
    reasons = [(p.key, p.reason) for p in await operations.list_parked(platform)]
    assert reasons == [("s1", "not_yet"), ("s1", "behind"), ("s1", "behind")]
    # The group goes on with other events meanwhile.
    await publish(platform, "s3", [0])
    await wait_applied(platform, demo.name, 4)

    await publish(platform, "s1", [0])

    async def s1_tagged() -> bool:
        return len(await tags_of(platform, demo)) == 4

    await eventually(s1_tagged, 30, "s1's tags applied")
    s1 = [seq for stream, seq, _ in await tags_of(platform, demo) if stream == "s1"]
    assert s1 == [0, 1, 2]
    assert await dead_letters(platform) == []
    assert await operations.list_parked(platform) == []


async def test_a_parked_event_becomes_a_dead_letter_after_the_deadline(
    make_platform, backend_settings
):
    demo = DemoGroup(tags=True)
    settings = backend_settings.model_copy(update={"consumer_park_minutes": 0.02})  # 1.2 s
    platform = await make_platform(demo.group, settings=settings)
    await platform.start()
    await publish(platform, "s1", [1])
    await wait_applied(platform, demo.name, 1)
    # Note 0 never comes; tag 1 waits behind tag 0 until tag 0 gives up.
    await tag(platform, "s1", [0, 1])

    async def one_letter() -> bool:
        return len(await dead_letters(platform)) == 1

    await eventually(one_letter, 30, "the tag whose note never came dead-lettered")
    [letter] = await dead_letters(platform)
    assert (letter.topic, letter.reason) == ("demo.note.tagged", "prerequisite_missing")
    assert "note s1/0 not applied yet" in letter.error

    async def next_one_applied() -> bool:
        return [seq for _, seq, _ in await tags_of(platform, demo)] == [1]

    await eventually(next_one_applied, 30, "the tag behind it applied")
    assert await operations.list_parked(platform) == []


async def test_operators_see_parked_events_over_http(make_platform):
    demo = DemoGroup(tags=True)
    platform = await make_platform(demo.group)
    await platform.start()
    await tag(platform, "s1", [0, 1])
    await wait_parked(platform, 2)
    app = create_app(platform, run_consumers=False)
    token = await create_api_token(platform.db, Role.ADMIN, "ops")
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        [group] = (await client.get("/api/events/groups", headers=headers)).json()
        assert (group["group"], group["parked"]) == (demo.name, 2)
        parked = (await client.get("/api/events/parked", headers=headers)).json()
        assert [(p["topic"], p["key"], p["reason"]) for p in parked] == [
            ("demo.note.tagged", "s1", "not_yet"),
            ("demo.note.tagged", "s1", "behind"),
        ]
        assert parked[0]["error"] == "note s1/0 not applied yet"
        anonymous = await client.get("/api/events/parked")
        assert anonymous.status_code == 401
