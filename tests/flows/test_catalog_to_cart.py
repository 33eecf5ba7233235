"""A product created in the catalog is priced, stocked, searchable by price and covered by a
category sale — through events only, no engine calling another — on every backend."""

from __future__ import annotations

import pytest

from tests.conftest import COMBINATIONS, eventually

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)

SKU = "HP-840-G8"


async def test_a_new_product_is_priced_stocked_found_and_discounted(api):
    categories = {}
    for name, slug, parent in (
        ("Informatique", "informatique", None),
        ("Ordinateurs portables", "ordinateurs-portables", "informatique"),
    ):
        created = await api.post(
            "/api/catalog/categories",
            json={"name_fr": name, "slug": slug, "parent_id": parent},
            role="staff",
        )
        assert created.status_code == 201, created.text
        categories[slug] = created.json()["id"]
    sale = await api.post(
        "/api/promotions",
        json={"name": "Rentrée informatique", "kind": "percentage", "discount_rate": 0.1,
              "category_ids": [categories["informatique"]]},
        role="staff",
    )  # fmt: skip
    assert sale.status_code == 201, sale.text

    product = await api.post(
        "/api/catalog/products",
        json={"sku": SKU, "name_fr": "HP EliteBook 840 G8", "brand": "HP", "status": "active",
              "category_id": categories["ordinateurs-portables"], "condition": "refurbished",
              "grade": "A", "ram_gb": 16, "storage_gb": 512, "base_cost": 250_000},
        role="staff",
    )  # fmt: skip
    assert product.status_code == 201, product.text
    product_id = product.json()["id"]

    # Priced by the pricing engine, from catalog.product.created.
    async def priced() -> bool:
        return (await api.get(f"/api/pricing/prices/{SKU}")).status_code == 200

    await eventually(priced, timeout=30, what="the product priced")
    price = (await api.get(f"/api/pricing/prices/{SKU}")).json()
    assert price["unit_price_excl_vat"] == 330_000
    assert price["unit_price_incl_vat"] == 389_400
    assert "base_cost" not in price and "margin_rate" not in str(price)

    # Searchable by price in the catalog, from pricing.price.calculated.
    async def found_by_price() -> bool:
        listed = await api.get("/api/catalog/products?min_price=300000&max_price=400000&brand=HP")
        return [p["id"] for p in listed.json()["items"]] == [product_id]

    await eventually(found_by_price, timeout=30, what="the product found by its price")
    outside = await api.get("/api/catalog/products?max_price=100000")
    assert outside.json()["items"] == []

    # Known to inventory, from catalog.product.created; stocked by a receipt.
    async def known_to_inventory() -> bool:
        return (await api.get(f"/api/inventory/stock/{SKU}")).status_code == 200

    await eventually(known_to_inventory, timeout=30, what="the SKU known to inventory")
    assert (await api.get(f"/api/inventory/stock/{SKU}")).json()["available"] == 0
    receipt = await api.post(
        "/api/inventory/receipts",
        json={"sku": SKU, "warehouse_id": "dakar", "quantity": 5, "reference": "BL-0001"},
        role="staff",
    )
    assert receipt.status_code == 201, receipt.text
    stock = (await api.get(f"/api/inventory/stock/{SKU}")).json()
    assert (stock["available"], stock["in_stock"]) == (5, True)

    # The category sale covers it (the promotion engine knows its category path from events).
    cart = {"lines": [{"sku": SKU, "product_id": product_id, "quantity": 2,
                       "unit_price": price["unit_price_incl_vat"]}]}  # fmt: skip

    async def discounted() -> bool:
        evaluation = (await api.post("/api/promotions/evaluate", json=cart)).json()
        return evaluation["discount_total"] > 0

    await eventually(discounted, timeout=30, what="the category sale to apply")
    evaluation = (await api.post("/api/promotions/evaluate", json=cart)).json()
    assert evaluation["subtotal"] == 778_800
    assert evaluation["discount_total"] == 77_880
    assert evaluation["total"] == 700_920
    assert [a["name"] for a in evaluation["applied"]] == ["Rentrée informatique"]
