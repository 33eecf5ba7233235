"""Checkout through the API, on the real system: the order keeps what it was sold at, a retried
checkout never makes two orders, and what keeps a cart from being ordered is named. Then the
real inventory answers, and customers see only their own orders."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from tests.conftest import eventually
from tests.engines.order.support import (
    CUSTOMER,
    DAKAR,
    OTHER_CUSTOMER,
    category,
    check_out,
    fill_cart,
    product,
    published,
    reaches,
    timeline_of,
)

LAPTOP, MOUSE = "HP-840-G8", "LOGI-M185"


@pytest.fixture
async def shop(api):
    category_id = await category(api)
    laptop = await product(api, category_id, LAPTOP, base_cost=250_000, stock=3)
    mouse = await product(api, category_id, MOUSE, base_cost=6_000, weight_grams=100, stock=1)
    return {"category_id": category_id, LAPTOP: laptop, MOUSE: mouse}


async def _checkout(api, body, key, *, role="customer", subject=CUSTOMER):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await api.post(
        "/api/orders/checkout", json=body, headers=headers, role=role, subject=subject
    )


async def test_checkout_keeps_what_the_cart_said_and_a_retry_gives_the_same_order(api, shop):
    promo = await api.post(
        "/api/promotions",
        json={"name": "Bienvenue", "kind": "percentage", "discount_rate": 0.1,
              "code": "BIENVENUE"},
        role="staff",
    )  # fmt: skip
    assert promo.status_code == 201, promo.text
    await fill_cart(api, [(LAPTOP, 1), (MOUSE, 1)])
    cart = (
        await api.post(
            "/api/carts/current/codes",
            json={"code": "bienvenue"},
            role="customer",
            subject=CUSTOMER,
        )
    ).json()
    key = str(uuid.uuid4())
    first = await _checkout(api, {"payment_method": "wave"}, key)
    assert first.status_code == 201, first.text
    order = first.json()
    assert "Idempotent-Replayed" not in first.headers
    assert (order["status"], order["customer_id"], order["payment_method"]) == (
        "placed", CUSTOMER, "wave"
    )  # fmt: skip
    for name in ("subtotal", "discount_total", "shipping_fee", "vat_total", "total"):
        assert order[name] == cart[name], name
    assert [
        (ln["sku"], ln["quantity"], ln["unit_price"], ln["discount"]) for ln in order["lines"]
    ] == [(ln["sku"], ln["quantity"], ln["unit_price"], ln["discount"]) for ln in cart["lines"]]
    assert order["promotion_codes"] == ["BIENVENUE"]
    assert order["shipping_zone"] == "sn-dakar-plateau" and order["delivery_address"] == DAKAR
    placed_at = datetime.fromisoformat(order["placed_at"])
    assert datetime.fromisoformat(order["pay_by"]) - placed_at == timedelta(minutes=30)
    assert order["next_statuses"] == ["stock_reserved", "cancelled"]

    retried = await _checkout(api, {"payment_method": "wave"}, key)
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["id"] == order["id"]
    other_body = await _checkout(api, {"payment_method": "orange_money"}, key)
    assert other_body.status_code == 409
    assert (other_body.json()["code"], other_body.json()["field"]) == (
        "idempotency_key_reused", "header.Idempotency-Key"
    )  # fmt: skip

    [placed] = await published(api.platform, "order.order.placed", order["id"])
    assert placed["promotionCodes"] == ["BIENVENUE"] and "promotionCode" not in placed
    assert (placed["total"], placed["vatTotal"], placed["shippingFee"]) == (
        order["total"], order["vat_total"], order["shipping_fee"]
    )  # fmt: skip
    assert placed["deliveryAddress"]["area"] == "Plateau" and placed["payBy"] is not None
    emptied = (await api.get("/api/carts/current", role="customer", subject=CUSTOMER)).json()
    assert emptied["lines"] == [] and emptied["codes"] == []
    assert emptied["delivery_method"] == "home_delivery"

    # The price changes afterwards; the order keeps the one it was sold at.
    changed = await api.patch(
        f"/api/catalog/products/{shop[LAPTOP]['product_id']}",
        json={"base_cost": 300_000},
        role="staff",
    )
    assert changed.status_code == 200, changed.text

    async def repriced() -> bool:
        now = (await api.get(f"/api/pricing/prices/{LAPTOP}")).json()
        return now["unit_price_incl_vat"] != shop[LAPTOP]["unit_price_incl_vat"]

    await eventually(repriced, 30, "the laptop repriced")
    kept = (await api.get(f"/api/orders/{order['id']}", role="customer", subject=CUSTOMER)).json()
    assert kept["lines"][0]["unit_price"] == shop[LAPTOP]["unit_price_incl_vat"]
    assert kept["total"] == order["total"]


async def test_what_keeps_a_cart_from_being_ordered_is_named(api, shop):
    empty = await _checkout(api, {"payment_method": "wave"}, "k-empty")
    assert (empty.status_code, empty.json()["field"]) == (409, "cart.lines")
    await api.post(
        "/api/carts/current/lines", json={"sku": MOUSE}, role="customer", subject=CUSTOMER
    )
    nowhere = await _checkout(api, {"payment_method": "wave"}, "k-nowhere")
    assert (nowhere.status_code, nowhere.json()["field"]) == (409, "cart.delivery")
    await fill_cart(api, [], address={**DAKAR, "city": "Lyon", "area": None, "country": "FR"})
    unserved = await _checkout(api, {"payment_method": "wave"}, "k-unserved")
    assert (unserved.status_code, unserved.json()["field"]) == (409, "delivery_address.city")
    assert "Lyon" in unserved.json()["detail"]

    cases = [
        (await _checkout(api, {"payment_method": "wave"}, None), 422, "header.Idempotency-Key"),
        (await _checkout(api, {"payment_method": "wave"}, ""), 422, "header.Idempotency-Key"),
        (await _checkout(api, {"payment_method": "card"}, "k1"), 422, "body.payment_method"),
        (await _checkout(api, {}, "k2"), 422, "body.payment_method"),
        (await _checkout(api, {"payment_method": "wave"}, "k3", role="staff"), 403, None),
        (await _checkout(api, {"payment_method": "wave"}, "k4", role=None), 401, None),
    ]
    for answer, status, field in cases:
        assert answer.status_code == status, (field, answer.text)
        assert answer.json().get("field") == field, answer.text


async def test_inventory_answers_the_order_cod_is_confirmed_and_a_short_one_cancelled(api, shop):
    await fill_cart(api, [(LAPTOP, 1)])
    cod = await check_out(api, "cash_on_delivery")
    assert cod["pay_by"] is None
    await reaches(api, cod["id"], "confirmed")
    await fill_cart(api, [(MOUSE, 2)], customer=OTHER_CUSTOMER)
    short = await check_out(api, "orange_money", customer=OTHER_CUSTOMER)
    await reaches(api, short["id"], "cancelled")
    cancelled = (
        await api.get(f"/api/orders/{short['id']}", role="customer", subject=OTHER_CUSTOMER)
    ).json()["cancellation"]
    assert (cancelled["reason"], cancelled["cancelled_by"]) == ("out_of_stock", "system")
    assert cancelled["note"] == (
        f"Stock insuffisant : « {MOUSE} » : 2 demandé(s), seulement 1 disponible."
    )
    entries = await timeline_of(api, short["id"])
    assert [e["engine"] for e in entries] == ["order-engine", "inventory-engine", "order-engine"]


async def test_customers_see_only_their_own_orders_and_staff_search_them_all(api, shop):
    await fill_cart(api, [(LAPTOP, 1)])
    mine = await check_out(api, "wave")
    await fill_cart(api, [(LAPTOP, 1)], customer=OTHER_CUSTOMER)
    theirs = await check_out(api, "cash_on_delivery", customer=OTHER_CUSTOMER)
    await reaches(api, theirs["id"], "confirmed")
    as_me = {"role": "customer", "subject": CUSTOMER}
    for path in (f"/api/orders/{theirs['id']}", f"/api/orders/{theirs['id']}/timeline",
                 f"/api/orders/{theirs['id']}/refunds", "/api/orders/CMD-NONE"):  # fmt: skip
        hidden = await api.get(path, **as_me)
        assert (hidden.status_code, hidden.json()["field"]) == (404, "path.order_id"), path
    listed = (await api.get("/api/orders", **as_me)).json()
    assert [o["id"] for o in listed["items"]] == [mine["id"]] and listed["total"] == 1
    other = await api.get(f"/api/orders?customer_id={OTHER_CUSTOMER}", **as_me)
    assert (other.status_code, other.json()["field"]) == (403, "query.customer_id")

    everything = (await api.get("/api/orders", role="staff")).json()
    assert [o["id"] for o in everything["items"]] == [theirs["id"], mine["id"]]
    searches = {
        "status=confirmed": [theirs["id"]],
        "payment_method=wave": [mine["id"]],
        f"customer_id={CUSTOMER}": [mine["id"]],
        f"placed_from={mine['placed_at'].replace('+00:00', 'Z')}": [theirs["id"], mine["id"]],
        f"placed_to={mine['placed_at'].replace('+00:00', 'Z')}": [],
        "status=cancelled": [],
        "limit=1&offset=1": [mine["id"]],
    }
    for query, expected in searches.items():
        found = await api.get(f"/api/orders?{query}", role="staff")
        assert found.status_code == 200, (query, found.text)
        assert [o["id"] for o in found.json()["items"]] == expected, query
    for query, field in (("status=lost", "query.status"), ("placed_from=hier", "query.placed_from"),
                         ("payment_method=card", "query.payment_method"),
                         ("limit=0", "query.limit")):  # fmt: skip
        bad = await api.get(f"/api/orders?{query}", role="staff")
        assert (bad.status_code, bad.json()["field"]) == (422, field), query
