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

from itvision.engines.catalog.events import (
    CategoryUpdated,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    VariantCreated,
    VariantUpdated,
)
from itvision.engines.pricing.models import PricedItem
from itvision.engines.pricing.repricing import reprice
from itvision.engines.pricing.scopes import chain
from itvision.engines.pricing.store import all_items, load_settings, product_items
from itvision.platform.events import utcnow
from itvision.platform.uow import UnitOfWork

ARCHIVED = "archived"


class UnknownProduct(LookupError):
    """A variant event for a product pricing has not seen: retried, then dead-lettered."""


def category_path_of(payload: ProductCreated | ProductUpdated) -> list[str]:
    path = list(payload.category_path) or [payload.category_id]
    if path[-1] != payload.category_id:
        path.append(payload.category_id)
    return path


def variant_name(product_name: str, attributes: dict[str, str]) -> str:
    values = ", ".join(attributes.values())
    return f"{product_name} ({values})" if values else product_name


async def apply_product(uow: UnitOfWork, payload: ProductCreated | ProductUpdated) -> None:
    """Create or update the product's row (and its variants'), then reprice them."""
    at = payload.created_at if isinstance(payload, ProductCreated) else payload.updated_at
    items = await product_items(uow.session, payload.product_id)
    product = next((i for i in items if not i.is_variant), None)
    if product is not None and product.catalog_at > at:
        return
    if product is None:
        product = PricedItem(product_id=payload.product_id, variant_id=None, attributes={})
        uow.session.add(product)
        items.insert(0, product)
    product.sku = payload.sku
    product.name = payload.name
    product.name_en = payload.name_en
    product.category_path = category_path_of(payload)
    product.own_base_cost = product.base_cost = payload.base_cost
    product.currency = payload.currency
    product.status = payload.status
    product.catalog_at = at
    product.updated_at = utcnow()
    for variant in items[1:]:
        _follow(variant, product)
    await _reprice(uow, items)


async def apply_variant(uow: UnitOfWork, payload: VariantCreated | VariantUpdated) -> None:
    at = payload.created_at if isinstance(payload, VariantCreated) else payload.updated_at
    items = await product_items(uow.session, payload.product_id)
    product = next((i for i in items if not i.is_variant), None)
    if product is None:
        raise UnknownProduct(
            f"variant {payload.variant_id} of unknown product {payload.product_id}"
        )
    variant = next((i for i in items if i.variant_id == payload.variant_id), None)
    if variant is not None and variant.catalog_at > at:
        return
    if variant is None:
        variant = PricedItem(product_id=product.product_id, variant_id=payload.variant_id)
        uow.session.add(variant)
    variant.sku = payload.sku
    variant.attributes = dict(payload.attributes)
    variant.own_base_cost = payload.base_cost
    variant.currency = payload.currency
    variant.catalog_at = at
    _follow(variant, product)
    await _reprice(uow, [variant])


async def archive_product(uow: UnitOfWork, payload: ProductDeleted) -> None:
    """Archived products are not sold: no price for customers, no quote. Their prices stay."""
    for item in await product_items(uow.session, payload.product_id):
        if item.catalog_at <= payload.deleted_at:
            item.status = ARCHIVED
            item.catalog_at = payload.deleted_at
            item.updated_at = utcnow()


async def move_category(uow: UnitOfWork, payload: CategoryUpdated) -> None:
    """A category moved under another parent: the SKUs below it get the new path."""
    if not payload.path:
        return
    moved: list[PricedItem] = []
    for item in await all_items(uow.session):
        path = item.category_path
        if payload.category_id not in path or item.catalog_at > payload.updated_at:
            continue
        below = path[path.index(payload.category_id) + 1 :]
        new_path = [*payload.path, *below]
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
    if not items:
        return
    scopes = {s for item in items for s in chain(item.product_id, item.category_path)}
    await reprice(uow, items, await load_settings(uow.session, scopes))
