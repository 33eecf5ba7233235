"""The orders shipping follows, from the order engine's events: placed (where and how it goes,
what the courier collects) and cancelled. On Kafka the two topics have no order between them,
so a cancellation may be the first shipping hears of an order: it is remembered on a row the
placed event completes later, and a shipment is never made for it."""

from __future__ import annotations

import structlog
from sqlalchemy import select

from itvision.engines.shipping.commands import CancelShipment, RecordOrder
from itvision.engines.shipping.events import SOURCE
from itvision.engines.shipping.models import KnownOrder, Shipment
from itvision.engines.shipping.services.journal import record_status
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.shipping")


async def record_order(on: Runner, command: RecordOrder) -> KnownOrder:
    async with unit_of_work(on, SOURCE) as uow:
        order = await uow.session.get(KnownOrder, command.order_id, with_for_update=True)
        if order is None:
            order = KnownOrder(order_id=command.order_id)
            uow.session.add(order)
        elif order.placed_at is not None:
            return order  # a redelivered or replayed placed event: nothing new
        order.customer_id = command.customer_id
        order.delivery_method = command.delivery_method
        order.payment_method = command.payment_method
        order.recipient_name = command.recipient_name
        order.phone = command.phone
        order.country = command.country
        order.city = command.city
        order.area = command.area
        order.address_line = command.address_line
        order.shipping_fee = command.shipping_fee
        order.total = command.total
        order.currency = command.currency
        order.placed_at = command.placed_at
        return order


async def cancel_shipment(on: Runner, command: CancelShipment) -> Shipment | None:
    """Remember the order is cancelled, and cancel its shipment if it has not left; a shipment
    already with the carrier goes on (the order engine refuses to cancel a shipped order, so
    this is only a late event) and is logged."""
    async with unit_of_work(on, SOURCE) as uow:
        now = utcnow()
        order = await uow.session.get(KnownOrder, command.order_id, with_for_update=True)
        if order is None:
            uow.session.add(KnownOrder(order_id=command.order_id, cancelled_at=now))
        elif order.cancelled_at is None:
            order.cancelled_at = now
        shipment = await uow.session.scalar(
            select(Shipment).where(Shipment.order_id == command.order_id).with_for_update()
        )
        if shipment is None or shipment.status == "cancelled":
            return shipment
        if shipment.status != "created":
            log.warning(
                "order cancelled after its shipment left",
                order_id=command.order_id,
                shipment_id=shipment.id,
                status=shipment.status,
            )
            return shipment
        record_status(uow, shipment, "cancelled", actor=command.actor, at=now, note=command.note)
        return shipment
