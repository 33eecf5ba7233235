"""Helpers of the billing tests: publish what the order and payment engines would, read what
billing published, wait until it has applied everything."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from itvision.engines.billing.events import SOURCE
from itvision.engines.order.events import (
    DeliveryAddress,
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRefunded,
    RefundedLine,
)
from itvision.engines.payment.events import PaymentMethod, PaymentSucceeded
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Payload, utcnow
from itvision.platform.system import Platform
from tests.support.buses import settled as settled_group

CUSTOMER = "cust-awa"
# 2 laptops at 300 000 less 10 000, a mouse at 15 000, delivery 4 400: 609 400 VAT included.
LINES = [
    OrderLine(
        sku="HP-840-G8",
        product_id="prod-hp",
        name="HP EliteBook 840 G8",
        quantity=2,
        unit_price=300_000,
        discount=10_000,
    ),
    OrderLine(
        sku="MOUSE-M185",
        product_id="prod-m185",
        name="Souris Logitech M185",
        quantity=1,
        unit_price=15_000,
    ),
]
TOTAL = 609_400
VAT = 92_959  # the order engine's figure for the VAT in TOTAL


async def emit(platform: Platform, source: str, payload: Payload) -> None:
    async with platform.uows(source) as uow:
        uow.emit(payload)


async def place(
    platform: Platform,
    order_id: str,
    *,
    customer_id: str = CUSTOMER,
    payment_method: PaymentMethod = "wave",
    quote_id: str | None = None,
    lines: list[OrderLine] | None = None,
    total: int | None = None,
    vat_total: int | None = None,
) -> None:
    """Place an order; by default `LINES`, delivered for 4 400, paid by Wave."""
    default = lines is None
    lines = LINES if lines is None else lines
    subtotal = sum(line.quantity * line.unit_price for line in lines)
    discounts = sum(line.discount for line in lines)
    shipping = 4_400 if default else 0
    if vat_total is None:
        vat_total = VAT if default else 0
    await emit(
        platform,
        "order-engine",
        OrderPlaced(
            order_id=order_id,
            customer_id=customer_id,
            lines=lines,
            subtotal=subtotal,
            discount_total=discounts,
            shipping_fee=shipping,
            vat_total=vat_total,
            total=total if total is not None else subtotal - discounts + shipping,
            payment_method=payment_method,
            delivery_method="home_delivery",
            delivery_address=DeliveryAddress(
                recipient_name="Awa Ndiaye",
                phone="+221 77 123 45 67",
                city="Dakar",
                area="Mermoz",
                address_line="Villa 12, rue MZ-45",
            ),
            quote_id=quote_id,
            placed_at=utcnow(),
        ),
    )


async def confirm(platform: Platform, order_id: str, *, customer_id: str = CUSTOMER) -> None:
    await emit(
        platform,
        "order-engine",
        OrderConfirmed(
            order_id=order_id,
            customer_id=customer_id,
            total=TOTAL,
            payment_method="wave",
            confirmed_at=utcnow(),
        ),
    )


async def pay(
    platform: Platform, order_id: str, amount: int = TOTAL, *, payment_id: str | None = None
) -> None:
    await emit(
        platform,
        "payment-engine",
        PaymentSucceeded(
            payment_id=payment_id or f"pay-{order_id}",
            order_id=order_id,
            customer_id=CUSTOMER,
            amount=amount,
            fee=amount // 100,
            method="wave",
            provider_reference=f"T_{order_id}",
            succeeded_at=utcnow(),
        ),
    )


async def cancel(platform: Platform, order_id: str) -> None:
    await emit(
        platform,
        "order-engine",
        OrderCancelled(
            order_id=order_id,
            customer_id=CUSTOMER,
            reason="customer_request",
            cancelled_by="customer",
            cancelled_at=utcnow(),
        ),
    )


async def refund(
    platform: Platform,
    order_id: str,
    refund_id: str,
    amount: int,
    *,
    lines: list[RefundedLine] | None = None,
) -> None:
    await emit(
        platform,
        "order-engine",
        OrderRefunded(
            order_id=order_id,
            customer_id=CUSTOMER,
            refund_id=refund_id,
            amount=amount,
            is_partial=True,
            lines=lines or [],
            reason="returned",
            refunded_at=utcnow(),
        ),
    )


async def published(platform: Platform, topic: str) -> list[dict[str, Any]]:
    """Payloads (wire form, camelCase) published on `topic`, oldest first."""
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        return [json.loads(envelope)["payload"] for envelope in rows]


async def settled(platform: Platform, *, parked: int = 0) -> None:
    """Wait until billing has read every event it follows, `parked` of them still waiting."""
    await settled_group(platform, SOURCE, parked=parked)


def year_of(moment: str | datetime) -> int:
    return (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).year
