"""The Wave and Orange Money simulators in tests: started in-process on 127.0.0.1 (free ports,
the test's event loop), with the payment adapters of the system under test pointed at them and
their webhooks delivered to the app under test (its ASGI client).

In a conftest (flows, the payment engine's tests), these fixtures replace the plain ones:

    from tests.support.simulators import api, simulators, system  # noqa: F401

then, in a test, with an order placed and its stock reserved:

    payment = await pay_order(api, simulators, order_id, customer="cust-1")       # Wave paid
    payment = await pay_order(api, simulators, order_id, customer="cust-1", approve=False)
    await simulators.approve(payment)          # or .decline(payment, "insufficient-funds")
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from itvision import bootstrap
from itvision.engines.payment.settings import SIMULATED, PaymentSettings
from itvision.platform.system import Platform
from itvision.settings import Settings
from itvision.simulators.orange_money import OrangeMoneySimulator
from itvision.simulators.server import Running, bound_socket, serve
from itvision.simulators.wave import WaveSimulator
from tests.conftest import eventually
from tests.support.api import ApiClient, app_of
from tests.support.schema import migrate

PUBLIC_URL = "http://test"
"""The app under test's base URL (its ASGI client's): webhooks and return URLs point there."""


@dataclass
class RunningSimulators:
    wave: WaveSimulator
    orange_money: OrangeMoneySimulator
    wave_url: str
    orange_money_url: str

    def payment_settings(self, **overrides: Any) -> PaymentSettings:
        """Payment settings whose adapters talk to these simulators."""
        values: dict[str, Any] = {
            **SIMULATED,
            "public_url": PUBLIC_URL,
            "wave_base_url": self.wave_url,
            "orange_money_base_url": self.orange_money_url,
            "orange_money_country": "dev",
            "orange_money_currency": "OUV",
            **overrides,
        }
        return PaymentSettings(**values)

    def deliver_to(self, client: httpx.AsyncClient | None) -> None:
        """Webhooks and notifications go through `client` (the app under test)."""
        self.wave.sender.client = client
        self.orange_money.sender.client = client

    def lose_webhooks(self, lost: bool = True) -> None:
        """Webhooks and notifications are recorded but never delivered."""
        self.wave.sender.drop = lost
        self.orange_money.sender.drop = lost

    async def approve(self, payment: dict[str, Any]) -> None:
        """The customer pays (a payment as the API answers it); its webhook is delivered."""
        if payment["method"] == "wave":
            await self.wave.approve(payment["provider_reference"])
        else:
            await self.orange_money.approve(payment["provider_reference"])

    async def decline(self, payment: dict[str, Any], code: str = "insufficient-funds") -> None:
        if payment["method"] == "wave":
            await self.wave.decline(payment["provider_reference"], code)
        else:
            await self.orange_money.decline(payment["provider_reference"])


@asynccontextmanager
async def running_simulators(*, auto_approve: bool = False) -> AsyncIterator[RunningSimulators]:
    wave_socket, orange_socket = bound_socket(), bound_socket()
    wave_url = "http://{}:{}".format(*wave_socket.getsockname()[:2])
    orange_url = "http://{}:{}".format(*orange_socket.getsockname()[:2])
    wave = WaveSimulator(
        api_key=SIMULATED["wave_api_key"],
        webhook_url=f"{PUBLIC_URL}/api/payments/webhooks/wave",
        webhook_secrets=[SIMULATED["wave_webhook_secret"]],
        public_url=wave_url,
        auto_approve=auto_approve,
    )
    orange = OrangeMoneySimulator(
        client_id=SIMULATED["orange_money_client_id"],
        client_secret=SIMULATED["orange_money_client_secret"],
        merchant_key=SIMULATED["orange_money_merchant_key"],
        public_url=orange_url,
        auto_approve=auto_approve,
    )
    servers: list[Running] = [await serve(wave.app, wave_socket)]
    try:
        servers.append(await serve(orange.app, orange_socket))
        yield RunningSimulators(wave, orange, wave_url, orange_url)
    finally:
        for server in servers:
            await server.stop()
        await wave.close()
        await orange.close()


@pytest.fixture
async def simulators() -> AsyncIterator[RunningSimulators]:
    async with running_simulators() as running:
        yield running


@pytest.fixture
async def system(
    backend_settings: Settings, simulators: RunningSimulators
) -> AsyncIterator[Platform]:
    """The real system (as tests/conftest.py's), its payment adapters on the simulators."""
    platform = Platform(
        backend_settings,
        bootstrap.registry(),
        bootstrap.consumer_groups(),
        bootstrap.jobs(),
        engine_settings=[simulators.payment_settings()],
    )
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def api(system: Platform, simulators: RunningSimulators) -> AsyncIterator[ApiClient]:
    """The API's client (as tests/conftest.py's); the simulators' webhooks go to it."""
    transport = httpx.ASGITransport(app=app_of(system))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        simulators.deliver_to(client)
        yield ApiClient(client, system)
        simulators.deliver_to(None)


async def start_payment(
    api: ApiClient, order_id: str, *, customer: str = "cust-1", key: str | None = None
) -> dict[str, Any]:
    """`POST /api/payments` as the customer, retried while payment has not seen the order
    placed and reserved yet (409 `awaiting_stock`/`unknown`)."""
    key = key or f"pay-{uuid.uuid4().hex}"
    answers: list[httpx.Response] = []

    async def started() -> bool:
        response = await api.post(
            "/api/payments",
            json={"order_id": order_id},
            headers={"Idempotency-Key": key},
            role="customer",
            subject=customer,
        )
        answers.append(response)
        return response.status_code in (200, 201) or (
            response.status_code == 409
            and response.json().get("state") not in ("unknown", "awaiting_stock")
        )

    await eventually(started, 30, f"order {order_id} to be payable")
    assert answers[-1].status_code in (200, 201), answers[-1].text
    return answers[-1].json()


async def pay_order(
    api: ApiClient,
    simulators: RunningSimulators,
    order_id: str,
    *,
    customer: str = "cust-1",
    approve: bool = True,
) -> dict[str, Any]:
    """Start paying the order and, with `approve`, pay it at the simulator and wait until the
    payment engine has it succeeded. Returns the payment as the API shows it."""
    payment = await start_payment(api, order_id, customer=customer)
    if not approve:
        return payment
    await simulators.approve(payment)
    return await wait_payment(api, payment["id"], "succeeded", customer=customer)


async def wait_payment(
    api: ApiClient, payment_id: str, status: str, *, customer: str = "cust-1"
) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def reached() -> bool:
        response = await api.get(f"/api/payments/{payment_id}", role="customer", subject=customer)
        seen.update(response.json())
        return seen.get("status") == status

    await eventually(reached, 30, f"payment {payment_id} to be {status}")
    return seen
