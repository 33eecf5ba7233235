"""What loyalty reacts to — the seed's consumer, `order.order.placed` (provisional points) and
`order.order.delivered` (final points), plus cancellations and refunds (points taken back) and
the catalog's products (category and brand, for the earn rules). Each handler runs one use case
in the unit of work that marks the event applied; an event about an order not placed yet waits
(NotYet). Events written without an id (the seed's KafkaJS producers) get one from where they
were read, so they too are applied once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.events import ProductCreated, ProductUpdated
from itvision.engines.loyalty.commands import (
    CancelOrder,
    CreditOrder,
    OrderedLine,
    RecordProduct,
    RefundOrder,
    ReleaseOrder,
)
from itvision.engines.loyalty.events import SOURCE
from itvision.engines.loyalty.models import ProductFacts
from itvision.engines.loyalty.services import orders
from itvision.engines.loyalty.services.products import record_products
from itvision.engines.order.events import (
    OrderCancelled,
    OrderDelivered,
    OrderPlaced,
    OrderRefunded,
)
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_products(session: AsyncSession) -> None:
    """Before a replay from the start, empty the product projection (the catalog's events
    rebuild it). The ledger is not emptied: each entry is written once per cause, so replayed
    orders find their entries and the balances come out the same, without announcing points
    again."""
    await session.execute(delete(ProductFacts))


GROUP = ConsumerGroup(SOURCE, rebuild=_forget_products)


def _product(p: ProductCreated | ProductUpdated) -> RecordProduct:
    return RecordProduct(p.product_id, (*p.category_path, p.category_id), p.brand)


@GROUP.on_batch("catalog.product.created")
async def learn_products(events: Sequence[Event[ProductCreated]], uow: UnitOfWork) -> None:
    await record_products(uow, [_product(e.payload) for e in events])


@GROUP.on_batch("catalog.product.updated")
async def follow_products(events: Sequence[Event[ProductUpdated]], uow: UnitOfWork) -> None:
    await record_products(uow, [_product(e.payload) for e in events])


@GROUP.on("order.order.placed")
async def credit_provisional_points(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    command = CreditOrder(
        order_id=order.order_id,
        customer_id=order.customer_id,
        lines=tuple(
            OrderedLine(line.product_id, line.quantity * line.unit_price) for line in order.lines
        ),
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        total=order.total,
        points_redeemed=order.points_redeemed,
        points_discount=order.points_discount,
        placed_at=order.placed_at,
        event_id=str(event.id),
        actor=event.envelope.source,
    )
    await orders.credit_order(uow, command)


@GROUP.on("order.order.delivered")
async def credit_final_points(event: Event[OrderDelivered], uow: UnitOfWork) -> None:
    delivered = event.payload
    command = ReleaseOrder(
        delivered.order_id, delivered.delivered_at, str(event.id), event.envelope.source
    )
    await orders.release_order(uow, command)


@GROUP.on("order.order.cancelled")
async def take_back_pending_points(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    cancelled = event.payload
    command = CancelOrder(
        cancelled.order_id, cancelled.cancelled_at, str(event.id), event.envelope.source
    )
    await orders.cancel_order(uow, command)


@GROUP.on("order.order.refunded")
async def take_back_refunded_points(event: Event[OrderRefunded], uow: UnitOfWork) -> None:
    refund = event.payload
    command = RefundOrder(
        order_id=refund.order_id,
        refund_id=refund.refund_id,
        amount=refund.amount,
        refunded_at=refund.refunded_at,
        event_id=str(event.id),
        actor=event.envelope.source,
    )
    await orders.refund_order(uow, command)
