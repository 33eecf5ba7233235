"""The HTTP API of the platform: health, metrics, AsyncAPI, roles, problem+json errors, and the
operations on consumer groups and dead letters."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from itvision.app import create_app
from itvision.platform.auth import Principal, Role, create_api_token
from itvision.platform.errors import NotFound
from tests.conftest import eventually, settings_for_tests
from tests.demo_engine import DemoGroup
from tests.platform.test_delivery import dead_letters, publish, wait_applied
from tests.support.api import every_api_route

ADMIN_TOKEN = "root-secret-for-tests-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def backend_settings(tmp_path):
    return settings_for_tests(
        tmp_path, admin_token=ADMIN_TOKEN, jwt_secret="jwt-secret-for-tests-0123456789abcdef"
    )


@pytest.fixture
async def demo():
    return DemoGroup()


@pytest.fixture
async def platform(make_platform, demo):
    platform = await make_platform(demo.group)
    await platform.start()
    return platform


@pytest.fixture
async def client(platform):
    app = create_app(platform, run_consumers=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_health_readiness_and_metrics(client, platform):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "bus": "ok"}
    statements_before = _sql_statements((await client.get("/metrics")).text)
    await publish(platform, "s1", [0])
    metrics = (await client.get("/metrics")).text
    assert 'itvision_events_published_total{topic="demo.note.added"}' in metrics
    # Operators (and the checkout benchmark) count what a piece of work costs the database.
    assert _sql_statements(metrics) > statements_before


async def test_metrics_report_the_lag_of_every_group_wherever_it_runs(make_platform, demo):
    """On the SQL log, the API process's /metrics gives the lag of groups that workers run
    (here, for a while, no one): read from the log when the metrics are read."""
    platform = await make_platform(demo.group)
    app = create_app(platform, run_consumers=False)
    lag = 'itvision_consumer_lag{group="demo-engine"}'
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await publish(platform, "s1", [0, 1])
        assert f"{lag} 2.0" in (await c.get("/metrics")).text
        await platform.start()
        await wait_applied(platform, "demo-engine", 2)

        async def caught_up() -> bool:
            return f"{lag} 0.0" in (await c.get("/metrics")).text

        await eventually(caught_up, what="the lag of demo-engine back to 0 in /metrics")


def _sql_statements(metrics: str) -> float:
    line = next(li for li in metrics.splitlines() if li.startswith("itvision_sql_statements_total"))
    return float(line.split()[-1])


async def test_asyncapi_describes_every_topic(client, platform):
    document = (await client.get("/asyncapi.json")).json()
    assert document["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == set(platform.registry.names())
    price = document["components"]["messages"]["pricing_price_calculated"]["payload"]
    assert "marginRate" in price["properties"]["payload"]["properties"]


async def test_topics_are_open_to_anyone(client):
    topics = (await client.get("/api/events/topics")).json()
    assert len(topics) >= 70
    assert {"name", "owner", "description", "key", "version"} <= set(topics[0])


async def test_roles_are_enforced_with_problem_details(client, platform):
    anonymous = await client.get("/api/events/groups")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["code"] == "unauthenticated"

    customer = await create_api_token(platform.db, Role.CUSTOMER, "cust-1")
    forbidden = await client.get(
        "/api/events/groups", headers={"Authorization": f"Bearer {customer}"}
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "forbidden"

    staff = await create_api_token(platform.db, Role.STAFF, "awa")
    groups = await client.get("/api/events/groups", headers={"Authorization": f"Bearer {staff}"})
    assert groups.status_code == 200
    assert groups.json()[0]["group"] == "demo-engine"
    staff_on_admin = await client.get(
        "/api/events/dead-letters", headers={"Authorization": f"Bearer {staff}"}
    )
    assert staff_on_admin.status_code == 403

    bad = await client.get("/api/events/groups", headers={"Authorization": "Bearer itv_nope"})
    assert bad.status_code == 401


async def test_a_jwt_carries_subject_and_role(client):
    exp = datetime.now(UTC) + timedelta(minutes=5)
    token = jwt.encode(
        {"sub": "moussa", "role": "staff", "exp": exp}, "jwt-secret-for-tests-0123456789abcdef"
    )
    ok = await client.get("/api/events/groups", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    forged = jwt.encode(
        {"sub": "moussa", "role": "admin", "exp": exp}, "another-secret-0123456789abcdef-xyz"
    )
    assert (
        await client.get("/api/events/groups", headers={"Authorization": f"Bearer {forged}"})
    ).status_code == 401


async def test_a_body_that_does_not_validate_is_a_422_naming_the_field(client):
    response = await client.post(
        "/api/events/groups/demo-engine/replay", json={"from_offset": -1}, headers=ADMIN
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["field"] == "body.from_offset"
    not_json = await client.post(
        "/api/events/groups/demo-engine/replay",
        content=b"{oops",
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert not_json.status_code == 422
    unknown_group = await client.post(
        "/api/events/groups/nobody/replay", json={"from_offset": 0}, headers=ADMIN
    )
    # a path naming no group is a 404, as for any record (the OpenAPI document says so)
    assert (unknown_group.status_code, unknown_group.json()["field"]) == (404, "path.group")
    assert "nobody" in unknown_group.json()["detail"]


async def test_dead_letters_can_be_read_replayed_and_dropped(client, platform, demo):
    demo.always_fail.update({1, 2})
    await publish(platform, "s1", range(4))
    await wait_applied(platform, demo.name, 2)

    async def two() -> bool:
        return len(await dead_letters(platform)) == 2

    await eventually(two, what="two dead letters")
    letters = (await client.get("/api/events/dead-letters", headers=ADMIN)).json()
    assert [d["reason"] for d in letters] == ["handler_failed", "handler_failed"]
    first, second = letters[0]["id"], letters[1]["id"]
    shown = (await client.get(f"/api/events/dead-letters/{first}", headers=ADMIN)).json()
    assert '"seq":1' in shown["message"]

    failing_again = await client.post(f"/api/events/dead-letters/{first}/replay", headers=ADMIN)
    assert failing_again.status_code == 422
    demo.always_fail.clear()
    assert (
        await client.post(f"/api/events/dead-letters/{first}/replay", headers=ADMIN)
    ).status_code == 200
    assert (
        await client.delete(f"/api/events/dead-letters/{second}", headers=ADMIN)
    ).status_code == 204
    assert (await client.get("/api/events/dead-letters", headers=ADMIN)).json() == []
    missing = await client.get(f"/api/events/dead-letters/{second}", headers=ADMIN)
    assert missing.status_code == 404
    assert missing.json()["field"] == "path.letter_id"


def test_every_api_route_declares_who_may_call_it():
    routes = every_api_route()
    assert len(routes) > 50

    def names(dependant):
        for dependency in dependant.dependencies:
            yield getattr(dependency.call, "__name__", "")
            yield from names(dependency)

    for route in routes:
        assert {"dependency", "_public"} & set(names(route.dependant)), route.path


def test_a_customer_reaches_only_their_own_records():
    customer = Principal("cust-1", Role.CUSTOMER)
    customer.ensure_owns("cust-1")
    with pytest.raises(NotFound):
        customer.ensure_owns("cust-2", "order")
    Principal("awa", Role.STAFF).ensure_owns("cust-2")


async def test_a_nul_character_is_refused_naming_the_field(client):
    in_query = await client.get("/api/events/dead-letters?group=a%00b", headers=ADMIN)
    assert (in_query.status_code, in_query.json()["field"]) == (422, "query.group")
    in_body = await client.post(
        "/api/events/groups/demo-engine/replay",
        content=b'{"from_time": "2026-01-01T00:00:00Z", "note": ["ok", "a\\u0000b"]}',
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert (in_body.status_code, in_body.json()["field"]) == (422, "body.note.1")


def test_no_route_depends_on_a_plain_function():
    """FastAPI runs a plain `def` dependency in a worker thread: a thread hop on every request
    of the route, for nothing when it does no blocking I/O."""

    def sync_calls(dependant):
        for dependency in dependant.dependencies:
            call = dependency.call
            if call is not None and not (
                inspect.iscoroutinefunction(call)
                or inspect.isasyncgenfunction(call)
                or inspect.iscoroutinefunction(type(call).__call__)
            ):
                yield getattr(call, "__name__", repr(call))
            yield from sync_calls(dependency)

    for route in every_api_route():
        assert list(sync_calls(route.dependant)) == [], route.path
