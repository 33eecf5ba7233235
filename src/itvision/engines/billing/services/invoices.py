"""Invoices: one per confirmed order, numbered `FAC-<year>-<n>` without gap in the transaction
that issues it; its payments; the notice of a business invoice unpaid past its due date.

Out of order (topics have no order between them on Kafka): a confirmation seen before the
order was placed raises NotYet and waits, parked. A payment seen before the invoice (the usual
order: an order is confirmed once paid) is kept and settles the invoice when it is issued. A
payment of an order cancelled before it was ever invoiced settles nothing here (the payment
engine refunds it)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import structlog
from sqlalchemy import select, update

from itvision.engines.billing import queries
from itvision.engines.billing.commands import FlagOverdueInvoices, GenerateInvoice, RecordPayment
from itvision.engines.billing.events import (
    SOURCE,
    InvoiceGenerated,
    InvoiceOverdue,
    InvoicePaid,
)
from itvision.engines.billing.models import (
    Cancellation,
    Invoice,
    InvoicePayment,
    OverdueNotice,
    PlacedOrder,
    Quote,
)
from itvision.engines.billing.rules import states
from itvision.engines.billing.rules.amounts import vat_part
from itvision.engines.billing.rules.numbering import INVOICE
from itvision.engines.billing.services.credit_notes import CANCELLATION, CreditNoteBook
from itvision.engines.billing.services.numbering import DocumentNumbers
from itvision.engines.billing.settings import BillingSettings
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.money import VAT_RATE
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

log = structlog.get_logger("itvision.billing")


async def generate_invoice(on: Runner, command: GenerateInvoice) -> Invoice:
    """The order's invoice: issued now, or the one it already has."""
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        # Locked first: a second confirmation of the order, at the same time, waits here and
        # then finds the invoice (PostgreSQL; SQLite write transactions take turns).
        order = await session.scalar(
            select(PlacedOrder).where(PlacedOrder.order_id == command.order_id).with_for_update()
        )
        existing = await session.scalar(select(Invoice).where(Invoice.order_id == command.order_id))
        if existing is not None:
            return existing
        if order is None:
            raise NotYet(f"order {command.order_id} was confirmed before it was placed")
        settings = uow.settings_of(BillingSettings)
        quote = await session.get(Quote, order.quote_id) if order.quote_id else None
        is_business = bool(quote is not None and quote.buyer.get("company"))
        now = utcnow()
        vat = order.vat_total or vat_part(order.total)
        invoice = Invoice(
            id=str(uuid.uuid4()),
            number=await DocumentNumbers(session).take(INVOICE, now.year),
            order_id=order.order_id,
            customer_id=order.customer_id,
            quote_id=order.quote_id,
            is_business=is_business,
            seller=settings.seller(),
            buyer=_buyer(order, quote),
            lines=[_invoice_line(line) for line in order.lines],
            subtotal=order.subtotal,
            discount_total=order.discount_total,
            shipping_fee=order.shipping_fee,
            amount_excl_vat=order.total - vat,
            vat_rate=VAT_RATE,
            vat_amount=vat,
            total=order.total,
            currency=order.currency,
            payment_method=order.payment_method,
            issued_at=now,
            due_at=states.due_at(
                now,
                is_business=is_business,
                due_days=settings.invoice_due_days,
                terms_days=settings.payment_terms_days,
            ),
            verification_token=secrets.token_urlsafe(18),
        )
        session.add(invoice)
        await session.flush()
        uow.emit(
            InvoiceGenerated(
                invoice_id=invoice.id,
                invoice_number=invoice.number,
                order_id=invoice.order_id,
                customer_id=invoice.customer_id,
                quote_id=invoice.quote_id,
                subtotal=invoice.amount_excl_vat,
                vat_rate=invoice.vat_rate,
                vat_amount=invoice.vat_amount,
                total=invoice.total,
                currency=invoice.currency,
                issued_at=invoice.issued_at,
                due_at=invoice.due_at,
                document_url=f"{settings.public_url}/api/billing/invoices/{invoice.id}/pdf",
            )
        )
        # Payments recorded before the invoice are linked to it by one UPDATE … RETURNING.
        waiting = await session.scalars(
            update(InvoicePayment)
            .where(InvoicePayment.order_id == order.order_id, InvoicePayment.invoice_id.is_(None))
            .values(invoice_id=invoice.id)
            .returning(InvoicePayment)
        )
        for payment in waiting:
            _paid(uow, invoice, payment)
        if await session.get(Cancellation, order.order_id) is not None:
            # Cancelled after it was confirmed, the cancellation seen first.
            await CreditNoteBook(uow, now).issue(
                invoice, cause=CANCELLATION, reason="refund", asked=None
            )
        return invoice


