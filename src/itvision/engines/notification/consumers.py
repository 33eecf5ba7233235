"""What the notification engine reacts to: an order's life, a failed payment, an invoice, a
shipment out for delivery, loyalty and group-buy news, a watched product back in stock. Each
handler turns the event into a `Notify` (kind, customer, the template's variables) and
queues the message in the event's unit of work; the sender sends it right after the commit.

Out of order: an order's news that arrives before `order.order.placed` (which brings the
delivery phone) for a customer we know nothing of is parked (`NotYet`) until it comes."""

from __future__ import annotations

from typing import Any

from itvision.engines.billing.events import InvoiceGenerated
from itvision.engines.groupbuy.events import (
    GroupClosed,
    GroupExpired,
    ParticipantJoined,
    ParticipantLeft,
    ThresholdReached,
)
from itvision.engines.inventory.events import StockUpdated
from itvision.engines.loyalty.events import (
    PointsEarned,
    PointsExpiring,
    RewardUnlocked,
    TierUpgraded,
)
from itvision.engines.notification import queries
from itvision.engines.notification.commands import JoinGroup, LearnPhone, Notify, TellWatchers
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.rules.stock import back_in_stock
from itvision.engines.notification.rules.templates import Money, Value
from itvision.engines.notification.services import messages, watches
from itvision.engines.order.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
)
from itvision.engines.payment.events import PaymentFailed, RefundCompleted
from itvision.engines.shipping.events import ShipmentUpdated
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


async def _notify(
    uow: UnitOfWork,
    event: Event[Any],
    customer_id: str,
    kind: str,
    variables: dict[str, Value],
    order_id: str | None = None,
    *,
    known_only: str | None = None,
) -> None:
    await messages.notify_customer(
        uow,
        Notify(str(event.envelope.id), customer_id, kind, variables, order_id),
        known_only=known_only,
    )


async def _order_news(
    uow: UnitOfWork,
    event: Event[Any],
    customer_id: str,
    order_id: str,
    kind: str,
    variables: dict[str, Value],
) -> None:
    await _notify(
        uow,
        event,
        customer_id,
        kind,
        {"order_id": order_id, **variables},
        order_id,
        known_only=f"order {order_id} placed not seen yet: no way to reach {customer_id}",
    )


