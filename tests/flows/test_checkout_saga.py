"""Checkout to delivery as one saga: order, inventory, payment (through the Wave and Orange Money
simulators), billing, shipping and promotion react to each other's events only. Every scenario
runs on {SQLite, PostgreSQL} × {SQL log, Kafka}, and on Kafka also with each engine meeting the
events of different topics newest first (so payment sees a reservation before the order it
answers, billing a payment before the invoice it pays, the order a delivery before its
dispatch...). The scenarios of a test run side by side, each with its own customer."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from itvision.engines.order.commands import ExpireOrders
from itvision.engines.order.services.cancellation import expire_orders
from itvision.engines.payment.commands import PerformRefunds
from itvision.engines.payment.services.refunds import perform_refunds
from itvision.platform.bus import operations
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS, REVERSED, eventually
from tests.engines.order.support import category, check_out, fill_cart, product, reaches
from tests.support.api import ApiClient
from tests.support.buses import caught_up
from tests.support.simulators import pay_order, start_payment

pytestmark = pytest.mark.parametrize("backend_settings", [*COMBINATIONS, REVERSED], indirect=True)

WAIT = 60.0
"""Seconds a step may take to show: the scenarios of a test run side by side, on a busy
machine with a second test process."""

ABIDJAN = {
    "recipient_name": "Koffi Kouassi",
    "phone": "+225 07 08 09 10 11",
    "city": "Abidjan",
    "area": "Cocody",
    "address_line": "Rue des Jardins, Deux-Plateaux",
    "country": "CI",
}


async def shop(api: ApiClient, stock: int = 20) -> dict[str, dict[str, Any]]:
    """Two laptops in stock in Dakar, and one that is not in stock anywhere."""
    category_id = await category(api)
    skus = {"ELITEBOOK": stock, "THINKPAD": stock, "RUPTURE": 0}
    made = await asyncio.gather(
        *(
            product(api, category_id, f"{sku}-{uuid.uuid4().hex[:6].upper()}", stock=units)
            for sku, units in skus.items()
        )
    )
    return dict(zip(skus, made, strict=True))


async def order_of(api: ApiClient, order_id: str) -> dict[str, Any]:
    found = await api.get(f"/api/orders/{order_id}", role="staff")
    assert found.status_code == 200, found.text
    return dict(found.json())


async def shipment_of(api: ApiClient, order_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    async def created() -> bool:
        listed = await api.get(f"/api/shipping/shipments?order_id={order_id}", role="staff")
        found[:] = listed.json()["items"] if listed.status_code == 200 else []
        return bool(found)

    await eventually(created, WAIT, f"a shipment for order {order_id}")
    return found[0]


async def report(api: ApiClient, shipment_id: str, status: str, **fields: Any) -> None:
    reported = await api.post(
        f"/api/shipping/shipments/{shipment_id}/updates",
        json={"status": status, **fields},
        role="staff",
    )
    assert reported.status_code == 200, reported.text


async def deliver(api: ApiClient, order_id: str, **delivered: Any) -> None:
    """The courier picks the parcel up, takes it out and hands it over."""
    shipment = await shipment_of(api, order_id)
    await report(api, shipment["id"], "picked_up")
    await reaches(api, order_id, "shipped", timeout=WAIT)
    await report(api, shipment["id"], "out_for_delivery")
    await report(api, shipment["id"], "delivered", **delivered)
    await reaches(api, order_id, "delivered", timeout=WAIT)


async def invoice_of(api: ApiClient, order_id: str, status: str | None = None) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    async def issued() -> bool:
        listed = await api.get(f"/api/billing/invoices?order_id={order_id}", role="staff")
        found[:] = listed.json()["items"] if listed.status_code == 200 else []
        return bool(found) and (status is None or found[0]["status"] == status)

    await eventually(issued, WAIT, f"the invoice of order {order_id} {status or 'issued'}")
    return found[0]


async def credit_notes_of(api: ApiClient, order_id: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    async def issued() -> bool:
        listed = await api.get(f"/api/billing/credit-notes?order_id={order_id}", role="staff")
        found[:] = listed.json()["items"] if listed.status_code == 200 else []
        return len(found) >= count

    await eventually(issued, WAIT, f"{count} credit note(s) for order {order_id}")
    return found


async def refunds_of(api: ApiClient, order_id: str, *statuses: str) -> list[dict[str, Any]]:
    """The order's refunds in one of `statuses`, once there is one."""
    found: list[dict[str, Any]] = []

    async def there() -> bool:
        listed = await api.get(f"/api/payments/refunds?order_id={order_id}", role="staff")
        found[:] = [r for r in listed.json()["items"] if r["status"] in statuses]
        return bool(found)

    await eventually(there, WAIT, f"a {' or '.join(statuses)} refund for order {order_id}")
    return found


