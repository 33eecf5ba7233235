"""How payment follows an order's life (the order, inventory and shipping engines' events),
whatever order those events arrive in:

- placed: what the order costs, how it is paid, by whom (the row may already exist, made by a
  reservation or a cancellation seen first);
- reservation confirmed: the order may be paid;
- cancelled: its open payments are cancelled (their sessions closed by a job) and what was paid
  is given back;
- refunded: that amount is given back; parked (NotYet) until a payment of the order succeeded
  (a cash-on-delivery order's is recorded at delivery, on another topic);
- delivered with cash collected, for a cash-on-delivery order: the payment succeeded; parked
  until the order is known to be placed.

Each step is idempotent: the same event twice finds its effect already there.
"""

from __future__ import annotations

import structlog

from itvision.engines.payment.commands import (
    CancelOrder,
    MarkOrderPayable,
    RecordOrder,
    RefundOrder,
    SettleCashOnDelivery,
)
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Payment, PaymentOrder
from itvision.engines.payment.rules.states import OPEN, Outcome
from itvision.engines.payment.services.book import PaymentBook, new_id
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.payment")


async def record_order(on: Runner, command: RecordOrder) -> PaymentOrder:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id, create=True)
        assert order is not None
        order.customer_id = command.customer_id
        order.amount = command.amount
        order.currency = command.currency
        order.method = command.method
        order.pay_by = command.pay_by
        order.placed_at = command.placed_at
        order.updated_at = book.now
        return order


async def mark_order_payable(on: Runner, command: MarkOrderPayable) -> PaymentOrder:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id, create=True)
        assert order is not None
        if order.reserved_at is None:
            order.reserved_at = command.reserved_at
            order.updated_at = book.now
        return order


async def cancel_order(on: Runner, command: CancelOrder) -> PaymentOrder:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id, create=True)
        assert order is not None
        if order.cancelled_at is None:
            order.cancelled_at = command.cancelled_at
            order.updated_at = book.now
        for payment in await book.payments_of(command.order_id):
            if payment.status in OPEN:
                payment.status = "cancelled"
                payment.updated_at = book.now
            elif payment.status == "succeeded":
                await book.queue_refund(payment, payment.amount, cause=f"cancelled:{payment.id}")
        return order


async def refund_order(on: Runner, command: RefundOrder) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        await book.order(command.order_id)
        paid = [p for p in await book.payments_of(command.order_id) if p.status == "succeeded"]
        if not paid:
            raise NotYet(f"order {command.order_id} has no succeeded payment yet", field="order_id")
        # From the payment with the most left to give back (a second payment is rare).
        payment = max(paid, key=lambda p: p.amount - p.refunded)
        await book.queue_refund(
            payment,
            command.amount,
            cause=f"refund:{command.order_refund_id}",
            order_refund_id=command.order_refund_id,
        )


async def settle_cash_on_delivery(on: Runner, command: SettleCashOnDelivery) -> Payment | None:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id)
        if order is None or order.placed_at is None:
            raise NotYet(f"order {command.order_id} is not known yet", field="order_id")
        if order.method != "cash_on_delivery":
            return None
        if not command.cash_collected:
            log.warning("cash-on-delivery order delivered without cash", order_id=order.order_id)
            return None
        existing = [p for p in await book.payments_of(order.order_id) if p.method == order.method]
        if existing:
            return existing[0]
        if command.cash_collected != order.amount:
            log.warning(
                "the courier collected another amount",
                order_id=order.order_id,
                collected=command.cash_collected,
                total=order.amount,
            )
        payment = Payment(
            id=new_id("pay"),
            order_id=order.order_id,
            customer_id=command.customer_id,
            amount=command.cash_collected,
            currency=command.currency,
            method=order.method,
            status="pending",
            requested_by=SOURCE,
            idempotency_key=f"delivery:{command.shipment_id}",
            provider_reference=f"shipment:{command.shipment_id}",
            fee=0,
            refunded=0,
            created_at=book.now,
            updated_at=book.now,
        )
        uow.session.add(payment)
        await book.settle(payment, Outcome("succeeded"))
        return payment
