"""`itvision demo` loads a priced, stocked shop with a running sale, through the API; loading it
again changes nothing."""

from __future__ import annotations

import pytest

from itvision.demo import CATEGORIES, PRODUCTS, load_demo, running_api
from itvision.settings import load_settings

LAPTOP = "HP-EB840-G8-R"  # refurbished, in a subcategory of the sale's category
MOUSE = "LOGI-M185-GRIS"  # a variant


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("ITVISION_DATABASE_URL", "ITVISION_BUS_URL", "ITVISION_ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return load_settings(data_dir=tmp_path, log_level="warning")


async def _shop(settings, token: str) -> dict:
    """What a client sees of the shop."""
    async with running_api(settings) as (client, _):
        client.headers["Authorization"] = f"Bearer {token}"
        products = (await client.get("/api/catalog/products?limit=200&status=active")).json()
        stock = (await client.get("/api/inventory/stock?limit=200")).json()
        promotions = (await client.get("/api/promotions?limit=100")).json()
        return {
            "categories": len((await client.get("/api/catalog/categories")).json()),
            "products": sorted(p["sku"] for p in products["items"]),
            "stock": sorted((s["sku"], s["warehouse_id"], s["on_hand"]) for s in stock["items"]),
            "promotions": sorted(p["name"] for p in promotions["items"]),
        }


async def test_the_demo_shop_is_priced_stocked_and_on_sale_and_loads_once(settings):
    first = await load_demo(settings)
    assert first.products_created == len(PRODUCTS) >= 40
    assert first.categories_created == len(CATEGORIES)
    assert first.promotions_created == 2
    assert first.token.startswith("itv_")
    assert any(url.endswith("/docs") for url in first.urls)

    async with running_api(settings) as (client, _):
        price = await client.get(f"/api/pricing/prices/{LAPTOP}")
        assert price.status_code == 200, price.text
        unit_price = price.json()["unit_price_incl_vat"]
        assert unit_price > 235_000

        listed = (await client.get("/api/catalog/products?max_price=50000&limit=200")).json()
        assert listed["total"] > 5 and LAPTOP not in {p["sku"] for p in listed["items"]}

        for sku, stocked in ((LAPTOP, 8 + 4), (MOUSE, 40 + 25)):
            stock = (await client.get(f"/api/inventory/stock/{sku}")).json()
            assert (stock["available"], stock["in_stock"]) == (stocked, True)
            assert {s["warehouse_id"] for s in stock["locations"]} >= {"dakar", "abidjan"}

        product = (await client.get(f"/api/catalog/products/by-sku/{LAPTOP}")).json()
        cart = {"lines": [{"sku": LAPTOP, "product_id": product["id"], "quantity": 1,
                           "unit_price": unit_price}], "codes": ["bienvenue"]}  # fmt: skip
        evaluation = (await client.post("/api/promotions/evaluate", json=cart)).json()
        assert evaluation["subtotal"] == unit_price
        assert evaluation["discount_total"] == round(unit_price * 0.1) + 5_000, evaluation

    shop = await _shop(settings, first.token)
    assert len(shop["products"]) == len(PRODUCTS)

    second = await load_demo(settings)
    assert (second.categories_created, second.products_created, second.receipts) == (0, 0, 0)
    assert (second.products_skipped, second.promotions_created) == (len(PRODUCTS), 0)
    assert await _shop(settings, first.token) == shop
