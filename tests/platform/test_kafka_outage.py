"""With the broker down, writes still succeed (they wait in the outbox), the API says it is
not ready, and everything is delivered once the broker is back."""

from __future__ import annotations

import httpx
import pytest

from itvision.app import create_app
from tests.conftest import eventually, settings_for_tests
from tests.demo_engine import DemoGroup, applied
from tests.platform.test_delivery import publish
from tests.support.buses import caught_up
from tests.support.servers import KafkaBroker

pytestmark = pytest.mark.kafka


@pytest.fixture
def broker():
    broker = KafkaBroker().start()
    yield broker
    broker.stop()


@pytest.fixture
def backend_settings(tmp_path, broker):
    return settings_for_tests(tmp_path, bus_url=f"kafka://{broker.bootstrap}")


async def test_writes_succeed_while_the_broker_is_down_and_arrive_when_it_is_back(
    make_platform, broker
):
    demo = DemoGroup()
    platform = await make_platform(demo.group)
    app = create_app(platform, run_consumers=False)
    await platform.start()
    await publish(platform, "s1", range(3))

    async def three() -> bool:
        return len(await applied(platform, demo.name)) == 3

    await eventually(three, what="the first events")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/readyz")).status_code == 200

        broker.stop()
        await publish(platform, "s1", range(3, 10))
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["bus"].startswith("unreachable")

        broker.start()
        await eventually(lambda: _ready(client), what="readyz back to 200")

    async def ten() -> bool:
        return len(await applied(platform, demo.name)) >= 10

    await eventually(ten, timeout=40, what="every event delivered after the outage")
    await caught_up(platform)
    assert sorted(seq for _, seq, _ in await applied(platform, demo.name)) == list(range(10))


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200
