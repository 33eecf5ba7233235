"""How an order follows the saga: what inventory, payment and shipping say about it.

Each answer is kept as a fact on the order (stock reserved, paid, dispatched, delivered) and
on its timeline, then the order advances as far as the facts allow (`rules.lifecycle`): a
payment confirmed before the stock was reserved waits, and the order is confirmed when the
reservation arrives. An answer about an order not placed yet raises NotYet (the event is
parked and tried again); an answer that comes after the order was cancelled is kept on the
timeline and changes nothing. A refusal of stock or a failed payment cancels the order
(`order.order.cancelled`), which releases its stock and gives its promotion codes back.
"""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.order.commands import (
    RecordDelivery,
    RecordDispatch,
    RecordPayment,
    RecordPaymentFailure,
    RecordRefundPayment,
    RecordRefusal,
    RecordReservation,
)
from itvision.engines.order.events import SOURCE
from itvision.engines.order.models import Order, Refund, TimelineEntry
from itvision.engines.order.rules import lifecycle
from itvision.engines.order.rules import timeline as says
from itvision.engines.order.services.order_book import OrderBook, progress_of, status_of
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


def _settle(book: OrderBook, order: Order, entry: TimelineEntry) -> None:
    """Advance the order; the entry of the event that made it move shows where it ended, and
    a status the customer has to act on (pay before the deadline)."""
    before = status_of(order)
    path = book.settle(order)
    entry.status = order.status
    if order.status == "awaiting_payment" and "awaiting_payment" in path:
        entry.summary += " — " + says.awaiting_payment(order.pay_by)
    elif not path and before in ("cancelled", "refunded"):
        entry.summary = says.without_effect(entry.summary, before)


async def record_reservation(on: Runner, command: RecordReservation) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        if order.reserved_at is None:
            order.reservation_id = command.reservation_id
            order.reserved_at = command.said.at
        _settle(book, order, book.write(order, command.said, says.stock_reserved()))
        return order


async def record_refusal(on: Runner, command: RecordRefusal) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        entry = book.write(order, command.said, command.reason)
        if lifecycle.cancels_on_refusal(status_of(order)):
            book.cancel(order, "out_of_stock", "system", command.reason)
            entry.status = order.status
        else:
            entry.summary = says.without_effect(entry.summary, status_of(order))
        return order


async def record_payment(on: Runner, command: RecordPayment) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        if order.paid_at is None:
            order.payment_id = command.payment_id
            order.paid_amount = command.amount
            order.paid_at = command.said.at
        summary = says.payment_received(command.amount, command.method, command.provider_reference)
        _settle(book, order, book.write(order, command.said, summary))
        return order


async def record_payment_failure(on: Runner, command: RecordPaymentFailure) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        entry = book.write(order, command.said, says.payment_failed(command.reason, command.method))
        if lifecycle.cancels_on_payment_failure(status_of(order), progress_of(order)):
            book.cancel(order, "payment_failed", "system", None)
            entry.status = order.status
        else:
            entry.summary = says.without_effect(entry.summary, status_of(order))
        return order


async def record_dispatch(on: Runner, command: RecordDispatch) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        order.shipment_id = command.shipment_id
        order.carrier = command.carrier
        order.tracking_number = command.tracking_number
        order.estimated_delivery_at = command.estimated_delivery_at
        if order.dispatched_at is None:
            order.dispatched_at = command.said.at
        summary = says.dispatched(command.carrier, command.tracking_number)
        _settle(book, order, book.write(order, command.said, summary))
        return order


async def record_delivery(on: Runner, command: RecordDelivery) -> Order:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        order.shipment_id = order.shipment_id or command.shipment_id
        if order.delivered_at is None:
            order.delivered_at = command.said.at
        summary = says.delivered(command.cash_collected)
        _settle(book, order, book.write(order, command.said, summary))
        return order


async def record_refund_payment(on: Runner, command: RecordRefundPayment) -> Order:
    """Money went back to the customer: the return it pays (if any) is settled, and the order
    keeps how much it paid back in all. Once per refund of the payment engine."""
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.known(command.order_id)
        seen = await uow.session.scalar(
            select(TimelineEntry.id).where(
                TimelineEntry.order_id == order.id,
                TimelineEntry.event_id == command.said.event_id,
            )
        )
        if seen is not None:  # the same event again (a replay): paid back once
            return order
        if command.order_refund_id is not None:
            refund = await uow.session.get(Refund, command.order_refund_id)
            if refund is not None and refund.order_id == order.id:
                refund.payment_refund_id = command.payment_refund_id
                refund.completed_at = command.said.at
        order.paid_back_total += command.amount
        order.updated_at = book.now
        summary = says.refund_paid(command.amount, command.method, command.manual, command.operator)
        book.write(order, command.said, summary)
        return order
