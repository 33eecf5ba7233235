"""Products with variants created back to back are all priced and stocked, on every backend: on
Kafka a variant's event may reach pricing and inventory before its product's (two topics), and
waits for it, parked, instead of becoming a dead letter."""

from __future__ import annotations

import pytest

from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS, REVERSED, eventually
from tests.support.buses import caught_up, parked_so_far

pytestmark = pytest.mark.parametrize("backend_settings", [*COMBINATIONS, REVERSED], indirect=True)

PRODUCTS = 20


async def test_twenty_products_with_a_variant_each_have_every_variant_priced(api, request):
    parked_before = parked_so_far("inventory-engine", "catalog.variant.created")
    category = await api.post(
        "/api/catalog/categories",
        json={"name_fr": "Téléphones", "slug": "telephones", "parent_id": None},
        role="staff",
    )
    assert category.status_code == 201, category.text
    skus = []
    for i in range(PRODUCTS):
        sku = f"PHONE-{i:02d}"
        created = await api.post(
            "/api/catalog/products",
            json={"sku": sku, "name_fr": f"Téléphone {i}", "status": "active",
                  "category_id": category.json()["id"], "base_cost": 100_000 + i,
                  "variants": [{"sku": f"{sku}-128", "options": {"stockage": "128 Go"}}]},
            role="staff",
        )  # fmt: skip
        assert created.status_code == 201, created.text
        # A second variant added right after, in its own request.
        added = await api.post(
            f"/api/catalog/products/{created.json()['id']}/variants",
            json={"sku": f"{sku}-256", "options": {"stockage": "256 Go"}, "base_cost": 150_000},
            role="staff",
        )
        assert added.status_code == 201, added.text
        skus += [sku, f"{sku}-128", f"{sku}-256"]

    async def every_sku_priced() -> bool:
        for sku in skus:
            if (await api.get(f"/api/pricing/prices/{sku}")).status_code != 200:
                return False
        return True

    await eventually(every_sku_priced, 60, "every product and variant priced")

    async def every_sku_stocked() -> bool:
        for sku in skus:
            if (await api.get(f"/api/inventory/stock/{sku}")).status_code != 200:
                return False
        return True

    await eventually(every_sku_stocked, 60, "every product and variant known to inventory")
    await caught_up(api.platform, 60)
    assert await operations.list_dead_letters(api.platform) == []
    assert await operations.list_parked(api.platform) == []
    # A variant without a cost of its own is priced, and costed in stock, from its product's,
    # and named after it: it was applied after its product, whatever order it arrived in.
    for i in range(PRODUCTS):
        variant = (await api.get(f"/api/pricing/prices/PHONE-{i:02d}-128")).json()
        product = (await api.get(f"/api/pricing/prices/PHONE-{i:02d}")).json()
        assert variant["unit_price_excl_vat"] == product["unit_price_excl_vat"]
        stock = (await api.get(f"/api/inventory/stock/PHONE-{i:02d}-128", role="staff")).json()
        assert (stock["name"], stock["unit_cost"]) == (f"Téléphone {i} (128 Go)", 100_000 + i)
    if "reversed" in request.node.name:
        # Delivered newest first, variants reached inventory before their products.
        assert parked_so_far("inventory-engine", "catalog.variant.created") > parked_before
