"""What the promotion engine reacts to: orders (reserve, release), payments (count), and the
catalog (our projection of each product's categories and brand)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.events import ProductCreated, ProductUpdated
from itvision.engines.order.events import OrderCancelled, OrderPlaced
from itvision.engines.payment.events import PaymentSucceeded
from itvision.engines.promotion.commands import (
    RecordProduct,
    RedeemOrderCodes,
    ReleaseOrderCodes,
    ReserveOrderCodes,
)
from itvision.engines.promotion.events import SOURCE
from itvision.engines.promotion.models import ProductScope
from itvision.engines.promotion.rules.carts import CartLine
from itvision.engines.promotion.services.products import record_products
from itvision.engines.promotion.services.usages import (
    redeem_order_codes,
    release_order_codes,
    reserve_order_codes,
)
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_catalog(session: AsyncSession) -> None:
    """Empty the catalog projection before the catalog's events are replayed from the start.
    The platform runs this in its own session (with the group's position reset), not through
    a use case. Usages are not emptied: replaying orders and payments over them changes
    nothing (each order is recorded once), whereas rebuilding them would announce redemptions
    again."""
    await session.execute(delete(ProductScope))


GROUP = ConsumerGroup(SOURCE, rebuild=_forget_catalog)


@GROUP.on_batch("catalog.product.created")
async def record_new_products(events: Sequence[Event[ProductCreated]], uow: UnitOfWork) -> None:
    await record_products(uow, [_product(e.payload, e.payload.created_at) for e in events])


@GROUP.on_batch("catalog.product.updated")
async def record_product_changes(events: Sequence[Event[ProductUpdated]], uow: UnitOfWork) -> None:
    await record_products(uow, [_product(e.payload, e.payload.updated_at) for e in events])


@GROUP.on("order.order.placed")
async def reserve_codes_of_placed_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    command = ReserveOrderCodes(
        order_id=order.order_id,
        customer_id=order.customer_id,
        codes=tuple(order.promotion_codes),
        lines=tuple(
            CartLine(line.sku, line.product_id, line.quantity, line.unit_price)
            for line in order.lines
        ),
        shipping_fee=order.shipping_fee,
        placed_at=order.placed_at,
    )
    await reserve_order_codes(uow, command)


@GROUP.on("payment.payment.succeeded")
async def count_codes_of_paid_order(event: Event[PaymentSucceeded], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    command = RedeemOrderCodes(payment.order_id, payment.customer_id, payment.succeeded_at)
    await redeem_order_codes(uow, command)


@GROUP.on("order.order.cancelled")
async def release_codes_of_cancelled_order(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    cancelled = event.payload
    command = ReleaseOrderCodes(cancelled.order_id, cancelled.customer_id, cancelled.cancelled_at)
    await release_order_codes(uow, command)


def _product(product: ProductCreated | ProductUpdated, as_of: datetime) -> RecordProduct:
    # The path the catalog sends (root → leaf); events written before it carried one give only
    # the product's own category.
    path = list(getattr(product, "category_path", None) or [])
    if product.category_id not in path:
        path.append(product.category_id)
    return RecordProduct(product.product_id, product.sku, tuple(path), product.brand, as_of)