async def record_payment(on: Runner, command: RecordPayment) -> InvoicePayment | None:
    """The payment of an order (once per payment): `billing.invoice.paid` if the order is
    invoiced, else when it is."""
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        known = await session.get(InvoicePayment, command.payment_id)
        if known is not None:
            return known
        invoice = await session.scalar(select(Invoice).where(Invoice.order_id == command.order_id))
        if invoice is None and await session.get(Cancellation, command.order_id) is not None:
            log.info(
                "payment of an order cancelled before it was invoiced",
                order_id=command.order_id,
                payment_id=command.payment_id,
            )
            return None
        payment = InvoicePayment(
            payment_id=command.payment_id,
            order_id=command.order_id,
            invoice_id=invoice.id if invoice is not None else None,
            amount=command.amount,
            method=command.method,
            paid_at=command.paid_at,
        )
        session.add(payment)
        if invoice is not None:
            _paid(uow, invoice, payment)
        return payment


def _paid(uow: UnitOfWork, invoice: Invoice, payment: InvoicePayment) -> None:
    uow.emit(
        InvoicePaid(
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            order_id=invoice.order_id,
            customer_id=invoice.customer_id,
            amount_paid=payment.amount,
            currency=invoice.currency,
            payment_id=payment.payment_id,
            payment_method=payment.method,
            paid_at=payment.paid_at,
        )
    )


async def flag_overdue_invoices(on: Runner, command: FlagOverdueInvoices) -> int:
    """Announce each business invoice unpaid a full day past its due date, once; returns how
    many were announced."""
    now = command.now or utcnow()
    async with unit_of_work(on, SOURCE) as uow:
        flagged = 0
        for view in await queries.invoices.overdue_unnoticed(uow, now):
            invoice = view.invoice
            days = states.days_overdue(invoice.due_at, now)
            uow.session.add(
                OverdueNotice(invoice_id=invoice.id, days_overdue=days, notified_at=now)
            )
            uow.emit(
                InvoiceOverdue(
                    invoice_id=invoice.id,
                    invoice_number=invoice.number,
                    order_id=invoice.order_id,
                    customer_id=invoice.customer_id,
                    amount_due=view.balance_due,
                    currency=invoice.currency,
                    due_at=invoice.due_at,
                    days_overdue=days,
                )
            )
            flagged += 1
        return flagged


def _buyer(order: PlacedOrder, quote: Quote | None) -> dict[str, Any]:
    """Who the invoice is made out to: the quote's buyer (a company, its NINEA), else the
    recipient of the delivery, else the customer's account."""
    address = order.delivery_address or {}
    place = ", ".join(
        part
        for part in (address.get("address_line"), address.get("area"), address.get("city"))
        if part
    )
    buyer: dict[str, Any] = {
        "name": address.get("recipient_name") or order.customer_id,
        "phone": address.get("phone"),
        "address": place or None,
        "country": address.get("country"),
    }
    if quote is not None:
        known = {k: v for k, v in quote.buyer.items() if v}
        buyer = {**buyer, **known}
    return buyer


def _invoice_line(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "sku": line["sku"],
        "description": line["name"] or line["sku"],
        "quantity": line["quantity"],
        "unit_price": line["unit_price"],
        "discount": line["discount"],
        "amount": line["quantity"] * line["unit_price"] - line["discount"],
    }
