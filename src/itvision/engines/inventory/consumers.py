"""What inventory reacts to: new products and variants of the catalog (each SKU gets a stock
record, 0 on hand, at the default locations), every step of an order's life (see
`services.orders`) and group buys' participations (see `services.group_holds`). Each handler
turns the event into a command and runs its use case in the unit of work that also marks the
event applied (once per event)."""

from __future__ import annotations

from collections.abc import Sequence

from itvision.engines.catalog.events import ProductCreated, ProductUpdated, VariantCreated
from itvision.engines.groupbuy.events import GroupExpired, ParticipantJoined, ParticipantLeft
from itvision.engines.inventory.commands import (
    CancelOrder,
    ConfirmOrder,
    HoldParticipation,
    OrderedQuantity,
    RefreshProduct,
    RefundOrder,
    RegisterProduct,
    RegisterVariant,
    ReleaseParticipations,
    ReserveOrder,
    ShipOrder,
)
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.services import group_holds, items, orders
from itvision.engines.order.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


@GROUP.on_batch("catalog.product.created")
async def stock_new_products(events: Sequence[Event[ProductCreated]], uow: UnitOfWork) -> None:
    await items.register_products(
        uow,
        [
            RegisterProduct(
                sku=e.payload.sku,
                product_id=e.payload.product_id,
                name=e.payload.name,
                unit_cost=e.payload.base_cost,
            )
            for e in events
        ],
    )


@GROUP.on("catalog.product.updated")
async def follow_product(event: Event[ProductUpdated], uow: UnitOfWork) -> None:
    product = event.payload
    await items.refresh_product(
        uow,
        RefreshProduct(
            sku=product.sku,
            product_id=product.product_id,
            name=product.name,
            unit_cost=product.base_cost,
        ),
    )


@GROUP.on("catalog.variant.created")
async def stock_new_variant(event: Event[VariantCreated], uow: UnitOfWork) -> None:
    variant = event.payload
    await items.register_variant(
        uow,
        RegisterVariant(
            sku=variant.sku,
            product_id=variant.product_id,
            variant_id=variant.variant_id,
            options=tuple(variant.attributes.values()),
            unit_cost=variant.base_cost,
        ),
    )


@GROUP.on("order.order.placed")
async def reserve_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    command = ReserveOrder(
        order_id=order.order_id,
        lines=tuple(OrderedQuantity(line.sku, line.quantity) for line in order.lines),
        payment_method=order.payment_method,
        country=order.delivery_address.country if order.delivery_address else None,
        actor=event.envelope.source,
        participation_id=order.participation_id,
    )
    await orders.reserve_order(uow, command)


@GROUP.on("order.order.confirmed")
async def firm_up_order(event: Event[OrderConfirmed], uow: UnitOfWork) -> None:
    await orders.confirm_order(uow, ConfirmOrder(event.payload.order_id, event.envelope.source))


@GROUP.on("order.order.cancelled")
async def release_order(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    await orders.cancel_order(uow, CancelOrder(event.payload.order_id, event.envelope.source))


@GROUP.on("order.order.shipped")
async def sell_order(event: Event[OrderShipped], uow: UnitOfWork) -> None:
    await orders.ship_order(uow, ShipOrder(event.payload.order_id, event.envelope.source))


@GROUP.on("order.order.refunded")
async def restock_order(event: Event[OrderRefunded], uow: UnitOfWork) -> None:
    refund = event.payload
    command = RefundOrder(
        order_id=refund.order_id,
        refund_id=refund.refund_id,
        reason=refund.reason,
        is_partial=refund.is_partial,
        actor=event.envelope.source,
        lines=tuple((line.sku, line.quantity) for line in refund.lines),
    )
    await orders.refund_order(uow, command)


@GROUP.on("groupbuy.participant.joined")
async def hold_participation(event: Event[ParticipantJoined], uow: UnitOfWork) -> None:
    joined = event.payload
    if joined.participation_id is None or joined.sku is None:
        return  # a join written before groups held stock
    command = HoldParticipation(
        joined.participation_id, joined.sku, joined.quantity, event.envelope.source
    )
    await group_holds.hold_participation(uow, command)


@GROUP.on("groupbuy.participant.left")
async def release_participation(event: Event[ParticipantLeft], uow: UnitOfWork) -> None:
    command = ReleaseParticipations((event.payload.participation_id,), event.envelope.source)
    await group_holds.release_participations(uow, command)


@GROUP.on("groupbuy.group.expired")
async def release_group(event: Event[GroupExpired], uow: UnitOfWork) -> None:
    ids = tuple(p.participation_id for p in event.payload.participants if p.participation_id)
    await group_holds.release_participations(uow, ReleaseParticipations(ids, event.envelope.source))