async def available(api: ApiClient, sku: str) -> int:
    return int((await api.get(f"/api/inventory/stock/{sku}")).json()["available"])


async def quiet(api: ApiClient) -> None:
    """Every group caught up, nothing dead-lettered and nothing left parked (an event parked
    until what it waits for came is retried a moment later: waited for)."""
    await caught_up(api.platform, 60)

    async def nothing_parked() -> bool:
        return await operations.list_parked(api.platform) == []

    await eventually(nothing_parked, 60, "every parked event applied")
    assert await operations.list_dead_letters(api.platform) == []


# --- paid orders ------------------------------------------------------------------------------


async def test_paid_orders_go_from_cart_to_delivery(api, simulators):
    products = await shop(api)
    elitebook, thinkpad = products["ELITEBOOK"]["sku"], products["THINKPAD"]["sku"]

    async def paid_by_wave() -> None:
        customer = "cust-wave"
        cart = await fill_cart(api, [(elitebook, 1), (thinkpad, 2)], customer=customer)
        order = await check_out(api, "wave", customer=customer)
        assert order["total"] == cart["total"] and order["status"] == "placed"
        payment = await pay_order(api, simulators, order["id"], customer=customer)
        assert payment["amount"] == order["total"] and payment["fee"] > 0
        await reaches(api, order["id"], "confirmed", timeout=WAIT)
        invoice = await invoice_of(api, order["id"], "paid")
        assert invoice["total"] == order["total"]
        assert invoice["number"].startswith(f"FAC-{utcnow().year}-")
        await deliver(api, order["id"])
        timeline = await api.get(
            f"/api/orders/{order['id']}/timeline", role="customer", subject=customer
        )
        entries = timeline.json()["entries"]
        statuses = [
            e["status"]
            for i, e in enumerate(entries)
            if i == 0 or e["status"] != entries[i - 1]["status"]
        ]
        assert statuses == ["placed", "awaiting_payment", "confirmed", "shipped", "delivered"]
        said = {(e["engine"], e["event"]) for e in entries}
        assert {
            ("inventory-engine", "inventory.reservation.confirmed"),
            ("payment-engine", "payment.payment.succeeded"),
            ("shipping-engine", "shipping.shipment.dispatched"),
            ("shipping-engine", "shipping.shipment.delivered"),
        } <= said

    async def paid_by_orange_money() -> None:
        customer = "cust-om"
        await fill_cart(api, [(thinkpad, 1)], customer=customer, address=ABIDJAN)
        order = await check_out(api, "orange_money", customer=customer)
        payment = await pay_order(api, simulators, order["id"], customer=customer)
        assert payment["method"] == "orange_money"
        await reaches(api, order["id"], "confirmed", timeout=WAIT)
        await invoice_of(api, order["id"], "paid")
        shipment = await shipment_of(api, order["id"])
        assert shipment["zone"].startswith("ci-") or "abidjan" in shipment["zone"]

    async def cash_on_delivery() -> None:
        customer = "cust-cod"
        await fill_cart(api, [(elitebook, 1)], customer=customer)
        order = await check_out(api, "cash_on_delivery", customer=customer)
        await reaches(api, order["id"], "confirmed", timeout=WAIT)  # without paying
        assert (await invoice_of(api, order["id"]))["status"] == "issued"
        await deliver(api, order["id"], cash_collected=order["total"], received_by="Awa")
        await invoice_of(api, order["id"], "paid")  # the courier's cash settles it
        listed = await api.get(f"/api/payments?order_id={order['id']}", role="staff")
        [payment] = listed.json()["items"]
        assert (payment["method"], payment["status"]) == ("cash_on_delivery", "succeeded")

    async def returned_in_part_after_delivery() -> None:
        customer = "cust-return"
        await fill_cart(api, [(thinkpad, 2)], customer=customer)
        order = await check_out(api, "wave", customer=customer)
        await pay_order(api, simulators, order["id"], customer=customer)
        await reaches(api, order["id"], "confirmed", timeout=WAIT)
        await deliver(api, order["id"])
        before = await available(api, thinkpad)
        returned = await api.post(
            f"/api/orders/{order['id']}/refunds",
            json={"reason": "returned", "lines": [{"sku": thinkpad, "quantity": 1}]},
            role="staff",
        )
        assert returned.status_code == 201, returned.text
        amount = returned.json()["amount"]
        assert 0 < amount < order["total"]
        await reaches(api, order["id"], "partially_refunded", timeout=WAIT)
        [credit] = await credit_notes_of(api, order["id"], 1)
        assert credit["amount"] == amount
        # A partial Wave refund is paid back by hand, then recorded by an operator.
        [refund] = await refunds_of(api, order["id"], "awaiting_operator")
        done = await api.post(
            f"/api/payments/refunds/{refund['id']}/complete", json={}, role="staff"
        )
        assert done.status_code == 200, done.text
        await refunds_of(api, order["id"], "completed")

        async def restocked() -> bool:
            return await available(api, thinkpad) == before + 1

        await eventually(restocked, WAIT, "the returned laptop back in stock")

    await asyncio.gather(
        paid_by_wave(),
        paid_by_orange_money(),
        cash_on_delivery(),
        returned_in_part_after_delivery(),
    )
    await quiet(api)


