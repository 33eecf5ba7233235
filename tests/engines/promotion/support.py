"""Helpers of the promotion engine's integration tests: read what was published, publish
what other engines would."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from itvision.engines.catalog.events import ProductCreated
from itvision.engines.order.events import OrderCancelled, OrderLine, OrderPlaced
from itvision.engines.payment.events import PaymentSucceeded
from itvision.engines.promotion.events import SOURCE
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import utcnow
from tests.conftest import eventually
from tests.support.buses import applied as applied_by


async def published(platform, topic: str) -> list[dict[str, Any]]:
    """Payloads (wire form, camelCase) published on `topic`, oldest first."""
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        return [json.loads(envelope)["payload"] for envelope in rows]


async def wait_published(platform, topic: str, count: int, what: str = "") -> list[dict]:
    async def enough() -> bool:
        return len(await published(platform, topic)) >= count

    await eventually(enough, 20, what or f"{count} × {topic}")
    return await published(platform, topic)


async def emit(platform, source: str, payload) -> str:
    """Publish as engine `source` would; returns the event id."""
    async with platform.uows(source) as uow:
        envelope = uow.emit(payload)
    return str(envelope.id)


async def wait_applied(platform, event_id: str, group: str = SOURCE) -> None:
    """Wait until `group` applied the event."""
    await applied_by(platform, group, event_id)


async def add_product(
    platform, product_id: str, category_path: list[str], brand: str | None = None
) -> str:
    return await emit(
        platform,
        "catalog-engine",
        ProductCreated(
            product_id=product_id,
            sku=f"SKU-{product_id}",
            name=product_id,
            category_id=category_path[-1],
            category_path=category_path,
            brand=brand,
            base_cost=1_000,
            created_at=utcnow(),
        ),
    )


async def place_order(
    platform,
    order_id: str,
    *,
    codes: list[str],
    customer_id: str = "cust-1",
    lines: list[tuple[str, int, int]] | None = None,
    shipping_fee: int = 0,
    placed_at: datetime | None = None,
    legacy_code_field: bool = False,
) -> str:
    order_lines = [
        OrderLine(sku=f"SKU-{p}", product_id=p, quantity=q, unit_price=price)
        for p, q, price in (lines or [("p1", 1, 100_000)])
    ]
    subtotal = sum(line.quantity * line.unit_price for line in order_lines)
    return await emit(
        platform,
        "order-engine",
        OrderPlaced(
            order_id=order_id,
            customer_id=customer_id,
            lines=order_lines,
            subtotal=subtotal,
            shipping_fee=shipping_fee,
            total=subtotal + shipping_fee,
            payment_method="wave",
            promotion_code=codes[0] if legacy_code_field and codes else None,
            promotion_codes=[] if legacy_code_field else codes,
            placed_at=placed_at or utcnow(),
        ),
    )


async def pay_order(
    platform, order_id: str, *, customer_id: str = "cust-1", payment_id: str | None = None
) -> str:
    return await emit(
        platform,
        "payment-engine",
        PaymentSucceeded(
            payment_id=payment_id or f"pay-{order_id}",
            order_id=order_id,
            customer_id=customer_id,
            amount=90_000,
            method="wave",
            succeeded_at=utcnow(),
        ),
    )


async def cancel_order(platform, order_id: str, *, customer_id: str = "cust-1") -> str:
    return await emit(
        platform,
        "order-engine",
        OrderCancelled(
            order_id=order_id,
            customer_id=customer_id,
            reason="customer_request",
            cancelled_by="customer",
            cancelled_at=utcnow(),
        ),
    )
