"""Helpers of the payment tests: other engines' events published as they would, and what the
payment engine published read back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from itvision.engines.inventory.events import ReservationConfirmed, ReservedLine
from itvision.engines.order.events import OrderCancelled, OrderLine, OrderPlaced, OrderRefunded
from itvision.engines.shipping.events import ShipmentDelivered
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import utcnow
from tests.support.buses import settled as settled_group

CUSTOMER = "cust-1"


async def emit(platform, source: str, payload) -> str:
    async with platform.uows(source) as uow:
        return str(uow.emit(payload).id)


async def place(
    platform, order_id: str, *, method: str = "wave", total: int = 150_000, customer: str = CUSTOMER
) -> None:
    await emit(
        platform,
        "order-engine",
        OrderPlaced(
            order_id=order_id,
            customer_id=customer,
            lines=[OrderLine(sku="LAP-1", product_id="p1", quantity=1, unit_price=total)],
            subtotal=total,
            total=total,
            payment_method=method,
            pay_by=utcnow() + timedelta(minutes=30),
            placed_at=utcnow(),
        ),
    )


async def reserve(platform, order_id: str) -> None:
    await emit(
        platform,
        "inventory-engine",
        ReservationConfirmed(
            order_id=order_id,
            reservation_id=f"res-{order_id}",
            lines=[ReservedLine(sku="LAP-1", quantity=1)],
            confirmed_at=utcnow(),
        ),
    )


async def payable(platform, order_id: str, **placed: Any) -> None:
    await place(platform, order_id, **placed)
    await reserve(platform, order_id)


async def cancel(platform, order_id: str, customer: str = CUSTOMER) -> None:
    await emit(
        platform,
        "order-engine",
        OrderCancelled(
            order_id=order_id,
            customer_id=customer,
            reason="customer_request",
            cancelled_by="customer",
            cancelled_at=utcnow(),
        ),
    )


async def refund(platform, order_id: str, refund_id: str, amount: int) -> None:
    await emit(
        platform,
        "order-engine",
        OrderRefunded(
            order_id=order_id,
            customer_id=CUSTOMER,
            refund_id=refund_id,
            amount=amount,
            is_partial=True,
            reason="returned",
            refunded_at=utcnow(),
        ),
    )


async def deliver(platform, order_id: str, cash: int | None) -> None:
    await emit(
        platform,
        "shipping-engine",
        ShipmentDelivered(
            shipment_id=f"shp-{order_id}",
            order_id=order_id,
            customer_id=CUSTOMER,
            cash_collected=cash,
            delivered_at=utcnow(),
        ),
    )


async def published(platform, topic: str, order_id: str | None = None) -> list[dict[str, Any]]:
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        payloads = [json.loads(row)["payload"] for row in rows]
    return [p for p in payloads if order_id is None or p.get("orderId") == order_id]


async def settled(platform) -> None:
    """Wait until the payment engine has applied every event it follows, those it parked
    until their order came included."""
    await settled_group(platform, "payment-engine")


def problem(response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body
