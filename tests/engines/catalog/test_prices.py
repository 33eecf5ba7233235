"""The price projection, fed by real `pricing.price.calculated` events on every backend:
products show their latest price, lists filter and sort by it, and an older calculation
never replaces a newer one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from itvision.engines.catalog import get_product
from itvision.engines.pricing.events import PriceCalculated
from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS, eventually
from tests.engines.catalog.conftest import create, laptop

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def priced(platform, product_id: str, final_price: int, at: datetime) -> None:
    async with platform.uows("pricing-engine") as uow:
        uow.emit(
            PriceCalculated(
                product_id=product_id,
                base_cost=250_000,
                margin_rate=Decimal("0.25"),
                service_fee_rate=Decimal("0.05"),
                insurance_rate=Decimal("0.02"),
                final_price=final_price,
                calculated_at=at,
            ),
        )


async def wait_price(platform, product_id: str, amount: int | None) -> None:
    async def shown() -> bool:
        product = await get_product(platform, product_id)
        return product is not None and product.final_price == amount

    await eventually(shown, 30, f"price {amount} of {product_id}")


async def test_lists_filter_and_sort_by_the_latest_price(api, tree):
    cheap = await create(api, laptop("CHEAP"))
    dear = await create(api, laptop("DEAR"))
    await create(api, laptop("UNPRICED"))
    await priced(api.platform, cheap["id"], 330_000, T0)
    await priced(api.platform, dear["id"], 900_000, T0)
    await priced(api.platform, cheap["id"], 310_000, T0 + timedelta(minutes=5))
    await wait_price(api.platform, cheap["id"], 310_000)
    await wait_price(api.platform, dear["id"], 900_000)

    async def skus(query: str) -> list[str]:
        response = await api.get(f"/api/catalog/products?{query}")
        assert response.status_code == 200, response.text
        return [p["sku"] for p in response.json()["items"]]

    assert await skus("sort=price") == ["CHEAP", "DEAR", "UNPRICED"]
    assert await skus("sort=-price") == ["DEAR", "CHEAP", "UNPRICED"]
    assert await skus("min_price=310000&max_price=310000") == ["CHEAP"]
    assert await skus("min_price=400000") == ["DEAR"]
    assert await skus("max_price=1000000&sort=price") == ["CHEAP", "DEAR"]
    shown = (await api.get(f"/api/catalog/products/{cheap['id']}")).json()["price"]
    assert shown == {"amount": 310_000, "currency": "XOF", "calculated_at": "2026-11-25T10:05:00Z"}


async def test_an_older_calculation_arriving_late_is_ignored(api, tree):
    product = await create(api, laptop())
    await priced(api.platform, product["id"], 330_000, T0 + timedelta(hours=1))
    await wait_price(api.platform, product["id"], 330_000)
    await priced(api.platform, product["id"], 999_000, T0)  # calculated earlier, read later
    await priced(api.platform, product["id"], 340_000, T0 + timedelta(hours=2))
    await wait_price(api.platform, product["id"], 340_000)
    assert (await get_product(api.platform, product["id"])).final_price == 340_000


async def test_a_replay_from_the_start_rebuilds_the_prices(api, tree):
    product = await create(api, laptop())
    await priced(api.platform, product["id"], 330_000, T0)
    await wait_price(api.platform, product["id"], 330_000)
    await api.platform.stop()  # Kafka moves a group's offsets only while no worker holds it
    await operations.reset_group(api.platform, "catalog-engine", from_offset=0)
    assert (await get_product(api.platform, product["id"])).final_price is None
    await api.platform.start()
    await wait_price(api.platform, product["id"], 330_000)


async def test_one_of_two_racing_creations_of_a_sku_wins(api, tree):
    first, second = await asyncio.gather(
        api.post("/api/catalog/products", json=laptop("RACE-1", name_fr="Un"), role="staff"),
        api.post("/api/catalog/products", json=laptop("RACE-1", name_fr="Deux"), role="staff"),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    loser = first if first.status_code == 409 else second
    assert "RACE-1" in loser.json()["detail"]
    listed = (await api.get("/api/catalog/products", role="staff")).json()
    assert listed["total"] == 1
