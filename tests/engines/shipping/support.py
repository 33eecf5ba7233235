"""Helpers of the shipping engine's integration tests: publish what the order engine would,
read what shipping published, sign what a carrier would send."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from itvision.engines.order.events import (
    DeliveryAddress,
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
)
from itvision.engines.shipping.rules.signatures import HEADER, sign
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Payload, utcnow
from itvision.platform.system import Platform
from tests.conftest import eventually
from tests.support.api import ApiClient

ORDER_ENGINE = "order-engine"
SECRETS = {"coursier": "secret-du-coursier", "yango": "secret-de-yango"}


def placed(
    order_id: str,
    customer_id: str = "awa",
    *,
    payment_method: str = "wave",
    delivery_method: str = "home_delivery",
    city: str = "Dakar",
    area: str | None = "Plateau",
    country: str = "SN",
    total: int = 389_400,
) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        customer_id=customer_id,
        lines=[OrderLine(sku="LAP-1", product_id="p1", quantity=1, unit_price=total - 1_000)],
        subtotal=total - 1_000,
        shipping_fee=1_000,
        total=total,
        payment_method=payment_method,  # type: ignore[arg-type]
        delivery_method=delivery_method,  # type: ignore[arg-type]
        delivery_address=DeliveryAddress(
            recipient_name="Awa Diop",
            phone="+221770000000",
            city=city,
            area=area,
            address_line="Rue 10",
            country=country,
        ),
        placed_at=utcnow(),
    )


def confirmed(order_id: str, customer_id: str = "awa", total: int = 389_400) -> OrderConfirmed:
    return OrderConfirmed(
        order_id=order_id,
        customer_id=customer_id,
        total=total,
        payment_method="wave",
        confirmed_at=utcnow(),
    )


def cancelled(order_id: str, customer_id: str = "awa") -> OrderCancelled:
    return OrderCancelled(
        order_id=order_id,
        customer_id=customer_id,
        reason="customer_request",
        cancelled_by="customer",
        cancelled_at=utcnow(),
    )


async def publish(platform: Platform, *payloads: Payload) -> None:
    """As the order engine does: each in one of its units of work, in this order."""
    for payload in payloads:
        async with platform.uows(ORDER_ENGINE) as uow:
            uow.emit(payload)


async def published(
    platform: Platform, topic: str, order_id: str | None = None
) -> list[dict[str, Any]]:
    """Payloads (wire form, camelCase) published on `topic`, oldest first."""
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        payloads = [json.loads(envelope)["payload"] for envelope in rows]
    return [p for p in payloads if order_id is None or p["orderId"] == order_id]


async def shipment_of(api: ApiClient, order_id: str, timeout: float = 30) -> dict[str, Any]:
    """The order's shipment, once shipping made it, as staff read it."""
    found: list[dict[str, Any]] = []

    async def made() -> bool:
        answer = await api.get(f"/api/shipping/shipments?order_id={order_id}", role="staff")
        found[:] = answer.json()["items"]
        return bool(found)

    await eventually(made, timeout, f"a shipment for {order_id}")
    return found[0]


async def ship(api: ApiClient, order_id: str, **placed_options: Any) -> dict[str, Any]:
    """An order placed and confirmed, and the shipment shipping made for it."""
    await publish(api.platform, placed(order_id, **placed_options), confirmed(order_id))
    return await shipment_of(api, order_id)


async def report(api: ApiClient, shipment_id: str, status: str, **fields: Any) -> dict[str, Any]:
    answer = await api.post(
        f"/api/shipping/shipments/{shipment_id}/updates",
        role="staff",
        json={"status": status, **fields},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def signed(
    body: dict[str, Any], carrier: str = "coursier", *, at: float | None = None
) -> dict[str, Any]:
    """The request a carrier sends: the JSON body and its signature header."""
    raw = json.dumps(body).encode()
    stamp = int(time.time() if at is None else at)
    headers = {"Content-Type": "application/json", HEADER: sign(SECRETS[carrier], stamp, raw)}
    return {"content": raw, "headers": headers}
