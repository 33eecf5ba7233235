"""Carts through the API, on the real system: a customer's cart and an anonymous session's,
lines priced live by the pricing engine, discounted by the promotion engine (with the reason of
each refused code), the shipping fee of the chosen address, the VAT; merged at sign-in. Bad
input and the wrong role answer a problem naming the field."""

from __future__ import annotations

import pytest

from itvision.engines.order.rules.totals import vat_inside
from tests.engines.order.support import CUSTOMER, DAKAR, category, fill_cart, product, published

SESSION = "visit-0f3c2a9e7b1d4c55"
LAPTOP, MOUSE = "HP-840-G8", "LOGI-M185"


@pytest.fixture
async def shop(api):
    category_id = await category(api)
    laptop = await product(api, category_id, LAPTOP, base_cost=250_000, weight_grams=1_800)
    mouse = await product(api, category_id, MOUSE, base_cost=6_000, weight_grams=100)
    return {"category_id": category_id, LAPTOP: laptop, MOUSE: mouse}


async def test_an_anonymous_visitor_fills_a_cart_priced_live(api, shop):
    anonymous = {"X-Cart-Session": SESSION}
    empty = await api.get("/api/carts/current", headers=anonymous)
    assert empty.status_code == 200, empty.text
    assert (empty.json()["id"], empty.json()["lines"], empty.json()["total"]) == (None, [], 0)

    added = await api.post(
        "/api/carts/current/lines", json={"sku": LAPTOP, "quantity": 1}, headers=anonymous
    )
    assert added.status_code == 200, added.text
    again = await api.post("/api/carts/current/lines", json={"sku": LAPTOP}, headers=anonymous)
    cart = again.json()
    price = shop[LAPTOP]["unit_price_incl_vat"]
    [line] = cart["lines"]
    assert (line["sku"], line["quantity"], line["unit_price"]) == (LAPTOP, 2, price)
    assert line["unit_price_excl_vat"] == shop[LAPTOP]["unit_price_excl_vat"]
    assert (line["name"], line["weight_grams"], line["available"]) == (
        f"Portable {LAPTOP}",
        1_800,
        True,
    )
    assert (cart["session_id"], cart["customer_id"]) == (SESSION, None)
    assert (cart["subtotal"], cart["total"]) == (2 * price, 2 * price)
    assert cart["vat_total"] == vat_inside(2 * price)
    assert (cart["shipping"], cart["deliverable"]) == (None, False)

    changed = await api.put(
        f"/api/carts/current/lines/{LAPTOP}", json={"quantity": 1}, headers=anonymous
    )
    assert changed.json()["lines"][0]["quantity"] == 1
    removed = await api.delete(f"/api/carts/current/lines/{LAPTOP}", headers=anonymous)
    assert removed.status_code == 200 and removed.json()["lines"] == []
    gone = await api.delete(f"/api/carts/current/lines/{LAPTOP}", headers=anonymous)
    assert (gone.status_code, gone.json()["field"]) == (404, "path.sku")

    updates = [u for u in await published(api.platform, "order.cart.updated")]
    assert [len(u["lines"]) for u in updates] == [1, 1, 1, 0]
    assert updates[1]["lines"][0]["quantity"] == 2 and updates[1]["sessionId"] == SESSION


async def test_a_visitor_without_a_session_is_given_one(api, shop):
    first = await api.post("/api/carts/current/lines", json={"sku": MOUSE})
    assert first.status_code == 200, first.text
    session = first.headers["X-Cart-Session"]
    assert len(session) >= 16 and first.json()["session_id"] == session
    again = await api.get("/api/carts/current", headers={"X-Cart-Session": session})
    assert "X-Cart-Session" not in again.headers
    assert [ln["sku"] for ln in again.json()["lines"]] == [MOUSE]
    other = await api.get("/api/carts/current")
    assert other.headers["X-Cart-Session"] != session and other.json()["lines"] == []


async def test_the_shipping_fee_of_the_chosen_address_is_in_the_total(api, shop):
    cart = await fill_cart(api, [(MOUSE, 1)])
    price = shop[MOUSE]["unit_price_incl_vat"]
    assert cart["delivery_address"]["area"] == "Plateau"
    assert cart["shipping"]["zone"] == "sn-dakar-plateau" and cart["deliverable"] is True
    fee = cart["shipping"]["fee"]
    assert fee > 0 and cart["shipping_fee"] == fee and cart["weight_grams"] == 100
    assert cart["total"] == price + fee and cart["vat_total"] == vat_inside(price + fee)

    abroad = await api.put(
        "/api/carts/current/delivery",
        json={"method": "home_delivery", "address": {**DAKAR, "city": "Paris", "country": "FR"}},
        role="customer",
        subject=CUSTOMER,
    )
    assert abroad.status_code == 200, abroad.text
    assert (abroad.json()["shipping"], abroad.json()["deliverable"]) == (None, False)
    assert abroad.json()["total"] == price


