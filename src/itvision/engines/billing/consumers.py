"""What billing reacts to: the order's life (placed: kept to invoice it; confirmed: invoiced;
cancelled: credited in full if invoiced; refunded: credited for the amount) and its payments.
Each handler turns the event into a command and runs one use case in the unit of work that
also marks the event applied (once per event). An event that comes before what it needs (a
confirmation before the order, a refund before the invoice) raises NotYet in its use case and
waits, parked; a payment before the invoice is kept until the invoice is issued."""

from __future__ import annotations

from itvision.engines.billing.commands import (
    Address,
    CancelOrder,
    CreditRefund,
    GenerateInvoice,
    RecordOrder,
    RecordPayment,
    ReturnedLine,
    SoldLine,
)
from itvision.engines.billing.events import SOURCE
from itvision.engines.billing.services import credits, invoices, orders
from itvision.engines.order.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRefunded,
)
from itvision.engines.payment.events import PaymentSucceeded
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


@GROUP.on("order.order.placed")
async def keep_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    order = event.payload
    address = order.delivery_address
    command = RecordOrder(
        order_id=order.order_id,
        customer_id=order.customer_id,
        lines=tuple(
            SoldLine(
                sku=line.sku,
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount=line.discount,
            )
            for line in order.lines
        ),
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        shipping_fee=order.shipping_fee,
        vat_total=order.vat_total,
        total=order.total,
        currency=order.currency,
        payment_method=order.payment_method,
        delivery_method=order.delivery_method,
        delivery_address=Address(**address.model_dump()) if address else None,
        quote_id=order.quote_id,
        placed_at=order.placed_at,
    )
    await orders.record_order(uow, command)


@GROUP.on("order.order.confirmed")
async def invoice_order(event: Event[OrderConfirmed], uow: UnitOfWork) -> None:
    await invoices.generate_invoice(uow, GenerateInvoice(event.payload.order_id))


@GROUP.on("payment.payment.succeeded")
async def settle_invoice(event: Event[PaymentSucceeded], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is not None:
        return  # a group-buy participation's money, not an order's
    command = RecordPayment(
        payment_id=payment.payment_id,
        order_id=payment.order_id,
        amount=payment.amount,
        method=payment.method,
        paid_at=payment.succeeded_at,
    )
    await invoices.record_payment(uow, command)


@GROUP.on("order.order.cancelled")
async def credit_cancelled_order(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    cancelled = event.payload
    command = CancelOrder(
        order_id=cancelled.order_id,
        reason=cancelled.reason,
        note=cancelled.note,
        cancelled_at=cancelled.cancelled_at,
    )
    await orders.cancel_order(uow, command)


@GROUP.on("order.order.refunded")
async def credit_refund(event: Event[OrderRefunded], uow: UnitOfWork) -> None:
    refund = event.payload
    command = CreditRefund(
        order_id=refund.order_id,
        refund_id=refund.refund_id,
        amount=refund.amount,
        reason=refund.reason,
        lines=tuple(ReturnedLine(line.sku, line.quantity) for line in refund.lines),
    )
    await credits.credit_refund(uow, command)
