"""Pricing's own view of the catalog, kept from catalog events, and the repricing they cause.

A product is priced by its SKU with its base cost; a variant by its own SKU with its own base
cost, or the product's when it has none. Variants follow their product's category and status.
The category path (root → leaf) decides which category settings apply, the leaf first.

Each row remembers the time of the catalog state it holds (`catalog_at`, the event's own
`created_at`/`updated_at`); an event older than that is stale (a replay, a late redelivery) and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from itvision.engines.pricing.commands import (
    ArchiveProduct,
    MoveCategory,
    RepriceItems,
    SyncProduct,
    SyncVariant,
)
from itvision.engines.pricing.events import SOURCE
from itvision.engines.pricing.models import PricedItem
from itvision.engines.pricing.queries.items import (
    load_items,
    load_items_of_products,
    load_product_items,
)
from itvision.engines.pricing.rules.catalog import category_path_of, variant_name
from itvision.engines.pricing.services.repricing import reprice_items
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

ARCHIVED = "archived"


class UnknownProduct(NotYet):
    """A variant event for a product pricing has not seen yet: on Kafka the variant's topic can
    overtake its product's. The platform parks it until the product arrives."""


async def sync_product(on: Runner, command: SyncProduct) -> None:
    """Create or update the product's row (and its variants'), then reprice them."""
    await sync_products(on, [command])


async def sync_products(on: Runner, commands: Sequence[SyncProduct]) -> None:
    """`sync_product` for many products in log order (a catalog import brings thousands):
    their rows are read in one query and repriced together."""
    async with unit_of_work(on, SOURCE) as uow:
        known = await load_items_of_products(uow.session, {c.product_id for c in commands})
        touched: dict[str, PricedItem] = {}
        for command in commands:
            items = known.setdefault(command.product_id, [])
            product = next((i for i in items if not i.is_variant), None)
            if product is not None and product.catalog_at > command.at:
                continue
            if product is None:
                product = PricedItem(product_id=command.product_id, variant_id=None, attributes={})
                uow.session.add(product)
                items.insert(0, product)
            product.sku = command.sku
            product.name = command.name
            product.name_en = command.name_en
            product.category_path = category_path_of(command.category_id, command.category_path)
            product.own_base_cost = product.base_cost = command.base_cost
            product.currency = command.currency
            product.status = command.status
            product.catalog_at = command.at
            product.updated_at = utcnow()
            for variant in items[1:]:
                _follow(variant, product)
            touched.update((item.sku, item) for item in items)
        await _reprice(uow, list(touched.values()))


async def sync_variant(on: Runner, command: SyncVariant) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        items = await load_product_items(uow.session, command.product_id)
        product = next((i for i in items if not i.is_variant), None)
        if product is None:
            raise UnknownProduct(
                f"variant {command.variant_id} of unknown product {command.product_id}"
            )
        variant = next((i for i in items if i.variant_id == command.variant_id), None)
        if variant is not None and variant.catalog_at > command.at:
            return
        if variant is None:
            variant = PricedItem(product_id=product.product_id, variant_id=command.variant_id)
            uow.session.add(variant)
        variant.sku = command.sku
        variant.attributes = dict(command.attributes)
        variant.own_base_cost = command.base_cost
        variant.currency = command.currency
        variant.catalog_at = command.at
        _follow(variant, product)
        await _reprice(uow, [variant])


async def archive_product(on: Runner, command: ArchiveProduct) -> None:
    """Archived products are not sold: no price for customers, no quote. Their prices stay."""
    async with unit_of_work(on, SOURCE) as uow:
        for item in await load_product_items(uow.session, command.product_id):
            if item.catalog_at <= command.at:
                item.status = ARCHIVED
                item.catalog_at = command.at
                item.updated_at = utcnow()


async def move_category(on: Runner, command: MoveCategory) -> None:
    """A category moved under another parent: the SKUs below it get the new path."""
    if not command.path:
        return
    async with unit_of_work(on, SOURCE) as uow:
        moved: list[PricedItem] = []
        for item in await load_items(uow.session):
            path = item.category_path
            if command.category_id not in path or item.catalog_at > command.at:
                continue
            below = path[path.index(command.category_id) + 1 :]
            new_path = [*command.path, *below]
            if new_path != path:
                item.category_path = new_path
                item.updated_at = utcnow()
                moved.append(item)
        await _reprice(uow, moved)


def _follow(variant: PricedItem, product: PricedItem) -> None:
    """A variant takes its product's name, category, status — and cost unless it has its own."""
    variant.name = variant_name(product.name, variant.attributes)
    variant.name_en = variant_name(product.name_en, variant.attributes) if product.name_en else None
    variant.category_path = list(product.category_path)
    variant.base_cost = (
        product.base_cost if variant.own_base_cost is None else variant.own_base_cost
    )
    variant.status = product.status
    variant.catalog_at = _latest(variant.catalog_at, product.catalog_at)
    variant.updated_at = utcnow()


def _latest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


async def _reprice(uow: UnitOfWork, items: Sequence[PricedItem]) -> None:
    if items:
        await reprice_items(uow, RepriceItems(tuple(item.sku for item in items)))