async def test_codes_apply_or_say_why_not(api, shop):
    code = await api.post(
        "/api/promotions",
        json={"name": "Bienvenue", "kind": "percentage", "discount_rate": 0.1,
              "code": "BIENVENUE"},
        role="staff",
    )  # fmt: skip
    assert code.status_code == 201, code.text
    big = await api.post(
        "/api/promotions",
        json={"name": "Gros panier", "kind": "fixed_amount", "discount_amount": 50_000,
              "code": "GROS", "min_order_amount": 5_000_000},
        role="staff",
    )  # fmt: skip
    assert big.status_code == 201, big.text
    await fill_cart(api, [(LAPTOP, 1)])
    for typed in (" bienvenue", "GROS", "NOPE"):
        applied = await api.post(
            "/api/carts/current/codes", json={"code": typed}, role="customer", subject=CUSTOMER
        )
        assert applied.status_code == 200, applied.text
    cart = applied.json()
    price = shop[LAPTOP]["unit_price_incl_vat"]
    assert cart["codes"] == ["BIENVENUE", "GROS", "NOPE"]
    [promotion] = cart["promotions"]
    assert (promotion["code"], promotion["name"]) == ("BIENVENUE", "Bienvenue")
    assert promotion["discount"] == cart["lines"][0]["discount"] == round(price * 0.1)
    refused = {r["code"]: (r["reason"], r["message_fr"]) for r in cart["refused_codes"]}
    assert refused["NOPE"] == ("unknown_code", "code inconnu")
    assert refused["GROS"][0] == "min_amount_not_reached"
    fee = cart["shipping_fee"]
    assert cart["total"] == price - promotion["discount"] + fee
    assert cart["discount_total"] == promotion["discount"]

    removed = await api.delete(
        "/api/carts/current/codes/bienvenue", role="customer", subject=CUSTOMER
    )
    assert removed.json()["promotions"] == [] and removed.json()["codes"] == ["GROS", "NOPE"]
    missing = await api.delete("/api/carts/current/codes/AUTRE", role="customer", subject=CUSTOMER)
    assert (missing.status_code, missing.json()["field"]) == (404, "path.code")


async def test_the_session_cart_joins_the_customers_at_sign_in(api, shop):
    anonymous = {"X-Cart-Session": SESSION}
    for sku, quantity in ((LAPTOP, 1), (MOUSE, 2)):
        await api.post(
            "/api/carts/current/lines", json={"sku": sku, "quantity": quantity}, headers=anonymous
        )
    await api.post("/api/carts/current/codes", json={"code": "PROMO"}, headers=anonymous)
    await api.put(
        "/api/carts/current/delivery",
        json={"method": "pickup", "address": DAKAR},
        headers=anonymous,
    )
    await api.post(
        "/api/carts/current/lines",
        json={"sku": MOUSE, "quantity": 1},
        role="customer",
        subject=CUSTOMER,
    )
    merged = await api.post(
        "/api/carts/current/merge", headers=anonymous, role="customer", subject=CUSTOMER
    )
    assert merged.status_code == 200, merged.text
    cart = merged.json()
    assert cart["customer_id"] == CUSTOMER and cart["session_id"] is None
    assert {ln["sku"]: ln["quantity"] for ln in cart["lines"]} == {MOUSE: 3, LAPTOP: 1}
    assert cart["codes"] == ["PROMO"] and cart["delivery_method"] == "pickup"
    left = await api.get("/api/carts/current", headers=anonymous)
    assert left.json()["id"] is None and left.json()["lines"] == []
    again = await api.post(
        "/api/carts/current/merge", headers=anonymous, role="customer", subject=CUSTOMER
    )
    assert {ln["sku"]: ln["quantity"] for ln in again.json()["lines"]} == {MOUSE: 3, LAPTOP: 1}


async def test_bad_input_and_roles_answer_a_problem_naming_the_field(api, shop):
    anonymous = {"X-Cart-Session": SESSION}
    cases = [
        (await api.get("/api/carts/current", headers={"X-Cart-Session": "short"}), 422,
         "header.X-Cart-Session"),
        (await api.get("/api/carts/current", role="staff"), 403, "role"),
        (await api.post("/api/carts/current/lines", json={"sku": "NOPE-1"}, headers=anonymous),
         404, "body.sku"),
        (await api.post("/api/carts/current/lines", json={"sku": LAPTOP, "quantity": 0},
                        headers=anonymous), 422, "body.quantity"),
        (await api.post("/api/carts/current/lines", json={"sku": LAPTOP, "quantity": 1000},
                        headers=anonymous), 422, "body.quantity"),
        (await api.post("/api/carts/current/lines", json={"sku": "  "}, headers=anonymous),
         422, "body.sku"),
        (await api.post("/api/carts/current/lines", json={"sku": LAPTOP, "extra": 1},
                        headers=anonymous), 422, "body.extra"),
        (await api.put("/api/carts/current/lines/NOPE-1", json={"quantity": 1},
                       headers=anonymous), 404, "path.sku"),
        (await api.put("/api/carts/current/delivery",
                       json={"method": "drone", "address": DAKAR}, headers=anonymous),
         422, "body.method"),
        (await api.put("/api/carts/current/delivery",
                       json={"method": "pickup", "address": {**DAKAR, "phone": "appelle-moi"}},
                       headers=anonymous), 422, "body.address.phone"),
        (await api.post("/api/carts/current/codes", json={"code": ""}, headers=anonymous),
         422, "body.code"),
        (await api.post("/api/carts/current/merge", role="customer"), 422,
         "header.X-Cart-Session"),
        (await api.post("/api/carts/current/merge", headers=anonymous), 401, None),
    ]  # fmt: skip
    for answer, status, field in cases:
        assert answer.status_code == status, (field, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json().get("field") == field, answer.text


async def test_a_product_not_on_sale_is_refused(api, shop):
    draft = await api.post(
        "/api/catalog/products",
        json={"sku": "DRAFT-1", "name_fr": "Brouillon", "category_id": shop["category_id"],
              "base_cost": 1_000},
        role="staff",
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    refused = await api.post(
        "/api/carts/current/lines", json={"sku": "DRAFT-1"}, role="customer", subject=CUSTOMER
    )
    assert (refused.status_code, refused.json()["field"]) == (409, "body.sku")
