"""What payment reacts to: an order placed (what it costs, how it is paid), its stock reserved
(it may be paid), cancelled (close open payments, give back what was paid), refunded (give
that amount back), and a cash-on-delivery order delivered with the cash collected (paid).
Each handler turns the event into a command and runs its use case in the unit of work that
also marks the event applied (see `services.orders` for the order they may arrive in)."""

from __future__ import annotations

from itvision.engines.inventory.events import ReservationConfirmed
from itvision.engines.order.events import OrderCancelled, OrderPlaced, OrderRefunded
from itvision.engines.payment.commands import (
    CancelOrder,
    MarkOrderPayable,
    RecordOrder,
    RefundOrder,
    SettleCashOnDelivery,
)
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.services import orders
from itvision.engines.shipping.events import ShipmentDelivered
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


@GROUP.on("order.order.placed")
async def know_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    command = RecordOrder(
        order_id=order.order_id,
        customer_id=order.customer_id,
        amount=order.total,
        currency=order.currency,
        method=order.payment_method,
        pay_by=order.pay_by,
        placed_at=order.placed_at,
    )
    await orders.record_order(uow, command)


@GROUP.on("inventory.reservation.confirmed")
async def open_payment(event: Event[ReservationConfirmed], uow: UnitOfWork) -> None:
    reservation = event.payload
    command = MarkOrderPayable(reservation.order_id, reservation.confirmed_at)
    await orders.mark_order_payable(uow, command)


@GROUP.on("order.order.cancelled")
async def close_payments(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    cancelled = event.payload
    await orders.cancel_order(uow, CancelOrder(cancelled.order_id, cancelled.cancelled_at))


@GROUP.on("order.order.refunded")
async def pay_back(event: Event[OrderRefunded], uow: UnitOfWork) -> None:
    refund = event.payload
    command = RefundOrder(refund.order_id, refund.refund_id, refund.amount)
    await orders.refund_order(uow, command)


@GROUP.on("shipping.shipment.delivered")
async def collect_cash(event: Event[ShipmentDelivered], uow: UnitOfWork) -> None:
    delivered = event.payload
    command = SettleCashOnDelivery(
        order_id=delivered.order_id,
        customer_id=delivered.customer_id,
        shipment_id=delivered.shipment_id,
        cash_collected=delivered.cash_collected,
        currency=delivered.currency,
        delivered_at=delivered.delivered_at,
    )
    await orders.settle_cash_on_delivery(uow, command)
