"""A quote made out to a company becomes, once accepted and ordered, a business invoice: the
company's name and NINEA, due after the payment terms. Unpaid a day past that, the daily job
announces it overdue, once; a paid one never."""

from __future__ import annotations

from datetime import timedelta

from itvision.engines.billing.commands import FlagOverdueInvoices
from itvision.engines.billing.services.invoices import flag_overdue_invoices
from itvision.engines.order.events import OrderLine
from itvision.platform.events import utcnow
from tests.engines.billing.support import CUSTOMER, confirm, pay, place, published, settled
from tests.engines.billing.test_api import COMPANY_BUYER, quote_body


async def _ordered_quote(api, system, order_id: str) -> dict:
    quote = (await api.post("/api/billing/quotes", json=quote_body(), role="staff")).json()
    accepted = await api.post(
        f"/api/billing/quotes/{quote['id']}/accept",
        json={"payment_method": "cash_on_delivery"},
        role="customer",
        subject=CUSTOMER,
    )
    assert accepted.status_code == 200, accepted.text
    # What the order engine does with `billing.quote.accepted`: an order at the quoted prices.
    lines = [
        OrderLine(
            sku=line["sku"],
            product_id=line["product_id"],
            name=line["description"],
            quantity=line["quantity"],
            unit_price=round(line["net_unit_price"] * 1.18),
        )
        for line in quote["lines"]
    ]
    await place(
        system,
        order_id,
        quote_id=quote["id"],
        lines=lines,
        total=quote["total"],
        vat_total=quote["vat_amount"],
        payment_method="cash_on_delivery",
    )
    await confirm(system, order_id)
    await settled(system)
    return quote


async def test_a_quote_for_a_company_becomes_a_business_invoice_with_terms(api, catalog, system):
    quote = await _ordered_quote(api, system, "CMD-B2B")
    [invoice] = (await api.get("/api/billing/invoices", role="staff")).json()["items"]
    assert (invoice["is_business"], invoice["quote_id"], invoice["total"]) == (
        True,
        quote["id"],
        4_666_900,
    )
    assert invoice["buyer"]["company"] == COMPANY_BUYER["company"]
    assert invoice["buyer"]["ninea"] == COMPANY_BUYER["ninea"]
    assert invoice["vat_amount"] == quote["vat_amount"]
    issued, due = (invoice[k][:10] for k in ("issued_at", "due_at"))
    assert issued != due and invoice["status"] == "issued"
    read = await api.get(f"/api/billing/quotes/{quote['id']}", role="staff")
    assert read.json()["order_id"] == "CMD-B2B"
    pdf = await api.get(f"/api/billing/invoices/{invoice['id']}/pdf", role="staff")
    assert pdf.status_code == 200


async def test_an_unpaid_business_invoice_is_announced_overdue_once(api, catalog, system):
    await _ordered_quote(api, system, "CMD-LATE")
    await _ordered_quote(api, system, "CMD-PAID")
    await place(system, "CMD-RETAIL", payment_method="cash_on_delivery")  # a consumer's
    await confirm(system, "CMD-RETAIL")
    await pay(system, "CMD-PAID", 4_666_900)
    await settled(system)

    assert await flag_overdue_invoices(system, FlagOverdueInvoices()) == 0  # not due yet
    later = utcnow() + timedelta(days=33)
    assert await flag_overdue_invoices(system, FlagOverdueInvoices(now=later)) == 1
    assert await flag_overdue_invoices(system, FlagOverdueInvoices(now=later)) == 0
    [overdue] = await published(system, "billing.invoice.overdue")
    assert (overdue["orderId"], overdue["amountDue"], overdue["daysOverdue"]) == (
        "CMD-LATE",
        4_666_900,
        3,
    )
    listed = await api.get("/api/billing/invoices", params={"business": True}, role="staff")
    assert {i["order_id"]: i["status"] for i in listed.json()["items"]} == {
        "CMD-LATE": "issued",  # overdue only from 30 days on
        "CMD-PAID": "paid",
    }
    response = await api.post("/api/billing/overdue", role="staff")
    assert (response.status_code, response.json()) == (200, {"flagged": 0})
    assert (await api.post("/api/billing/overdue", role="customer")).status_code == 403
