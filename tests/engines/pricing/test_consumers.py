"""Pricing follows the catalog through its events: new products and variants get priced, cost
and category changes reprice, and a price is announced only when it changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from itvision.engines import pricing
from itvision.engines.catalog.events import CategoryUpdated, ProductDeleted
from itvision.engines.pricing.events import SOURCE
from itvision.engines.pricing.models import PricedItem, PriceRecord
from itvision.platform.bus import operations
from itvision.platform.events import utcnow
from tests.conftest import eventually
from tests.engines.pricing.conftest import (
    emitted,
    product_created,
    product_updated,
    publish,
    variant_created,
)

SEED_FIELDS = {
    "productId",
    "baseCost",
    "marginRate",
    "serviceFeeRate",
    "insuranceRate",
    "finalPrice",
    "currency",
    "calculatedAt",
}


async def wait_events(system, topic: str, count: int) -> list[dict]:
    async def enough() -> bool:
        return len(await emitted(system, topic)) >= count

    await eventually(enough, 20, f"{count} × {topic}")
    return await emitted(system, topic)


async def history_count(system, sku: str) -> int:
    async with system.db.reads() as session:
        return await session.scalar(
            select(func.count()).select_from(PriceRecord).where(PriceRecord.sku == sku)
        )


async def item(system, sku: str) -> PricedItem | None:
    async with system.db.reads() as session:
        return await session.get(PricedItem, sku)


async def settle(system) -> None:
    """Wait until the pricing group has applied everything published so far."""

    async def caught_up() -> bool:
        groups = await operations.group_statuses(system)
        return next(g for g in groups if g.group == SOURCE).lag == 0

    await eventually(caught_up, 20, "pricing caught up")


async def test_a_new_catalog_product_is_priced_and_announced_with_the_seed_fields(system):
    await publish(system, product_created("p1"))
    [calculated] = await wait_events(system, "pricing.price.calculated", 1)
    assert set(calculated) == SEED_FIELDS
    assert calculated["productId"] == "p1"
    assert calculated["baseCost"] == 250_000
    assert calculated["marginRate"] == 0.25
    assert calculated["serviceFeeRate"] == 0.05
    assert calculated["insuranceRate"] == 0.02
    assert calculated["finalPrice"] == 330_000
    assert calculated["currency"] == "XOF"
    priced = await item(system, "SKU-p1")
    assert priced.category_path == ["it", "computers", "laptops"]
    assert priced.status == "active"


async def test_a_cost_change_reprices_and_other_changes_announce_nothing(system):
    created = product_created("p1")
    await publish(system, created)
    await wait_events(system, "pricing.price.calculated", 1)
    await publish(system, product_updated(created, ["name"], name="Nouveau nom"))
    await publish(
        system,
        product_updated(created, ["base_cost"], base_cost=300_000, name="Nouveau nom"),
    )
    await settle(system)
    events = await emitted(system, "pricing.price.calculated")
    assert [e["finalPrice"] for e in events] == [330_000, 396_000]
    assert (await item(system, "SKU-p1")).name == "Nouveau nom"
    assert await history_count(system, "SKU-p1") == 2
    assert await emitted(system, "pricing.margin.updated") == []


async def test_variants_are_priced_by_their_own_sku_and_cost_or_the_product_s(system):
    created = product_created("p1", base_cost=100_000)
    await publish(system, created)
    await publish(system, variant_created("p1", "v-same"))
    await publish(system, variant_created("p1", "v-own", base_cost=200_000))
    await settle(system)
    prices = await pricing.prices_at(system, ["SKU-v-same", "SKU-v-own", "unknown"], utcnow())
    assert set(prices) == {"SKU-v-same", "SKU-v-own"}
    same, own = prices["SKU-v-same"], prices["SKU-v-own"]
    assert same.price_excl_vat == 132_000
    assert own.price_excl_vat == 264_000
    assert (await item(system, "SKU-v-same")).name == "Produit p1 (16 Go)"
    # variants follow their product's cost when they have none of their own
    await publish(system, product_updated(created, ["base_cost"], base_cost=50_000))
    await settle(system)
    prices = await pricing.prices_at(system, ["SKU-v-same", "SKU-v-own"], utcnow())
    same, own = prices["SKU-v-same"], prices["SKU-v-own"]
    assert (same.price_excl_vat, own.price_excl_vat) == (66_000, 264_000)
    # the seed's event is about products: variants are not announced as products
    assert {e["productId"] for e in await emitted(system, "pricing.price.calculated")} == {"p1"}
    assert len(await emitted(system, "pricing.price.calculated")) == 2


async def test_a_deleted_product_and_its_variants_are_no_longer_for_sale(system):
    await publish(system, product_created("p1"))
    await publish(system, variant_created("p1", "v1"))
    await publish(
        system,
        ProductDeleted(product_id="p1", sku="SKU-p1", deleted_at=utcnow()),
    )
    await settle(system)
    assert (await item(system, "SKU-p1")).status == "archived"
    assert (await item(system, "SKU-v1")).status == "archived"


async def test_the_price_at_a_past_moment_is_the_one_in_force_then(system):
    before_creation = utcnow()
    created = product_created("p1", base_cost=100_000)
    await publish(system, created)
    await settle(system)
    first_period = utcnow()
    await publish(
        system,
        product_updated(created, ["base_cost"], base_cost=200_000),
    )
    await settle(system)
    assert await price_at(system, "SKU-p1", before_creation) is None
    then = await price_at(system, "SKU-p1", first_period)
    now = await price_at(system, "SKU-p1", utcnow() + timedelta(seconds=1))
    assert await price_at(system, "unknown", utcnow()) is None
    assert (then.base_cost, then.price_excl_vat, then.price_incl_vat) == (100_000, 132_000, 155_760)
    assert (now.base_cost, now.price_excl_vat) == (200_000, 264_000)


async def test_a_moved_category_takes_its_products_along(system):
    await publish(system, product_created("p1"))
    await settle(system)
    await publish(
        system,
        CategoryUpdated(
            category_id="computers",
            name="Ordinateurs",
            slug="ordinateurs",
            parent_id="office",
            path=["office", "computers"],
            updated_at=utcnow(),
        ),
    )
    await settle(system)
    assert (await item(system, "SKU-p1")).category_path == ["office", "computers", "laptops"]


async def test_replaying_the_catalog_from_the_start_announces_nothing_new(system):
    created = product_created("p1")
    await publish(system, created)
    await publish(system, product_updated(created, ["base_cost"], base_cost=1_000))
    await wait_events(system, "pricing.price.calculated", 2)
    await operations.reset_group(system, SOURCE, from_offset=0)
    await settle(system)
    assert len(await emitted(system, "pricing.price.calculated")) == 2
    assert (await item(system, "SKU-p1")).base_cost == 1_000


async def price_at(system, sku: str, at):
    return (await pricing.prices_at(system, [sku], at)).get(sku)
