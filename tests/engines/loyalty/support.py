"""Helpers of the loyalty tests: the order engine's events published as it publishes them,
and the loyalty engine's state read back through its API and the log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from itvision.engines.catalog.events import ProductCreated
from itvision.engines.loyalty.events import SOURCE
from itvision.engines.order.events import (
    OrderCancelled,
    OrderDelivered,
    OrderLine,
    OrderPlaced,
    OrderRefunded,
)
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Payload, utcnow
from itvision.platform.system import Platform
from tests.support.api import ApiClient
from tests.support.buses import settled as settled_group

CUSTOMER = "cust-awa"


async def emit(platform: Platform, source: str, payload: Payload) -> str:
    async with platform.uows(source) as uow:
        envelope = uow.emit(payload)
    return str(envelope.id)


def placed(
    order_id: str,
    *,
    customer_id: str = CUSTOMER,
    lines: list[tuple[str, int, int]] | None = None,
    discount_total: int = 0,
    shipping_fee: int = 2_000,
    points_redeemed: int = 0,
    points_discount: int = 0,
    placed_at: datetime | None = None,
) -> OrderPlaced:
    """An order of `lines` (product id, quantity, unit price incl. VAT)."""
    order_lines = [
        OrderLine(sku=f"SKU-{p.upper()}", product_id=p, quantity=q, unit_price=price)
        for p, q, price in (lines or [("p-laptop", 1, 500_000)])
    ]
    subtotal = sum(line.quantity * line.unit_price for line in order_lines)
    return OrderPlaced(
        order_id=order_id,
        customer_id=customer_id,
        lines=order_lines,
        subtotal=subtotal,
        discount_total=discount_total,
        shipping_fee=shipping_fee,
        total=subtotal - discount_total + shipping_fee,
        payment_method="cash_on_delivery",
        points_redeemed=points_redeemed,
        points_discount=points_discount,
        placed_at=placed_at or utcnow(),
    )


def delivered(order_id: str, *, customer_id: str = CUSTOMER, total: int = 0) -> OrderDelivered:
    return OrderDelivered(
        order_id=order_id, customer_id=customer_id, total=total, delivered_at=utcnow()
    )


def cancelled(order_id: str, *, customer_id: str = CUSTOMER) -> OrderCancelled:
    return OrderCancelled(
        order_id=order_id,
        customer_id=customer_id,
        reason="customer_request",
        cancelled_by="customer",
        cancelled_at=utcnow(),
    )


def refunded(
    order_id: str, refund_id: str, amount: int, *, customer_id: str = CUSTOMER
) -> OrderRefunded:
    return OrderRefunded(
        order_id=order_id,
        customer_id=customer_id,
        refund_id=refund_id,
        amount=amount,
        is_partial=True,
        reason="returned",
        refunded_at=utcnow(),
    )


def product(product_id: str, category_path: list[str], brand: str | None = None):
    return ProductCreated(
        product_id=product_id,
        sku=f"SKU-{product_id.upper()}",
        name=product_id,
        category_id=category_path[-1],
        category_path=category_path,
        brand=brand,
        base_cost=1_000,
        created_at=utcnow(),
    )


async def settled(platform: Platform) -> None:
    """Wait until loyalty has applied everything it follows, nothing parked."""
    await settled_group(platform, SOURCE)


async def balance(api: ApiClient, customer_id: str = CUSTOMER) -> dict[str, Any]:
    found = await api.get(f"/api/loyalty/customers/{customer_id}", role="staff")
    assert found.status_code == 200, found.text
    return dict(found.json())


async def points(api: ApiClient, customer_id: str = CUSTOMER) -> tuple[int, int]:
    """(available, pending)"""
    found = await balance(api, customer_id)
    return found["available"], found["pending"]


async def ledger(api: ApiClient, customer_id: str = CUSTOMER) -> list[dict[str, Any]]:
    found = await api.get(f"/api/loyalty/customers/{customer_id}/ledger?limit=200", role="staff")
    assert found.status_code == 200, found.text
    return list(reversed(found.json()["items"]))


async def published(platform: Platform, topic: str) -> list[dict[str, Any]]:
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        return [json.loads(row)["payload"] for row in rows]
