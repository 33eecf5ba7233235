"""The pricing API: prices, quotes and settings, with the roles that may use them and the
problems bad input gets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from itvision import bootstrap
from itvision.engines.pricing.commands import UpdateGlobalSettings
from itvision.engines.pricing.services.settings import update_global_settings
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from tests.engines.pricing.conftest import emitted, product_created, seed, variant_created

STAFF_ONLY = {
    "base_cost",
    "margin_rate",
    "service_fee_rate",
    "insurance_rate",
    "effective_margin_rate",
    "margin_floor_applied",
    "margin_amount",
    "service_fee_amount",
    "insurance_amount",
    "tier_discount_amount",
    "rounding_adjustment",
    "sources",
    "status",
    "owner_subject",
    "group_id",
}


def problem(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body


def no_costs(body) -> None:
    """Nothing a customer reads reveals a cost or a margin."""
    if isinstance(body, dict):
        assert not STAFF_ONLY & set(body), sorted(STAFF_ONLY & set(body))
        for value in body.values():
            no_costs(value)
    elif isinstance(body, list):
        for value in body:
            no_costs(value)


@pytest.fixture
async def catalog(system):
    await seed(
        system,
        product_created("p1"),  # 250 000 → 330 000 HT
        product_created(
            "p2", base_cost=1_001, category_path=["it", "phones"], category_id="phones"
        ),
        product_created("draft", status="draft"),
        variant_created("p1", "v1", base_cost=300_000),
    )


def cart(*lines: tuple[str, int]) -> dict:
    return {"lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines]}


# Prices --------------------------------------------------------------------------------------


async def test_anyone_reads_the_price_of_an_active_product_without_its_costs(api, catalog):
    response = await api.get("/api/pricing/prices/SKU-p1")
    assert response.status_code == 200, response.text
    body = response.json()
    no_costs(body)
    assert body["unit_price_excl_vat"] == 330_000
    assert body["vat_rate"] == 0.18
    assert body["unit_vat"] == 59_400
    assert body["unit_price_incl_vat"] == 389_400
    assert body["currency"] == "XOF"
    assert (body["quantity"], body["tier"], body["tiers"]) == (1, None, [])
    customer = await api.get("/api/pricing/prices/SKU-p1", role="customer")
    no_costs(customer.json())


async def test_staff_read_the_whole_breakdown(api, catalog):
    body = (await api.get("/api/pricing/prices/SKU-p1", role="staff")).json()
    assert body["base_cost"] == 250_000
    assert (body["margin_rate"], body["service_fee_rate"], body["insurance_rate"]) == (
        0.25,
        0.05,
        0.02,
    )
    assert (body["margin_amount"], body["service_fee_amount"], body["insurance_amount"]) == (
        62_500,
        12_500,
        5_000,
    )
    assert body["rounding_adjustment"] == 0
    assert body["sources"] == {
        "margin_rate": "global",
        "service_fee_rate": "global",
        "insurance_rate": "global",
        "tiers": "global",
    }
    assert body["status"] == "active"


async def test_a_variant_is_priced_by_its_own_sku(api, catalog):
    body = (await api.get("/api/pricing/prices/SKU-v1")).json()
    assert body["unit_price_excl_vat"] == 396_000
    assert (body["product_id"], body["variant_id"]) == ("p1", "v1")


async def test_a_draft_product_s_price_is_for_staff_only(api, catalog):
    problem(await api.get("/api/pricing/prices/SKU-draft"), 404, "not_found", "path.sku")
    problem(
        await api.get("/api/pricing/prices/SKU-draft", role="customer"),
        404,
        "not_found",
        "path.sku",
    )
    staff = await api.get("/api/pricing/prices/SKU-draft", role="staff")
    assert staff.json()["status"] == "draft"


async def test_an_unknown_sku_has_no_price(api, catalog):
    problem(await api.get("/api/pricing/prices/nope"), 404, "not_found", "path.sku")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("quantity=0", "query.quantity"),
        ("quantity=abc", "query.quantity"),
        ("at=yesterday", "query.at"),
        ("at=2026-01-08T10:30:00", "query.at"),
        ("at=2026-01-08T10:30:00Z&quantity=5", "query.quantity"),
    ],
)
async def test_bad_price_queries_name_the_field(api, catalog, query, field):
    problem(await api.get(f"/api/pricing/prices/SKU-p1?{query}"), 422, "validation_error", field)


async def test_the_price_at_a_past_moment(api, catalog):
    before = utcnow()
    past = await api.get("/api/pricing/prices/SKU-p1", params={"at": before.isoformat()})
    assert past.json()["unit_price_excl_vat"] == 330_000
    assert await api.patch("/api/pricing/settings", json={"default_margin_rate": 0.3}, role="admin")
    assert (await api.get("/api/pricing/prices/SKU-p1")).json()["unit_price_excl_vat"] == 342_500
    again = await api.get("/api/pricing/prices/SKU-p1", params={"at": before.isoformat()})
    assert again.json()["unit_price_excl_vat"] == 330_000
    assert again.json()["as_of"] == before.isoformat().replace("+00:00", "Z")
    staff = await api.get(
        "/api/pricing/prices/SKU-p1", params={"at": before.isoformat()}, role="staff"
    )
    assert (staff.json()["base_cost"], staff.json()["margin_rate"]) == (250_000, 0.25)
    long_ago = await api.get("/api/pricing/prices/SKU-p1", params={"at": "2000-01-01T00:00:00Z"})
    problem(long_ago, 404, "not_found", "query.at")


async def test_the_price_history_is_for_staff(api, catalog):
    await api.patch("/api/pricing/settings", json={"default_margin_rate": 0.3}, role="admin")
    problem(await api.get("/api/pricing/prices/SKU-p1/history"), 401, "unauthenticated")
    problem(await api.get("/api/pricing/prices/SKU-p1/history", role="customer"), 403, "forbidden")
    history = (await api.get("/api/pricing/prices/SKU-p1/history", role="staff")).json()
    assert history["total"] == 2
    assert [r["price_excl_vat"] for r in history["items"]] == [342_500, 330_000]
    assert history["items"][0]["price_incl_vat"] == 342_500 + 61_650
    problem(await api.get("/api/pricing/prices/nope/history", role="staff"), 404, "not_found")


async def test_price_lists_show_customers_active_products_only(api, catalog):
    public = (await api.get("/api/pricing/prices")).json()
    assert [p["sku"] for p in public["items"]] == ["SKU-p1", "SKU-p2", "SKU-v1"]
    no_costs(public)
    staff = (await api.get("/api/pricing/prices", role="staff")).json()
    assert staff["total"] == 4
    assert {p["sku"]: p["base_cost"] for p in staff["items"]}["SKU-v1"] == 300_000
    phones = (await api.get("/api/pricing/prices", params={"category_id": "phones"})).json()
    assert [p["sku"] for p in phones["items"]] == ["SKU-p2"]
    page = (await api.get("/api/pricing/prices", params={"limit": 1, "offset": 1})).json()
    assert ([p["sku"] for p in page["items"]], page["total"]) == (["SKU-p2"], 3)
    problem(await api.get("/api/pricing/prices?limit=0"), 422, "validation_error", "query.limit")


# Settings ------------------------------------------------------------------------------------


async def test_settings_are_read_by_staff_and_changed_by_admins_only(api, catalog):
    problem(await api.get("/api/pricing/settings"), 401, "unauthenticated")
    problem(await api.get("/api/pricing/settings", role="customer"), 403, "forbidden")
    settings = (await api.get("/api/pricing/settings", role="staff")).json()
    assert settings == {
        "default_margin_rate": 0.25,
        "service_fee_rate": 0.05,
        "insurance_rate": 0.02,
        "min_margin_rate": 0.1,
        "vat_rate": 0.18,
        "rounding_step": 5,
        "rounding_mode": "up",
        "quote_validity_hours": 72,
        "tiers": [],
    }
    change = {"service_fee_rate": 0.04}
    problem(await api.patch("/api/pricing/settings", json=change), 401, "unauthenticated")
    problem(await api.patch("/api/pricing/settings", json=change, role="staff"), 403, "forbidden")
    for path in ("/api/pricing/categories/it/settings", "/api/pricing/products/p1/settings"):
        problem(await api.put(path, json={"margin_rate": 0.3}, role="staff"), 403, "forbidden")
        problem(await api.delete(path, role="staff"), 403, "forbidden")
        problem(await api.get(path, role="customer"), 403, "forbidden")
    changed = await api.patch("/api/pricing/settings", json=change, role="admin")
    assert changed.status_code == 200, changed.text
    assert changed.json()["service_fee_rate"] == 0.04


async def test_a_global_change_reprices_and_announces_each_product_once(api, catalog, system):
    before = len(await emitted(system, "pricing.price.calculated"))
    response = await api.patch(
        "/api/pricing/settings",
        json={"default_margin_rate": "0.3", "rounding_step": 100},
        role="admin",
    )
    assert response.status_code == 200, response.text
    [changed] = await emitted(system, "pricing.settings.changed")
    assert changed["scope"] == "global"
    assert (changed["defaultMarginRate"], changed["roundingStep"]) == (0.3, 100)
    assert changed["changedBy"] == "admin"
    calculated = (await emitted(system, "pricing.price.calculated"))[before:]
    # products only (the variant is priced, not announced as a product)
    assert {e["productId"]: e["finalPrice"] for e in calculated} == {
        "p1": 342_500,
        "p2": 1_400,  # 1 001 × 1.37 = 1 371.37 → up to 100 F
        "draft": 342_500,
    }
    margins = await emitted(system, "pricing.margin.updated")
    assert {(m["productId"], m["previousMarginRate"], m["marginRate"]) for m in margins} == {
        ("p1", 0.25, 0.3),
        ("p2", 0.25, 0.3),
        ("draft", 0.25, 0.3),
    }
    # the same values again change nothing and announce nothing
    await api.patch("/api/pricing/settings", json={"rounding_step": 100}, role="admin")
    assert len(await emitted(system, "pricing.settings.changed")) == 1
    assert len(await emitted(system, "pricing.price.calculated")) == before + 3


async def test_a_vat_change_is_recorded_but_the_seed_price_event_is_not_repeated(
    api, catalog, system
):
    before = len(await emitted(system, "pricing.price.calculated"))
    await api.patch("/api/pricing/settings", json={"vat_rate": 0.2}, role="admin")
    assert len(await emitted(system, "pricing.price.calculated")) == before
    body = (await api.get("/api/pricing/prices/SKU-p1")).json()
    assert (body["unit_vat"], body["unit_price_incl_vat"]) == (66_000, 396_000)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"default_margin_rate": 1.5}, "body.default_margin_rate"),
        ({"service_fee_rate": -0.01}, "body.service_fee_rate"),
        ({"insurance_rate": "abc"}, "body.insurance_rate"),
        ({"insurance_rate": 0.123456}, "body.insurance_rate"),
        ({"default_margin_rate": None}, "body.default_margin_rate"),
        ({"rounding_step": 0}, "body.rounding_step"),
        ({"rounding_mode": "down"}, "body.rounding_mode"),
        ({"quote_validity_hours": 0}, "body.quote_validity_hours"),
        ({"marge": 0.3}, "body.marge"),
        ({}, "body"),
        ({"tiers": [{"min_quantity": 1, "discount_rate": 0.05}]}, "body.tiers.0.min_quantity"),
        (
            {
                "tiers": [
                    {"min_quantity": 10, "discount_rate": 0.05},
                    {"min_quantity": 5, "discount_rate": 0.08},
                ]
            },
            "body.tiers.1.min_quantity",
        ),
        ({"default_margin_rate": 0.05}, "body.default_margin_rate"),
        ({"min_margin_rate": 0.3}, "body.min_margin_rate"),
    ],
)
async def test_bad_global_settings_are_refused_naming_the_field(api, catalog, change, field):
    response = await api.patch("/api/pricing/settings", json=change, role="admin")
    problem(response, 422, "validation_error", field)


async def test_the_minimum_margin_cannot_rise_above_a_category_margin(api, catalog):
    put = await api.put(
        "/api/pricing/categories/laptops/settings", json={"margin_rate": 0.12}, role="admin"
    )
    assert put.status_code == 200, put.text
    refused = await api.patch("/api/pricing/settings", json={"min_margin_rate": 0.15}, role="admin")
    body = problem(refused, 422, "validation_error", "body.min_margin_rate")
    assert "category:laptops" in body["detail"]


async def test_the_most_specific_settings_win(api, catalog, system):
    async def margin_of(sku: str) -> tuple[float, str]:
        body = (await api.get(f"/api/pricing/prices/{sku}", role="staff")).json()
        return body["margin_rate"], body["sources"]["margin_rate"]

    await api.put("/api/pricing/categories/it/settings", json={"margin_rate": 0.4}, role="admin")
    assert await margin_of("SKU-p1") == (0.4, "category:it")
    assert await margin_of("SKU-p2") == (0.4, "category:it")
    await api.put(
        "/api/pricing/categories/laptops/settings",
        json={"margin_rate": 0.2, "insurance_rate": 0},
        role="admin",
    )
    assert await margin_of("SKU-p1") == (0.2, "category:laptops")
    assert await margin_of("SKU-p2") == (0.4, "category:it")
    product = await api.put(
        "/api/pricing/products/p1/settings", json={"margin_rate": 0.15}, role="admin"
    )
    assert product.json() == {
        "scope": "product:p1",
        "margin_rate": 0.15,
        "service_fee_rate": None,
        "insurance_rate": None,
        "tiers": None,
    }
    assert await margin_of("SKU-p1") == (0.15, "product:p1")
    assert await margin_of("SKU-v1") == (0.15, "product:p1")  # variants follow their product
    body = (await api.get("/api/pricing/prices/SKU-p1", role="staff")).json()
    assert body["sources"]["insurance_rate"] == "category:laptops"
    assert body["unit_price_excl_vat"] == 300_000  # 250 000 × (1 + 0.15 + 0.05 + 0)
    # back to inherited
    assert (await api.delete("/api/pricing/products/p1/settings", role="admin")).status_code == 204
    assert await margin_of("SKU-p1") == (0.2, "category:laptops")
    problem(await api.delete("/api/pricing/products/p1/settings", role="admin"), 404, "not_found")
    read = await api.get("/api/pricing/categories/laptops/settings", role="staff")
    assert (read.json()["margin_rate"], read.json()["insurance_rate"]) == (0.2, 0)
    changes = await emitted(system, "pricing.settings.changed")
    laptops = next(c for c in changes if c["scope"] == "category:laptops")
    # what is in force at the category: its own margin and insurance, the parent's nothing else
    assert (laptops["defaultMarginRate"], laptops["insuranceRate"], laptops["serviceFeeRate"]) == (
        0.2,
        0,
        0.05,
    )


async def test_scope_settings_bad_input(api, catalog):
    put = "/api/pricing/categories/laptops/settings"
    problem(
        await api.put(put, json={"margin_rate": 0.05}, role="admin"),
        422,
        "validation_error",
        "body.margin_rate",
    )
    problem(
        await api.put(put, json={"margin_rate": 2}, role="admin"),
        422,
        "validation_error",
        "body.margin_rate",
    )
    problem(
        await api.put(put, json={"tiers": [{"min_quantity": 5, "discount_rate": 0}]}, role="admin"),
        422,
        "validation_error",
        "body.tiers.0.discount_rate",
    )
    problem(
        await api.put(
            put,
            json={
                "tiers": [
                    {"min_quantity": 5, "discount_rate": 0.1},
                    {"min_quantity": 10, "discount_rate": 0.05},
                ]
            },
            role="admin",
        ),
        422,
        "validation_error",
        "body.tiers.1.discount_rate",
    )
    problem(
        await api.put(
            "/api/pricing/products/ghost/settings", json={"margin_rate": 0.3}, role="admin"
        ),
        404,
        "not_found",
        "path.product_id",
    )
    problem(
        await api.put("/api/pricing/categories/bad%20id/settings", json={}, role="admin"),
        422,
        "validation_error",
        "path.category_id",
    )
    problem(
        await api.delete("/api/pricing/categories/none/settings", role="admin"), 404, "not_found"
    )


async def test_quantity_tiers_lower_the_unit_price(api, catalog):
    tiers = [
        {"min_quantity": 5, "discount_rate": 0.05},
        {"min_quantity": 10, "discount_rate": 0.08},
    ]
    put = await api.put("/api/pricing/products/p1/settings", json={"tiers": tiers}, role="admin")
    assert put.status_code == 200, put.text
    one = (await api.get("/api/pricing/prices/SKU-p1")).json()
    assert [(t["min_quantity"], t["unit_price_excl_vat"]) for t in one["tiers"]] == [
        (5, 313_500),  # 330 000 × 0.95
        (10, 303_600),  # 330 000 × 0.92
    ]
    five = (await api.get("/api/pricing/prices/SKU-p1?quantity=7")).json()
    assert five["tier"] == {"id": "product:p1:5", "min_quantity": 5, "discount_rate": 0.05}
    assert five["unit_price_excl_vat"] == 313_500
    no_costs(five)
    deep = [{"min_quantity": 2, "discount_rate": 0.5}]
    await api.put("/api/pricing/products/p1/settings", json={"tiers": deep}, role="admin")
    clamped = (await api.get("/api/pricing/prices/SKU-p1?quantity=2", role="staff")).json()
    assert clamped["margin_floor_applied"] is True
    assert clamped["effective_margin_rate"] == 0.1
    assert clamped["unit_price_excl_vat"] == 292_500  # 250 000 × (1 + 0.10 + 0.05 + 0.02)


# Quotes --------------------------------------------------------------------------------------


async def test_an_anonymous_quote_prices_the_cart_and_only_staff_read_it_back(api, catalog):
    response = await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 2), ("SKU-p2", 3)))
    assert response.status_code == 201, response.text
    quote = response.json()
    no_costs(quote)
    p1, p2 = quote["lines"]
    assert (p1["unit_price_excl_vat"], p1["line_total_excl_vat"], p1["line_vat"]) == (
        330_000,
        660_000,
        118_800,
    )
    assert (p2["unit_price_excl_vat"], p2["unit_vat"], p2["line_total_incl_vat"]) == (
        1_325,
        239,
        3 * 1_564,
    )
    assert quote["total_excl_vat"] == 660_000 + 3 * 1_325
    assert quote["total_vat"] == 118_800 + 3 * 239
    assert quote["total_incl_vat"] == quote["total_excl_vat"] + quote["total_vat"]
    created = datetime.fromisoformat(quote["created_at"])
    assert (datetime.fromisoformat(quote["expires_at"]) - created).total_seconds() == 72 * 3600
    path = f"/api/pricing/quotes/{quote['id']}"
    problem(await api.get(path), 401, "unauthenticated")
    problem(await api.get(path, role="customer"), 404, "not_found")
    staff = (await api.get(path, role="staff")).json()
    assert staff["owner_subject"] is None
    assert staff["lines"][0]["base_cost"] == 250_000


async def test_a_customer_reads_back_exactly_their_own_quote(api, catalog):
    created = await api.post(
        "/api/pricing/quotes", json=cart(("SKU-p1", 1)), role="customer", subject="awa"
    )
    quote = created.json()
    path = f"/api/pricing/quotes/{quote['id']}"
    assert (await api.get(path, role="customer", subject="awa")).json() == quote
    problem(await api.get(path, role="customer", subject="moussa"), 404, "not_found")
    assert (await api.get(path, role="staff")).json()["owner_subject"] == "awa"
    mine = (await api.get("/api/pricing/quotes", role="customer", subject="awa")).json()
    assert [q["id"] for q in mine["items"]] == [quote["id"]]
    no_costs(mine)
    theirs = (await api.get("/api/pricing/quotes", role="customer", subject="moussa")).json()
    assert theirs["total"] == 0
    every = (await api.get("/api/pricing/quotes", role="staff")).json()
    assert every["items"][0]["lines"][0]["base_cost"] == 250_000
    problem(await api.get("/api/pricing/quotes"), 401, "unauthenticated")
    problem(
        await api.get("/api/pricing/quotes/nope", role="staff"), 404, "not_found", "path.quote_id"
    )


async def test_a_quote_keeps_its_prices_when_the_settings_change(api, catalog):
    quote = (
        await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 1)), role="customer")
    ).json()
    await api.patch("/api/pricing/settings", json={"default_margin_rate": 0.5}, role="admin")
    again = (await api.get(f"/api/pricing/quotes/{quote['id']}", role="customer")).json()
    assert again == quote
    fresh = (await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 1)))).json()
    assert fresh["lines"][0]["unit_price_excl_vat"] == 392_500


async def test_staff_see_each_quote_line_s_breakdown(api, catalog):
    await api.put(
        "/api/pricing/products/p1/settings",
        json={"tiers": [{"min_quantity": 5, "discount_rate": 0.05}]},
        role="admin",
    )
    quote = (await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 5)), role="staff")).json()
    [line] = quote["lines"]
    assert line["tier"] == {"id": "product:p1:5", "min_quantity": 5, "discount_rate": 0.05}
    assert line["tier_discount_amount"] == 16_500
    assert (
        (
            line["base_cost"]
            + line["margin_amount"]
            + line["service_fee_amount"]
            + line["insurance_amount"]
            - line["tier_discount_amount"]
            + line["rounding_adjustment"]
        )
        == line["unit_price_excl_vat"]
        == 313_500
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "body.lines"),
        ({}, "body.lines"),
        (cart(("SKU-p1", 0)), "body.lines.0.quantity"),
        (cart(("SKU-p1", -1)), "body.lines.0.quantity"),
        (cart(("SKU-p1", 100_001)), "body.lines.0.quantity"),
        ({"lines": [{"sku": "SKU-p1"}]}, "body.lines.0.quantity"),
        ({"lines": [{"sku": "SKU-p1", "quantity": 1, "price": 1}]}, "body.lines.0.price"),
        ({"lines": [{"sku": "", "quantity": 1}]}, "body.lines.0.sku"),
        (cart(("SKU-p1", 1), ("nope", 1)), "body.lines.1.sku"),
        (cart(("SKU-draft", 1)), "body.lines.0.sku"),
        (cart(("SKU-p1", 1), ("SKU-p1", 2)), "body.lines.1.sku"),
        ({"lines": [{"sku": f"S{i}", "quantity": 1} for i in range(101)]}, "body.lines"),
    ],
)
async def test_bad_carts_are_refused_naming_the_field(api, catalog, body, field):
    problem(await api.post("/api/pricing/quotes", json=body), 422, "validation_error", field)


async def test_only_staff_quote_for_a_group_buy(api, catalog):
    body = {**cart(("SKU-p1", 5)), "group_id": "g1"}
    problem(
        await api.post("/api/pricing/quotes", json=body, role="customer"),
        403,
        "forbidden",
        "body.group_id",
    )
    problem(await api.post("/api/pricing/quotes", json=body), 403, "forbidden", "body.group_id")
    assert (await api.post("/api/pricing/quotes", json=body, role="staff")).status_code == 201


async def test_a_tier_is_announced_when_a_buyer_s_quantity_crosses_it(api, catalog, system):
    tiers = [
        {"min_quantity": 5, "discount_rate": 0.05},
        {"min_quantity": 10, "discount_rate": 0.08},
    ]
    await api.put("/api/pricing/categories/laptops/settings", json={"tiers": tiers}, role="admin")

    async def quote(quantity: int, **who) -> None:
        response = await api.post("/api/pricing/quotes", json=cart(("SKU-p1", quantity)), **who)
        assert response.status_code == 201, response.text

    awa = {"role": "customer", "subject": "awa"}
    for quantity in (1, 5, 6, 10, 12, 3, 5):
        await quote(quantity, **awa)
    await quote(5)  # anonymous: no buyer to follow
    await quote(5, role="customer", subject="moussa")
    group = {**cart(("SKU-p1", 10)), "group_id": "g1"}
    assert (await api.post("/api/pricing/quotes", json=group, role="staff")).status_code == 201
    activated = await emitted(system, "pricing.tier.activated")
    assert [(a["quantity"], a["tierId"], a["groupId"]) for a in activated] == [
        (5, "category:laptops:5", None),
        (10, "category:laptops:10", None),
        (5, "category:laptops:5", None),  # awa went down to 3, then up again
        (5, "category:laptops:5", None),  # moussa
        (10, "category:laptops:10", "g1"),
    ]
    first = activated[0]
    assert (first["productId"], first["sku"], first["minQuantity"]) == ("p1", "SKU-p1", 5)
    assert (first["unitPrice"], first["previousUnitPrice"]) == (313_500, 330_000)
    assert (activated[1]["unitPrice"], activated[1]["previousUnitPrice"]) == (303_600, 313_500)


async def test_a_settings_change_in_another_process_reaches_this_one_s_quotes(api, catalog, system):
    other = Platform(system.settings, bootstrap.registry())  # another API process, same database
    try:
        first = (await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 1)))).json()
        assert first["lines"][0]["unit_price_excl_vat"] == 330_000
        change = UpdateGlobalSettings("admin", default_margin_rate=Decimal("0.5"))
        await update_global_settings(other, change)
        again = (await api.post("/api/pricing/quotes", json=cart(("SKU-p1", 1)))).json()
        assert again["lines"][0]["unit_price_excl_vat"] == 392_500
    finally:
        await other.close()


async def test_other_engines_read_a_quote_through_the_facade(api, catalog, system):
    import itvision.engines.pricing as pricing

    assert set(pricing.__all__) == {"Quote", "QuotedLine", "SkuPrice", "prices_at", "quote"}
    body = (
        await api.post(
            "/api/pricing/quotes", json=cart(("SKU-p1", 2), ("SKU-v1", 1)), role="customer"
        )
    ).json()
    quote = await pricing.quote(system, body["id"])
    assert await pricing.quote(system, "nope") is None
    assert (quote.owner_subject, quote.total_incl_vat) == ("customer", body["total_incl_vat"])
    assert [(li.sku, li.quantity, li.unit_price_excl_vat) for li in quote.lines] == [
        ("SKU-p1", 2, 330_000),
        ("SKU-v1", 1, 396_000),
    ]
    assert quote.lines[0].base_cost == 250_000
    assert quote.expires_at > quote.created_at
