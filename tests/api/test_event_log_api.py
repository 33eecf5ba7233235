"""GET /api/events/log: the event log over HTTP for a console or a support tool, by topic, from
a position or a time, one page at a time, with the events exactly as they travel."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from itvision.platform.auth import Role, create_api_token
from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS
from tests.demo_engine import NoteAdded, NoteEchoed
from tests.support.api import app_of

LOG = "/api/events/log"
ADDED, ECHOED = "demo.note.added", "demo.note.echoed"


@pytest.fixture
async def platform(make_platform):
    return await make_platform()


@pytest.fixture
async def client(platform):
    transport = httpx.ASGITransport(app=app_of(platform))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def staff(platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_token(platform.db, Role.STAFF, 'awa')}"}


async def _publish(platform, seqs, *, echoed_every: int = 0) -> None:
    """Notes on `demo.note.added`, with an echo on `demo.note.echoed` after every n-th."""
    async with platform.uows("demo-engine") as uow:
        for seq in seqs:
            uow.emit(NoteAdded(stream="s1", seq=seq))
            if echoed_every and seq % echoed_every == 0:
                uow.emit(NoteEchoed(stream="s1", seq=seq))


async def test_staff_and_admins_read_the_log_others_are_refused(client, platform, staff):
    assert (await client.get(LOG)).status_code == 401
    for role in (Role.CUSTOMER, Role.TECHNICIAN, Role.PARTNER):
        token = await create_api_token(platform.db, role, "someone")
        refused = await client.get(LOG, headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    admin = await create_api_token(platform.db, Role.ADMIN, "root")
    assert (await client.get(LOG, headers={"Authorization": f"Bearer {admin}"})).status_code == 200
    assert (await client.get(LOG, headers=staff)).json() == {"items": [], "next": 0, "more": False}


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_pages_of_one_topic_follow_the_next_cursor(client, platform, staff):
    await _publish(platform, range(7), echoed_every=2)  # echoes of 0, 2, 4, 6 in between
    pages = []
    after = 0
    while True:
        page = (
            await client.get(
                LOG, params={"topic": ADDED, "after": after, "limit": 3}, headers=staff
            )
        ).json()
        pages.append(page)
        after = page["next"]
        if not page["more"]:
            break
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    items = [item for page in pages for item in page["items"]]
    assert [item["event"]["payload"]["seq"] for item in items] == list(range(7))
    assert {item["event"]["type"] for item in items} == {ADDED}
    positions = [item["position"] for item in items]
    assert positions == sorted(positions) and pages[-1]["next"] == positions[-1]

    # the events as they travel: the envelope written to the log, field for field
    on_the_wire = await operations.read_log(platform, after=0, limit=100)
    as_written = {m.offset: json.loads(m.value) for m in on_the_wire}
    assert all(item["event"] == as_written[item["position"]] for item in items)
    assert {"id", "type", "version", "source", "key", "timestamp", "correlationId"} <= set(
        items[0]["event"]
    )

    # caught up: an empty page that keeps the cursor, to poll with
    caught_up = (
        await client.get(LOG, params={"topic": ADDED, "after": after}, headers=staff)
    ).json()
    assert caught_up == {"items": [], "next": after, "more": False}
    await _publish(platform, [7])
    polled = (await client.get(LOG, params={"topic": ADDED, "after": after}, headers=staff)).json()
    assert [i["event"]["payload"]["seq"] for i in polled["items"]] == [7]


async def test_topics_are_repeated_or_a_comma_list_and_default_to_all(client, platform, staff):
    await _publish(platform, range(4), echoed_every=2)

    async def types(params) -> list[str]:
        page = (await client.get(LOG, params=params, headers=staff)).json()
        return [item["event"]["type"] for item in page["items"]]

    everything = [ADDED, ECHOED, ADDED, ADDED, ECHOED, ADDED]
    assert await types({}) == everything
    assert await types([("topic", ADDED), ("topic", ECHOED)]) == everything
    assert await types({"topic": f"{ADDED}, {ECHOED}"}) == everything
    assert await types({"topic": ECHOED}) == [ECHOED, ECHOED]


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_since_starts_at_the_first_event_logged_at_or_after_a_time(client, platform, staff):
    await _publish(platform, range(3))
    between = datetime.now(UTC)
    await _publish(platform, range(3, 5))
    page = (await client.get(LOG, params={"since": between.isoformat()}, headers=staff)).json()
    assert [item["event"]["payload"]["seq"] for item in page["items"]] == [3, 4]
    zulu = between.isoformat().replace("+00:00", "Z")
    assert (await client.get(LOG, params={"since": zulu}, headers=staff)).json() == page
    one_hour_east = between.astimezone(timezone(timedelta(hours=1))).isoformat()
    assert (await client.get(LOG, params={"since": one_hour_east}, headers=staff)).json() == page

    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    nothing_yet = (await client.get(LOG, params={"since": later}, headers=staff)).json()
    assert nothing_yet == {"items": [], "next": page["next"], "more": False}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"topic": "demo.note.nope"}, "query.topic"),
        ({"topic": f"{ADDED},catalog.product.nope"}, "query.topic"),
        ({"topic": ""}, "query.topic"),
        ({"topic": " , "}, "query.topic"),
        ({"after": -1}, "query.after"),
        ({"after": "twelve"}, "query.after"),
        ({"after": 2**63}, "query.after"),
        ({"since": "yesterday"}, "query.since"),
        ({"since": "2026-11-25T10:00:00"}, "query.since"),  # no offset: which 10:00?
        ({"after": 3, "since": "2026-11-25T10:00:00Z"}, "query.since"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 501}, "query.limit"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(client, staff, params, field):
    response = await client.get(LOG, params=params, headers=staff)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["field"]) == ("validation_error", field)
    if field == "query.topic" and params["topic"].strip(" ,"):
        assert "nope" in body["detail"]


async def test_the_openapi_document_describes_the_page_and_the_errors(client):
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"][LOG]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"topic", "after", "since", "limit"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = document["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert {"items", "next", "more"} <= set(page["properties"])
    for status in ("401", "403", "422"):
        schema = operation["responses"][status]["content"]["application/problem+json"]["schema"]
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert {"code", "field", "detail"} <= set(schema["properties"])
