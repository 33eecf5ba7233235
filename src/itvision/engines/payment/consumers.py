"""What payment reacts to: an order placed (what it costs, how it is paid), its stock reserved
(it may be paid), cancelled (close open payments, give back what was paid), refunded (give
that amount back), and a cash-on-delivery order delivered with the cash collected (paid); and
a group buy's participations: joined (payable), left or expired (given back), and the group's
orders (settled from the participations' payments, see `services.participations`).
Each handler turns the event into a command and runs its use case in the unit of work that
also marks the event applied (see `services.orders` for the order they may arrive in)."""

from __future__ import annotations

from itvision.engines.groupbuy.events import GroupExpired, ParticipantJoined, ParticipantLeft
from itvision.engines.inventory.events import ReservationConfirmed
from itvision.engines.order.events import OrderCancelled, OrderPlaced, OrderRefunded
from itvision.engines.payment.commands import (
    CancelOrder,
    CancelParticipations,
    MarkOrderPayable,
    RecordOrder,
    RecordParticipation,
    RefundOrder,
    SettleCashOnDelivery,
    SettleGroupOrder,
)
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.services import orders, participations
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
    if order.participation_id is not None:
        settle = SettleGroupOrder(order.order_id, order.participation_id, order.group_id)
        await participations.settle_group_order(uow, settle)


@GROUP.on("groupbuy.participant.joined")
async def know_participation(event: Event[ParticipantJoined], uow: UnitOfWork) -> None:
    joined = event.payload
    if joined.participation_id is None or joined.amount_due is None:
        return  # a join written before participations were paid through payment
    command = RecordParticipation(
        participation_id=joined.participation_id,
        group_id=joined.group_id,
        customer_id=joined.customer_id,
        amount=joined.amount_due,
        currency=joined.currency,
        method=joined.payment_method or "wave",
        pay_by=joined.pay_by,
        joined_at=joined.joined_at,
    )
    await participations.record_participation(uow, command)


@GROUP.on("groupbuy.participant.left")
async def give_back_participation(event: Event[ParticipantLeft], uow: UnitOfWork) -> None:
    left = event.payload
    command = CancelParticipations((left.participation_id,), left.left_at)
    await participations.cancel_participations(uow, command)


@GROUP.on("groupbuy.group.expired")
async def give_back_group(event: Event[GroupExpired], uow: UnitOfWork) -> None:
    expired = event.payload
    ids = tuple(p.participation_id for p in expired.participants if p.participation_id)
    await participations.cancel_participations(uow, CancelParticipations(ids, expired.expired_at))


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
