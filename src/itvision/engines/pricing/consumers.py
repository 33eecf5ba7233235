"""What the pricing engine reacts to: the catalog's products, variants and categories, and the
tiers group buys reach (announced as `pricing.tier.activated`).

Each handler turns the event into a command and runs its use case in the unit of work that
records the event as applied, so the projection, the price history and the events it emits
commit together, once per event (and with the rest of the batch the event came in).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.events import (
    CategoryUpdated,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    VariantCreated,
    VariantUpdated,
)
from itvision.engines.groupbuy.events import ThresholdReached
from itvision.engines.pricing.commands import (
    ActivateGroupTier,
    ArchiveProduct,
    MoveCategory,
    SyncProduct,
    SyncVariant,
)
from itvision.engines.pricing.events import SOURCE
from itvision.engines.pricing.models import PricedItem
from itvision.engines.pricing.services.catalog import (
    archive_product,
    move_category,
    sync_products,
    sync_variant,
)
from itvision.engines.pricing.services.group_tiers import activate_group_tier
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_catalog(session: AsyncSession) -> None:
    """Before a replay from the start: the catalog projection is rebuilt from the events; the
    price history stays (a replayed price equal to the last recorded one is not announced)."""
    await session.execute(delete(PricedItem))


GROUP = ConsumerGroup(SOURCE, rebuild=_forget_catalog)


def product_command(payload: ProductCreated | ProductUpdated) -> SyncProduct:
    at = payload.created_at if isinstance(payload, ProductCreated) else payload.updated_at
    return SyncProduct(
        product_id=payload.product_id,
        sku=payload.sku,
        name=payload.name,
        name_en=payload.name_en,
        category_id=payload.category_id,
        category_path=tuple(payload.category_path),
        base_cost=payload.base_cost,
        currency=payload.currency,
        status=payload.status,
        at=at,
    )


def variant_command(payload: VariantCreated | VariantUpdated) -> SyncVariant:
    at = payload.created_at if isinstance(payload, VariantCreated) else payload.updated_at
    return SyncVariant(
        product_id=payload.product_id,
        variant_id=payload.variant_id,
        sku=payload.sku,
        attributes=dict(payload.attributes),
        base_cost=payload.base_cost,
        currency=payload.currency,
        at=at,
    )


@GROUP.on_batch("catalog.product.created")
async def price_new_products(events: Sequence[Event[ProductCreated]], uow: UnitOfWork) -> None:
    await sync_products(uow, [product_command(e.payload) for e in events])


@GROUP.on_batch("catalog.product.updated")
async def reprice_updated_products(
    events: Sequence[Event[ProductUpdated]], uow: UnitOfWork
) -> None:
    await sync_products(uow, [product_command(e.payload) for e in events])


@GROUP.on("catalog.product.deleted")
async def stop_selling_product(event: Event[ProductDeleted], uow: UnitOfWork) -> None:
    await archive_product(uow, ArchiveProduct(event.payload.product_id, event.payload.deleted_at))


@GROUP.on("catalog.variant.created")
async def price_new_variant(event: Event[VariantCreated], uow: UnitOfWork) -> None:
    await sync_variant(uow, variant_command(event.payload))


@GROUP.on("catalog.variant.updated")
async def reprice_updated_variant(event: Event[VariantUpdated], uow: UnitOfWork) -> None:
    await sync_variant(uow, variant_command(event.payload))


@GROUP.on("catalog.category.updated")
async def follow_moved_category(event: Event[CategoryUpdated], uow: UnitOfWork) -> None:
    moved = event.payload
    await move_category(uow, MoveCategory(moved.category_id, tuple(moved.path), moved.updated_at))


@GROUP.on("groupbuy.threshold.reached")
async def group_tier_reached(event: Event[ThresholdReached], uow: UnitOfWork) -> None:
    reached = event.payload
    command = ActivateGroupTier(
        group_id=reached.group_id,
        product_id=reached.product_id,
        sku=reached.sku,
        tier_index=reached.tier_index if reached.tier_index is not None else 0,
        threshold=reached.threshold_quantity,
        count=reached.total_quantity,
        unit_price=reached.unit_price,
        previous_unit_price=reached.previous_unit_price,
        currency=reached.currency,
        reached_at=reached.reached_at,
    )
    await activate_group_tier(uow, command)
