"""Fixtures of the billing tests: every engine's topics and tables with only billing's
consumers running (what these tests see does not depend on how other engines react to the
order events they publish), and catalog products for quotes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from itvision import bootstrap
from itvision.engines.billing.consumers import GROUP
from itvision.platform.system import Platform
from itvision.settings import Settings
from tests.support.schema import migrate


@pytest.fixture
async def system(backend_settings: Settings) -> AsyncIterator[Platform]:
    platform = Platform(backend_settings, bootstrap.registry(), [GROUP])
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def catalog(api) -> dict[str, str]:
    """Two products the catalog sells: SKU → product id."""
    response = await api.post(
        "/api/catalog/categories",
        json={"name_fr": "Ordinateurs portables", "slug": "ordinateurs-portables"},
        role="staff",
    )
    assert response.status_code == 201, response.text
    products = {}
    for sku, name, cost in (
        ("HP-840-G8", "HP EliteBook 840 G8", 250_000),
        ("DELL-5440", "Dell Latitude 5440", 310_000),
    ):
        response = await api.post(
            "/api/catalog/products",
            json={
                "sku": sku,
                "name_fr": name,
                "category_id": "ordinateurs-portables",
                "status": "active",
                "base_cost": cost,
            },
            role="staff",
        )
        assert response.status_code == 201, response.text
        products[sku] = response.json()["id"]
    return products
