"""What billing keeps of an order's life (events of the order engine): the order as it was
placed (the invoice is made of it), and its cancellation, which credits its invoice in full
if it has one. A cancellation seen before the confirmation it follows (on Kafka, topics have
no order between them) is remembered: the invoice is credited as soon as it is issued."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from itvision.engines.billing.commands import CancelOrder, RecordOrder
from itvision.engines.billing.events import SOURCE
from itvision.engines.billing.models import Cancellation, CreditNote, Invoice, PlacedOrder, Quote
from itvision.engines.billing.services.credit_notes import CANCELLATION, CreditNoteBook
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def record_order(on: Runner, command: RecordOrder) -> PlacedOrder:
    """Keep a placed order (once: a placed order never changes); link it to its quote."""
    async with unit_of_work(on, SOURCE) as uow:
        known = await uow.session.get(PlacedOrder, command.order_id)
        if known is not None:
            return known
        order = PlacedOrder(
            order_id=command.order_id,
            customer_id=command.customer_id,
            lines=[asdict(line) for line in command.lines],
            subtotal=command.subtotal,
            discount_total=command.discount_total,
            shipping_fee=command.shipping_fee,
            vat_total=command.vat_total,
            total=command.total,
            currency=command.currency,
            payment_method=command.payment_method,
            delivery_method=command.delivery_method,
            delivery_address=asdict(command.delivery_address) if command.delivery_address else None,
            quote_id=command.quote_id,
            placed_at=command.placed_at,
        )
        uow.session.add(order)
        if command.quote_id is not None:
            quote = await uow.session.get(Quote, command.quote_id)
            if quote is not None and quote.order_id is None:
                quote.order_id = command.order_id
        return order


async def cancel_order(on: Runner, command: CancelOrder) -> CreditNote | None:
    """Remember the cancellation; an invoiced order gets a credit note for all its invoice
    still holds (once)."""
    async with unit_of_work(on, SOURCE) as uow:
        if await uow.session.get(Cancellation, command.order_id) is None:
            uow.session.add(
                Cancellation(
                    order_id=command.order_id,
                    reason=command.reason,
                    note=command.note,
                    cancelled_at=command.cancelled_at,
                )
            )
        invoice = await uow.session.scalar(
            select(Invoice).where(Invoice.order_id == command.order_id)
        )
        if invoice is None:
            return None
        book = CreditNoteBook(uow, utcnow())
        return await book.issue(invoice, cause=CANCELLATION, reason="refund", asked=None)