@GROUP.on("order.order.placed")
async def order_placed(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    address = order.delivery_address
    await messages.learn_phone(
        uow,
        LearnPhone(
            order.customer_id,
            address.phone if address else "",
            address.country if address else "SN",
        ),
    )
    await _notify(
        uow,
        event,
        order.customer_id,
        "order_placed",
        {"order_id": order.order_id, "total": Money(order.total, order.currency)},
        order.order_id,
    )


@GROUP.on("order.order.confirmed")
async def order_confirmed(event: Event[OrderConfirmed], uow: UnitOfWork) -> None:
    o = event.payload
    await _order_news(
        uow,
        event,
        o.customer_id,
        o.order_id,
        "order_confirmed",
        {"total": Money(o.total, o.currency)},
    )


@GROUP.on("order.order.shipped")
async def order_shipped(event: Event[OrderShipped], uow: UnitOfWork) -> None:
    o = event.payload
    await _order_news(
        uow,
        event,
        o.customer_id,
        o.order_id,
        "order_shipped",
        {"carrier": o.carrier, "tracking_number": o.tracking_number},
    )


@GROUP.on("order.order.delivered")
async def order_delivered(event: Event[OrderDelivered], uow: UnitOfWork) -> None:
    o = event.payload
    await _order_news(
        uow, event, o.customer_id, o.order_id, "order_delivered", {"delivered_at": o.delivered_at}
    )


@GROUP.on("order.order.cancelled")
async def order_cancelled(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    o = event.payload
    await _order_news(
        uow,
        event,
        o.customer_id,
        o.order_id,
        "order_cancelled",
        {"reason": o.note or CANCEL_REASONS.get(o.reason, o.reason)},
    )


CANCEL_REASONS = {
    "out_of_stock": "rupture de stock",
    "payment_failed": "paiement refusé",
    "expired": "paiement non reçu à temps",
    "customer_request": "à votre demande",
}


@GROUP.on("payment.payment.failed")
async def payment_failed(event: Event[PaymentFailed], uow: UnitOfWork) -> None:
    p = event.payload
    if p.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    await _order_news(
        uow,
        event,
        p.customer_id,
        p.order_id,
        "payment_failed",
        {"amount": Money(p.amount, p.currency), "reason": p.reason},
    )


@GROUP.on("billing.invoice.generated")
async def invoice_generated(event: Event[InvoiceGenerated], uow: UnitOfWork) -> None:
    i = event.payload
    await _order_news(
        uow,
        event,
        i.customer_id,
        i.order_id,
        "invoice_available",
        {
            "invoice_number": i.invoice_number,
            "total": Money(i.total, i.currency),
            "document_url": i.document_url,
        },
    )


@GROUP.on("shipping.shipment.updated")
async def shipment_updated(event: Event[ShipmentUpdated], uow: UnitOfWork) -> None:
    s = event.payload
    if s.status == "out_for_delivery":
        await _order_news(uow, event, s.customer_id, s.order_id, "order_out_for_delivery", {})


@GROUP.on("loyalty.points.earned")
async def points_earned(event: Event[PointsEarned], uow: UnitOfWork) -> None:
    p = event.payload
    if p.status == "pending":
        # Not spendable until the order is delivered: the customer hears of them then.
        return
    await _notify(
        uow,
        event,
        p.customer_id,
        "points_earned",
        {"points": p.points, "balance": p.balance},
        p.order_id,
    )


@GROUP.on("loyalty.tier.upgraded")
async def tier_upgraded(event: Event[TierUpgraded], uow: UnitOfWork) -> None:
    await _notify(
        uow, event, event.payload.customer_id, "tier_upgraded", {"tier": str(event.payload.tier)}
    )


@GROUP.on("loyalty.reward.unlocked")
async def reward_unlocked(event: Event[RewardUnlocked], uow: UnitOfWork) -> None:
    r = event.payload
    await _notify(uow, event, r.customer_id, "reward_unlocked", {"reward": r.kind, "code": r.code})


@GROUP.on("loyalty.points.expiring")
async def points_expiring(event: Event[PointsExpiring], uow: UnitOfWork) -> None:
    p = event.payload
    variables: dict[str, Value] = {"points": p.points, "expires_at": p.expires_at}
    await _notify(uow, event, p.customer_id, "points_expiring", variables)


@GROUP.on("inventory.stock.updated")
async def stock_updated(event: Event[StockUpdated], uow: UnitOfWork) -> None:
    s = event.payload
    if back_in_stock(s.quantity_available, s.delta, s.reserved_delta):
        await watches.tell_watchers(uow, TellWatchers(str(event.envelope.id), s.sku))


@GROUP.on("groupbuy.participant.joined")
async def group_joined(event: Event[ParticipantJoined], uow: UnitOfWork) -> None:
    j = event.payload
    await messages.join_group(uow, JoinGroup(j.group_id, j.customer_id))
    await _notify(
        uow,
        event,
        j.customer_id,
        "group_joined",
        {"group_id": j.group_id, "participants": j.participant_count},
    )


@GROUP.on("groupbuy.threshold.reached")
async def group_tier_reached(event: Event[ThresholdReached], uow: UnitOfWork) -> None:
    t = event.payload
    price = Money(t.unit_price, t.currency)
    for customer_id in await queries.group_members(uow, t.group_id):
        await _notify(
            uow,
            event,
            customer_id,
            "group_tier_reached",
            {"group_id": t.group_id, "unit_price": price},
        )


@GROUP.on("groupbuy.group.closed")
async def group_closed(event: Event[GroupClosed], uow: UnitOfWork) -> None:
    g = event.payload
    price = Money(g.final_unit_price, g.currency)
    for customer_id in dict.fromkeys(p.customer_id for p in g.participants):
        await _notify(
            uow, event, customer_id, "group_closed", {"group_id": g.group_id, "unit_price": price}
        )


@GROUP.on("groupbuy.participant.left")
async def group_left(event: Event[ParticipantLeft], uow: UnitOfWork) -> None:
    left = event.payload
    await _notify(uow, event, left.customer_id, "group_left", {"group_id": left.group_id})


@GROUP.on("payment.refund.completed")
async def group_refunded(event: Event[RefundCompleted], uow: UnitOfWork) -> None:
    refund = event.payload
    if refund.participation_id is None:
        return  # an order's refund: its credit note and timeline tell the customer
    await _notify(
        uow, event, refund.customer_id, "group_refunded", {"amount": Money(refund.amount)}
    )


@GROUP.on("groupbuy.group.expired")
async def group_expired(event: Event[GroupExpired], uow: UnitOfWork) -> None:
    g = event.payload
    for customer_id in dict.fromkeys(p.customer_id for p in g.participants):
        await _notify(uow, event, customer_id, "group_expired", {"group_id": g.group_id})
