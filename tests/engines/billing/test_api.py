"""The billing API as its users reach it: staff and customers make quotes, a customer accepts
their own; invoices and credit notes are read by their customer (someone else's answer 404)
and by staff; anyone holding a document's QR link may verify it, and learns nothing personal.
Bad input answers a problem naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from itvision.engines.billing.models import Quote
from itvision.platform.events import utcnow
from tests.engines.billing.support import (
    CUSTOMER,
    TOTAL,
    cancel,
    confirm,
    pay,
    place,
    published,
    settled,
)

COMPANY_BUYER = {
    "name": "Moussa Diop",
    "company": "Sonatel Business Solutions",
    "ninea": "005432198 2V2",
    "rccm": "SN-DKR-2015-B-4321",
    "phone": "+221 33 839 00 00",
    "address": "46 boulevard de la République, Dakar",
}


def quote_body(**overrides):
    body = {
        "customer_id": CUSTOMER,
        "buyer": COMPANY_BUYER,
        "lines": [
            {"sku": "HP-840-G8", "quantity": 10, "unit_price": 330_000, "discount_percent": 5},
            {"sku": "DELL-5440", "quantity": 2, "unit_price": 410_000, "description": "Dell 5440"},
        ],
        "note": "Livraison au siège, 3e étage.",
    }
    body.update(overrides)
    return body


async def _quote(api, role="staff", subject=None, **overrides):
    response = await api.post(
        "/api/billing/quotes", json=quote_body(**overrides), role=role, subject=subject
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_staff_make_a_quote_for_a_customer(api, catalog, system):
    quote = await _quote(api)
    year = quote["created_at"][:4]
    assert quote["number"] == f"DEV-{year}-000001"
    assert (quote["status"], quote["customer_id"], quote["created_by"]) == (
        "open",
        CUSTOMER,
        "staff",
    )
    first, second = quote["lines"]
    assert (first["product_id"], first["description"]) == (
        catalog["HP-840-G8"],
        "HP EliteBook 840 G8",
    )
    assert (first["net_unit_price"], first["amount"]) == (313_500, 3_135_000)
    assert (second["description"], second["amount"]) == ("Dell 5440", 820_000)
    assert (quote["gross"], quote["discount_total"], quote["subtotal"]) == (
        4_120_000,
        165_000,
        3_955_000,
    )
    assert (quote["vat_rate"], quote["vat_amount"], quote["total"]) == (0.18, 711_900, 4_666_900)
    assert quote["total_in_words"] == (
        "quatre millions six cent soixante-six mille neuf cents francs CFA"
    )
    validity = (utcnow() + timedelta(days=30)).isoformat()[:10]
    assert quote["valid_until"][:10] == validity
    await settled(system)
    [created] = await published(system, "billing.quote.created")
    assert created["quoteNumber"] == quote["number"]
    assert [line["unitPrice"] for line in created["lines"]] == [313_500, 410_000]
    assert created["total"] == 4_666_900


async def test_a_customer_quotes_for_themselves_only(api, catalog):
    mine = await _quote(api, "customer", CUSTOMER, customer_id=None)
    assert mine["customer_id"] == CUSTOMER and mine["created_by"] == CUSTOMER
    response = await api.post(
        "/api/billing/quotes",
        json=quote_body(customer_id="someone-else"),
        role="customer",
        subject=CUSTOMER,
    )
    assert (response.status_code, response.json()["field"]) == (422, "body.customer_id")
    response = await api.post(
        "/api/billing/quotes", json=quote_body(customer_id=None), role="staff"
    )
    assert (response.status_code, response.json()["field"]) == (422, "body.customer_id")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"sku": "NOPE-1", "quantity": 1, "unit_price": 1000}]}, "body.lines.0.sku"),
        (
            {
                "lines": [
                    {"sku": "HP-840-G8", "quantity": 1, "unit_price": 1000},
                    {"sku": "HP-840-G8", "quantity": 2, "unit_price": 1000},
                ]
            },
            "body.lines.1.sku",
        ),
        (
            {"lines": [{"sku": "HP-840-G8", "quantity": 0, "unit_price": 1000}]},
            "body.lines.0.quantity",
        ),
        (
            {
                "lines": [
                    {"sku": "HP-840-G8", "quantity": 1, "unit_price": 1000, "discount_percent": 95}
                ]
            },
            "body.lines.0.discount_percent",
        ),
        ({"lines": []}, "body.lines"),
        ({"buyer": {"name": "   "}}, "body.buyer.name"),
        ({"valid_until": "2020-01-01T00:00:00Z"}, "body.valid_until"),
        ({"valid_until": "demain"}, "body.valid_until"),
        ({"discount": 10}, "body.discount"),
    ],
)
async def test_bad_quotes_are_refused_naming_the_field(api, catalog, change, field):
    response = await api.post("/api/billing/quotes", json=quote_body(**change), role="staff")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["field"] == field or field in [e["field"] for e in problem.get("errors", [])]


async def test_quotes_are_read_by_their_customer_and_staff_only(api, catalog):
    quote = await _quote(api)
    path = f"/api/billing/quotes/{quote['id']}"
    assert (await api.get(path, role="customer", subject=CUSTOMER)).status_code == 200
    assert (await api.get(path, role="staff")).status_code == 200
    assert (await api.get(path, role="customer", subject="other")).status_code == 404
    assert (await api.get(path, role="technician")).status_code == 403
    assert (await api.get(path)).status_code == 401
    assert (await api.get("/api/billing/quotes/nope", role="staff")).status_code == 404
    mine = await api.get("/api/billing/quotes", role="customer", subject=CUSTOMER)
    assert mine.json()["total"] == 1
    theirs = await api.get(
        "/api/billing/quotes", params={"customer_id": CUSTOMER}, role="customer", subject="other"
    )
    assert theirs.json()["total"] == 0  # a customer lists their own, whatever they ask
    pdf = await api.get(f"{path}/pdf", role="customer", subject=CUSTOMER)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="{quote["number"]}.pdf"' in pdf.headers["content-disposition"]
    other = await api.get(f"{path}/pdf", role="customer", subject="other")
    assert other.status_code == 404


async def test_a_customer_accepts_their_quote_once(api, catalog, system):
    quote = await _quote(api)
    accept = f"/api/billing/quotes/{quote['id']}/accept"
    home = {"payment_method": "wave", "delivery": {"method": "home_delivery"}}
    missing = await api.post(accept, json=home, role="customer", subject=CUSTOMER)
    assert missing.status_code == 422
    assert "body.delivery.home_delivery.address" in [e["field"] for e in missing.json()["errors"]]
    someone = await api.post(
        accept, json={"payment_method": "wave"}, role="customer", subject="other"
    )
    assert someone.status_code == 404
    address = {
        "recipient_name": "Moussa Diop",
        "phone": "+221 77 000 11 22",
        "city": "Dakar",
        "area": "Plateau",
    }
    home["delivery"]["address"] = address
    accepted = await api.post(accept, json=home, role="customer", subject=CUSTOMER)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["accepted_by"], body["payment_method"]) == (
        "accepted",
        CUSTOMER,
        "wave",
    )
    again = await api.post(accept, json={"payment_method": "wave"}, role="staff")
    assert again.status_code == 409
    assert again.json()["code"] == "quote_accepted"
    await settled(system)
    [event] = await published(system, "billing.quote.accepted")
    assert (event["quoteId"], event["customerId"], event["total"]) == (
        quote["id"],
        CUSTOMER,
        4_666_900,
    )
    assert [(li["sku"], li["quantity"], li["unitPrice"]) for li in event["lines"]] == [
        ("HP-840-G8", 10, 313_500),
        ("DELL-5440", 2, 410_000),
    ]
    assert (event["paymentMethod"], event["deliveryMethod"]) == ("wave", "home_delivery")
    assert event["deliveryAddress"]["area"] == "Plateau"
    listed = await api.get("/api/billing/quotes", params={"status": "accepted"}, role="staff")
    assert [q["id"] for q in listed.json()["items"]] == [quote["id"]]


async def test_an_expired_quote_cannot_be_accepted(api, catalog, system):
    quote = await _quote(api)
    async with system.db.writes() as session, session.begin():
        await session.execute(update(Quote).values(valid_until=utcnow() - timedelta(days=1)))
    response = await api.post(
        f"/api/billing/quotes/{quote['id']}/accept",
        json={"payment_method": "cash_on_delivery"},
        role="customer",
        subject=CUSTOMER,
    )
    assert response.status_code == 409
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("quote_expired", "path.quote_id")
    assert "expired" in problem["detail"]
    read = await api.get(f"/api/billing/quotes/{quote['id']}", role="staff")
    assert read.json()["status"] == "expired"


async def _invoiced(system, order_id: str, customer_id: str = CUSTOMER) -> None:
    await place(system, order_id, customer_id=customer_id)
    await confirm(system, order_id, customer_id=customer_id)


async def test_invoices_are_read_by_their_customer_and_by_staff(api, system):
    await _invoiced(system, "CMD-A")
    await _invoiced(system, "CMD-B", customer_id="cust-bob")
    await pay(system, "CMD-A")
    await settled(system)

    mine = await api.get("/api/billing/invoices", role="customer", subject=CUSTOMER)
    assert mine.status_code == 200
    [invoice] = mine.json()["items"]
    assert (invoice["order_id"], invoice["status"], invoice["balance_due"]) == ("CMD-A", "paid", 0)
    assert invoice["total_in_words"] == ("six cent neuf mille quatre cents francs CFA")
    assert invoice["verification_url"].startswith("http://localhost:8000/api/billing/verify/FAC-")
    everyone = await api.get("/api/billing/invoices", role="staff")
    assert everyone.json()["total"] == 2
    issued = await api.get("/api/billing/invoices", params={"status": "issued"}, role="staff")
    assert [i["order_id"] for i in issued.json()["items"]] == ["CMD-B"]
    bob = await api.get("/api/billing/invoices", params={"customer_id": "cust-bob"}, role="admin")
    assert [i["order_id"] for i in bob.json()["items"]] == ["CMD-B"]
    by_number = await api.get(
        "/api/billing/invoices", params={"number": invoice["number"]}, role="staff"
    )
    assert by_number.json()["total"] == 1

    path = f"/api/billing/invoices/{invoice['id']}"
    assert (await api.get(path, role="customer", subject=CUSTOMER)).json()["paid_amount"] == TOTAL
    assert (await api.get(path, role="customer", subject="cust-bob")).status_code == 404
    assert (await api.get(path, role="partner")).status_code == 403
    assert (await api.get(path)).status_code == 401
    pdf = await api.get(f"{path}/pdf", params={"lang": "en"}, role="customer", subject=CUSTOMER)
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    bad_lang = await api.get(f"{path}/pdf", params={"lang": "wo"}, role="staff")
    assert bad_lang.status_code == 422
    bad_status = await api.get("/api/billing/invoices", params={"status": "late"}, role="staff")
    assert bad_status.status_code == 422


async def test_anyone_with_the_qr_link_verifies_an_invoice_and_learns_nothing_personal(api, system):
    await _invoiced(system, "CMD-V")
    await settled(system)
    [invoice] = (await api.get("/api/billing/invoices", role="staff")).json()["items"]
    link = invoice["verification_url"].removeprefix("http://localhost:8000")
    checked = await api.get(link)
    assert checked.status_code == 200
    assert checked.json() == {
        "valid": True,
        "kind": "invoice",
        "number": invoice["number"],
        "issued_at": invoice["issued_at"],
        "total": TOTAL,
        "currency": "XOF",
        "status": "issued",
        "seller_name": "IT Vision SARL",
        "invoice_number": None,
    }
    wrong = await api.get(f"/api/billing/verify/{invoice['number']}", params={"t": "guess"})
    assert wrong.status_code == 404
    unknown = await api.get("/api/billing/verify/FAC-2026-999999", params={"t": "x"})
    assert unknown.status_code == 404
    malformed = await api.get("/api/billing/verify/INV-1", params={"t": "x"})
    assert malformed.status_code == 422


async def test_credit_notes_are_read_and_verified_like_invoices(api, system):
    await _invoiced(system, "CMD-C")
    await cancel(system, "CMD-C")
    await settled(system)
    mine = await api.get("/api/billing/credit-notes", role="customer", subject=CUSTOMER)
    [credit] = mine.json()["items"]
    assert (credit["amount"], credit["reason"], credit["order_id"]) == (TOTAL, "refund", "CMD-C")
    assert credit["amount_excl_vat"] + credit["vat_amount"] == TOTAL
    assert [line["kind"] for line in credit["lines"]] == ["goods", "goods", "shipping"]
    path = f"/api/billing/credit-notes/{credit['id']}"
    assert (await api.get(path, role="customer", subject="cust-bob")).status_code == 404
    assert (await api.get(path, role="staff")).json()["invoice_number"] == credit["invoice_number"]
    pdf = await api.get(f"{path}/pdf", role="customer", subject=CUSTOMER)
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    invoice = (await api.get(f"/api/billing/invoices/{credit['invoice_id']}", role="staff")).json()
    assert (invoice["status"], invoice["credited_amount"]) == ("credited", TOTAL)
    others = await api.get("/api/billing/credit-notes", role="customer", subject="cust-bob")
    assert others.json()["total"] == 0
    checked = await api.get(credit["verification_url"].removeprefix("http://localhost:8000"))
    assert checked.status_code == 200
    assert (checked.json()["kind"], checked.json()["invoice_number"]) == (
        "credit_note",
        credit["invoice_number"],
    )
    assert checked.json()["total"] == TOTAL
