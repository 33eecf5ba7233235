"""What shipping reacts to: the order engine's placed orders (kept: address, method, fee, what
the courier collects), confirmations (a shipment) and cancellations (a shipment that has not
left is cancelled). A confirmation seen before its order was placed waits (NotYet); a
cancellation seen first keeps the order from being shipped. Each handler turns the event into
a command and runs its use case in the unit of work that also marks the event applied. It also
follows customers' loyalty tiers (`loyalty.tier.*`): a tier that delivers free makes the fee 0."""

from __future__ import annotations

from itvision.engines.loyalty.events import TierDowngraded, TierUpgraded
from itvision.engines.order.events import OrderCancelled, OrderConfirmed, OrderPlaced
from itvision.engines.shipping.commands import (
    CancelShipment,
    CreateShipment,
    FollowTier,
    RecordOrder,
)
from itvision.engines.shipping.events import SOURCE
from itvision.engines.shipping.services import members, orders, shipments
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


@GROUP.on("order.order.placed")
async def record_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    address = order.delivery_address
    command = RecordOrder(
        order_id=order.order_id,
        customer_id=order.customer_id,
        delivery_method=order.delivery_method,
        payment_method=order.payment_method,
        recipient_name=address.recipient_name if address else None,
        phone=address.phone if address else None,
        country=address.country if address else None,
        city=address.city if address else None,
        area=address.area if address else None,
        address_line=address.address_line if address else None,
        shipping_fee=order.shipping_fee,
        total=order.total,
        currency=order.currency,
        placed_at=order.placed_at,
    )
    await orders.record_order(uow, command)


@GROUP.on("order.order.confirmed")
async def ship_order(event: Event[OrderConfirmed], uow: UnitOfWork) -> None:
    command = CreateShipment(event.payload.order_id, actor=event.envelope.source)
    await shipments.create_shipment(uow, command)


@GROUP.on("order.order.cancelled")
async def cancel_shipment(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    cancelled = event.payload
    # The history keeps why (a note, else the reason), within its column.
    note = (cancelled.note or cancelled.reason)[:500]
    command = CancelShipment(cancelled.order_id, actor=event.envelope.source, note=note)
    await orders.cancel_shipment(uow, command)


@GROUP.on("loyalty.tier.upgraded")
async def follow_upgrade(event: Event[TierUpgraded], uow: UnitOfWork) -> None:
    up = event.payload
    command = FollowTier(up.customer_id, up.tier, up.free_shipping, up.upgraded_at)
    await members.follow_tier(uow, command)


@GROUP.on("loyalty.tier.downgraded")
async def follow_downgrade(event: Event[TierDowngraded], uow: UnitOfWork) -> None:
    down = event.payload
    command = FollowTier(down.customer_id, down.tier, down.free_shipping, down.downgraded_at)
    await members.follow_tier(uow, command)
