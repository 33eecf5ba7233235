"""Billing follows the orders and their payments through real events on the log, in any order
between topics: a confirmed order is invoiced once, a payment marks its invoice paid, a
cancellation or a refund of an invoiced order gives a credit note. Confirmed before placed,
and paid before invoiced, wait (parked) for what they need."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from itvision.engines.billing import invoice_of_order
from itvision.engines.billing.models import Invoice, IssuedDocumentChanged
from itvision.engines.order.events import RefundedLine
from tests.conftest import COMBINATIONS
from tests.engines.billing.support import (
    CUSTOMER,
    TOTAL,
    VAT,
    cancel,
    confirm,
    pay,
    place,
    published,
    refund,
    settled,
)


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_an_order_paid_before_its_confirmation_is_invoiced_then_marked_paid(system):
    # The saga's own order for Wave: placed, paid, then confirmed.
    await place(system, "CMD-1")
    await pay(system, "CMD-1")
    await settled(system)  # the payment is kept for the invoice, not parked
    assert await published(system, "billing.invoice.paid") == []
    await confirm(system, "CMD-1")
    await settled(system)

    [generated] = await published(system, "billing.invoice.generated")
    year = generated["issuedAt"][:4]
    assert generated["invoiceNumber"] == f"FAC-{year}-000001"
    assert (generated["orderId"], generated["customerId"]) == ("CMD-1", CUSTOMER)
    assert (generated["total"], generated["vatAmount"], generated["subtotal"]) == (
        TOTAL,
        VAT,
        TOTAL - VAT,
    )
    assert generated["vatRate"] == 0.18
    assert generated["documentUrl"].endswith(f"/api/billing/invoices/{generated['invoiceId']}/pdf")
    [paid] = await published(system, "billing.invoice.paid")
    assert paid["invoiceNumber"] == generated["invoiceNumber"]
    assert (paid["amountPaid"], paid["paymentMethod"], paid["paymentId"]) == (
        TOTAL,
        "wave",
        "pay-CMD-1",
    )
    summary = await invoice_of_order(system, "CMD-1")
    assert (summary.number, summary.status, summary.total) == (
        generated["invoiceNumber"],
        "paid",
        TOTAL,
    )


async def test_a_confirmation_before_the_order_waits_for_it(system):
    await confirm(system, "CMD-2")
    await settled(system, parked=1)
    assert await published(system, "billing.invoice.generated") == []
    await place(system, "CMD-2")
    await settled(system)
    [generated] = await published(system, "billing.invoice.generated")
    assert generated["orderId"] == "CMD-2"


async def test_each_order_is_invoiced_once_whatever_is_delivered_twice(system):
    await place(system, "CMD-3")
    await place(system, "CMD-3")
    await confirm(system, "CMD-3")
    await confirm(system, "CMD-3")
    await pay(system, "CMD-3")
    await pay(system, "CMD-3")  # the same payment again
    await settled(system)
    assert len(await published(system, "billing.invoice.generated")) == 1
    assert len(await published(system, "billing.invoice.paid")) == 1
    async with system.db.reads() as session:
        assert await session.scalar(select(func.count()).select_from(Invoice)) == 1


async def test_the_invoice_keeps_the_order_as_it_was_sold(system):
    await place(system, "CMD-4", payment_method="cash_on_delivery")
    await confirm(system, "CMD-4")
    await settled(system)
    async with system.db.reads() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.order_id == "CMD-4"))
    assert invoice.lines == [
        {
            "sku": "HP-840-G8",
            "description": "HP EliteBook 840 G8",
            "quantity": 2,
            "unit_price": 300_000,
            "discount": 10_000,
            "amount": 590_000,
        },
        {
            "sku": "MOUSE-M185",
            "description": "Souris Logitech M185",
            "quantity": 1,
            "unit_price": 15_000,
            "discount": 0,
            "amount": 15_000,
        },
    ]
    assert (invoice.subtotal, invoice.discount_total, invoice.shipping_fee) == (
        615_000,
        10_000,
        4_400,
    )
    assert (invoice.amount_excl_vat, invoice.vat_amount, invoice.total) == (
        516_441,
        92_959,
        TOTAL,
    )
    assert invoice.buyer == {
        "name": "Awa Ndiaye",
        "phone": "+221 77 123 45 67",
        "address": "Villa 12, rue MZ-45, Mermoz, Dakar",
        "country": "SN",
    }
    assert invoice.seller["name"] == "IT Vision SARL" and invoice.seller["ninea"]
    assert (invoice.is_business, invoice.due_at) == (False, invoice.issued_at)


async def test_an_issued_invoice_is_never_changed(system):
    await place(system, "CMD-5")
    await confirm(system, "CMD-5")
    await settled(system)
    async with system.db.writes() as session:
        invoice = await session.scalar(select(Invoice))
        invoice.total = 1
        with pytest.raises(IssuedDocumentChanged):
            await session.flush()
        await session.rollback()
        with pytest.raises(IssuedDocumentChanged):
            await session.delete(await session.scalar(select(Invoice)))
            await session.flush()


async def test_a_cancelled_invoiced_order_is_credited_in_full_once(system):
    await place(system, "CMD-6")
    await confirm(system, "CMD-6")
    await cancel(system, "CMD-6")
    await cancel(system, "CMD-6")
    await settled(system)
    [invoice] = await published(system, "billing.invoice.generated")
    [credit] = await published(system, "billing.credit.issued")
    assert credit["creditNoteNumber"] == f"AV-{invoice['issuedAt'][:4]}-000001"
    assert (credit["invoiceNumber"], credit["amount"], credit["reason"]) == (
        invoice["invoiceNumber"],
        TOTAL,
        "refund",
    )
    assert credit["orderRefundId"] is None
    assert (await invoice_of_order(system, "CMD-6")).status == "credited"


async def test_an_order_cancelled_before_it_was_confirmed_gets_no_invoice(system):
    await place(system, "CMD-7")
    await cancel(system, "CMD-7")
    await pay(system, "CMD-7")  # a late payment: the payment engine refunds it
    await settled(system)
    assert await published(system, "billing.invoice.generated") == []
    assert await published(system, "billing.invoice.paid") == []
    assert await published(system, "billing.credit.issued") == []


async def test_a_cancellation_seen_before_the_confirmation_credits_the_invoice_at_once(system):
    await place(system, "CMD-8")
    await cancel(system, "CMD-8")
    await confirm(system, "CMD-8")
    await settled(system)
    [invoice] = await published(system, "billing.invoice.generated")
    [credit] = await published(system, "billing.credit.issued")
    assert (credit["invoiceId"], credit["amount"]) == (invoice["invoiceId"], TOTAL)


async def test_refunds_are_credited_for_their_amount_then_the_cancellation_for_the_rest(system):
    await place(system, "CMD-9")
    await refund(
        system, "CMD-9", "RF-1", 15_000, lines=[RefundedLine(sku="MOUSE-M185", quantity=1)]
    )
    await settled(system, parked=1)  # refunded before invoiced: it waits
    await confirm(system, "CMD-9")
    await refund(system, "CMD-9", "RF-1", 15_000)  # the same refund again
    await settled(system)
    [first] = await published(system, "billing.credit.issued")
    assert (first["amount"], first["reason"], first["orderRefundId"]) == (15_000, "return", "RF-1")
    await cancel(system, "CMD-9")
    await settled(system)
    _, rest = await published(system, "billing.credit.issued")
    assert rest["amount"] == TOTAL - 15_000
    assert rest["creditNoteNumber"].endswith("-000002")
    await refund(system, "CMD-9", "RF-2", 10_000)  # nothing left to credit
    await settled(system)
    assert len(await published(system, "billing.credit.issued")) == 2