# --- orders that fail or are called off -------------------------------------------------------


async def test_failed_and_cancelled_orders_give_back_what_they_took(api, simulators):
    products = await shop(api)
    elitebook, rupture = products["ELITEBOOK"]["sku"], products["RUPTURE"]["sku"]
    code = await api.post(
        "/api/promotions",
        json={"name": "Code TABASKI", "kind": "fixed_amount", "code": "TABASKI",
              "discount_amount": 10_000, "min_order_amount": 50_000},
        role="staff",
    )  # fmt: skip
    assert code.status_code == 201, code.text
    start = await available(api, elitebook)

    async def declined() -> None:
        customer = "cust-declined"
        await fill_cart(api, [(elitebook, 1)], customer=customer)
        order = await check_out(api, "wave", customer=customer)
        payment = await pay_order(api, simulators, order["id"], customer=customer, approve=False)
        await simulators.decline(payment, "insufficient-funds")
        await reaches(api, order["id"], "cancelled", timeout=WAIT)
        assert (await order_of(api, order["id"]))["cancellation"]["reason"] == "payment_failed"

    async def stock_refused() -> None:
        customer = "cust-refused"
        await fill_cart(api, [(rupture, 1)], customer=customer)
        order = await check_out(api, "orange_money", customer=customer)
        await reaches(api, order["id"], "cancelled", timeout=WAIT)
        cancellation = (await order_of(api, order["id"]))["cancellation"]
        assert cancellation["reason"] == "out_of_stock"
        assert rupture in cancellation["note"]
        listed = await api.get(f"/api/payments?order_id={order['id']}", role="staff")
        assert listed.json()["items"] == []  # nothing was charged

    async def cancelled_after_payment() -> None:
        customer = "cust-cancel"
        await fill_cart(api, [(elitebook, 2)], customer=customer)
        applied = await api.post(
            "/api/carts/current/codes", json={"code": "TABASKI"}, role="customer",
            subject=customer,
        )  # fmt: skip
        assert applied.json()["discount_total"] == 10_000, applied.text
        order = await check_out(api, "wave", customer=customer)
        await pay_order(api, simulators, order["id"], customer=customer)
        await reaches(api, order["id"], "confirmed", timeout=WAIT)
        invoice = await invoice_of(api, order["id"], "paid")
        cancelled = await api.post(
            f"/api/orders/{order['id']}/cancel", json={}, role="customer", subject=customer
        )
        assert cancelled.status_code == 200, cancelled.text
        [credit] = await credit_notes_of(api, order["id"], 1)
        assert (credit["amount"], credit["invoice_number"]) == (order["total"], invoice["number"])
        # The Wave refund goes through Wave's API, from the refunds job (which the running
        # platform may have run already: pending or completed, never an operator's).
        [queued] = await refunds_of(api, order["id"], "pending", "completed")
        assert not queued["manual"]
        await perform_refunds(api.platform, PerformRefunds())
        [refund] = await refunds_of(api, order["id"], "completed")
        assert refund["amount"] == order["total"]

        async def usage_given_back() -> bool:
            usages = await api.get("/api/promotions/usages", role="staff")
            mine = [u for u in usages.json()["items"] if u["order_id"] == order["id"]]
            return [u["status"] for u in mine] == ["released"]

        await eventually(usage_given_back, WAIT, "the code's usage given back")

    async def never_paid() -> None:
        customer = "cust-unpaid"
        await fill_cart(api, [(elitebook, 3)], customer=customer)
        order = await check_out(api, "wave", customer=customer)
        await start_payment(api, order["id"], customer=customer)  # and never approved
        await reaches(api, order["id"], "awaiting_payment", timeout=WAIT)
        return order["id"]

    unpaid, *_ = await asyncio.gather(never_paid(), declined(), stock_refused())
    await cancelled_after_payment()
    # Past the payment deadline, the unpaid order expires and its stock comes back.
    expired = await expire_orders(api.platform, ExpireOrders(as_of=utcnow() + timedelta(hours=1)))
    assert expired == 1
    await reaches(api, unpaid, "cancelled", timeout=WAIT)
    assert (await order_of(api, unpaid))["cancellation"]["reason"] == "expired"

    async def all_stock_back() -> bool:
        return await available(api, elitebook) == start

    await eventually(all_stock_back, WAIT, "every unit held by the failed orders back")
    await quiet(api)
