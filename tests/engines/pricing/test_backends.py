"""What depends on the backend: a catalog event priced and announced end to end (on all four),
and a tier crossing announced once under concurrent quotes (an upsert written per dialect: on
both databases)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from itvision.engines.pricing import quoting, settings_admin
from itvision.engines.pricing.scopes import Overrides, product_scope
from itvision.engines.pricing.tiers import Tier
from itvision.platform.auth import Principal, Role
from tests.conftest import COMBINATIONS, eventually
from tests.engines.pricing.conftest import emitted, product_created, publish, seed

DATABASES = [c for c in COMBINATIONS if c.id.endswith("sqllog")]


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_catalog_product_is_priced_and_announced(system):
    await publish(system, "catalog.product.created", product_created("p1", base_cost=100_000))

    async def announced() -> bool:
        return len(await emitted(system, "pricing.price.calculated")) == 1

    await eventually(announced, 30, "pricing.price.calculated")
    [event] = await emitted(system, "pricing.price.calculated")
    assert (event["productId"], event["finalPrice"]) == ("p1", 132_000)


@pytest.mark.parametrize("backend_settings", DATABASES, indirect=True)
async def test_concurrent_quotes_announce_a_tier_crossing_once(system):
    await seed(system, product_created("p1"))
    async with system.uows("pricing-engine") as uow:
        overrides = Overrides(tiers=(Tier(5, Decimal("0.05")),))
        await settings_admin.set_overrides(uow, product_scope("p1"), overrides, "admin")
    buyer = Principal("awa", Role.CUSTOMER)

    async def quote() -> None:
        async with system.uows("pricing-engine") as uow:
            await quoting.create_quote(uow, [quoting.CartLine("SKU-p1", 5)], buyer)

    await asyncio.gather(*(quote() for _ in range(6)))
    assert len(await emitted(system, "pricing.tier.activated")) == 1
    async with system.uows("pricing-engine") as uow:  # anonymous: no buyer, no level
        anonymous = await quoting.create_quote(uow, [quoting.CartLine("SKU-p1", 5)], None)
    assert anonymous.total_excl_vat == 5 * 313_500
    assert len(await emitted(system, "pricing.tier.activated")) == 1
