"""Refunds after delivery (a return, damaged goods, a commercial gesture): staff say which
goods came back and/or how much is given back (`rules.refunds`); the order becomes
`refunded` or `partially_refunded` and `order.order.refunded` tells payment to pay it back,
billing to issue a credit note and inventory to restock what came back."""

from __future__ import annotations

import uuid

from itvision.engines.order.commands import RefundOrder
from itvision.engines.order.events import SOURCE, OrderRefunded, RefundedLine
from itvision.engines.order.models import Order, Refund
from itvision.engines.order.rules import lifecycle, refunds
from itvision.engines.order.rules import timeline as says
from itvision.engines.order.services.order_book import OrderBook, status_of
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def refund_order(on: Runner, command: RefundOrder) -> Refund:
    """409 `invalid_transition` before delivery (cancel instead); 409 on `amount` or a line's
    `quantity` beyond what is left; 422 on a line the order does not have."""
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.lock(command.order_id)
        if order is None:
            raise NotFound("order not found", field="order_id")
        # Refunds follow a delivery (before it, the order is cancelled instead); a partial
        # refund may be followed by others.
        lifecycle.ensure_transition(status_of(order), "refunded")
        decision = refunds.decide_refund(
            order.total,
            order.refunded_total,
            [
                refunds.SoldLine(
                    line.sku, line.quantity, line.unit_price, line.discount, line.refunded_quantity
                )
                for line in order.lines
            ],
            [(line.sku, line.quantity) for line in command.lines],
            command.amount,
        )
        book.move(order, decision.status)
        _count_returned(order, command)
        order.refunded_total += decision.amount
        refund = Refund(
            id=str(uuid.uuid4()),
            order_id=order.id,
            amount=decision.amount,
            reason=command.reason,
            is_partial=decision.is_partial,
            lines=[{"sku": line.sku, "quantity": line.quantity} for line in command.lines],
            note=command.note,
            requested_by=command.actor,
            requested_at=book.now,
        )
        uow.session.add(refund)
        book.emit(
            order,
            OrderRefunded(
                order_id=order.id,
                customer_id=order.customer_id,
                refund_id=refund.id,
                amount=decision.amount,
                currency=order.currency,
                is_partial=decision.is_partial,
                lines=[
                    RefundedLine(sku=line.sku, quantity=line.quantity) for line in command.lines
                ],
                reason=command.reason,
                refunded_at=book.now,
            ),
            says.refunded(decision.amount, decision.is_partial, command.reason),
        )
        return refund


def _count_returned(order: Order, command: RefundOrder) -> None:
    by_sku = {line.sku: line for line in order.lines}
    for returned in command.lines:
        by_sku[returned.sku].refunded_quantity += returned.quantity
