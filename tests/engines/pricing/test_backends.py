"""What depends on the backend: a catalog event priced and announced end to end (on all four),
and a tier crossing announced once under concurrent quotes (an upsert written per dialect: on
both databases)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from itvision.engines.pricing.commands import CartLine, QuoteCart, SetOverrides
from itvision.engines.pricing.rules.scopes import Overrides, product_scope
from itvision.engines.pricing.rules.tiers import Tier
from itvision.engines.pricing.services.quotes import quote_cart
from itvision.engines.pricing.services.settings import set_overrides
from tests.conftest import COMBINATIONS, eventually
from tests.engines.pricing.conftest import emitted, product_created, publish, seed

DATABASES = [c for c in COMBINATIONS if c.id.endswith("sqllog")]


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_catalog_product_is_priced_and_announced(system):
    await publish(system, product_created("p1", base_cost=100_000))

    async def announced() -> bool:
        return len(await emitted(system, "pricing.price.calculated")) == 1

    await eventually(announced, 30, "pricing.price.calculated")
    [event] = await emitted(system, "pricing.price.calculated")
    assert (event["productId"], event["finalPrice"]) == ("p1", 132_000)


@pytest.mark.parametrize("backend_settings", DATABASES, indirect=True)
async def test_concurrent_quotes_announce_a_tier_crossing_once(system):
    await seed(system, product_created("p1"))
    overrides = Overrides(tiers=(Tier(5, Decimal("0.05")),))
    await set_overrides(system, SetOverrides(product_scope("p1"), overrides, "admin"))
    lines = (CartLine("SKU-p1", 5),)

    async def quote() -> None:
        await quote_cart(system, QuoteCart(lines, owner_subject="awa"))

    await asyncio.gather(*(quote() for _ in range(6)))
    assert len(await emitted(system, "pricing.tier.activated")) == 1
    # anonymous: no buyer, no level
    anonymous = await quote_cart(system, QuoteCart(lines))
    assert anonymous.total_excl_vat == 5 * 313_500
    assert len(await emitted(system, "pricing.tier.activated")) == 1
