"""What the pricing engine reacts to: the catalog's products, variants and categories.

Each handler runs inside the unit of work that records the event as applied, so the projection,
the price history and the events it emits commit together, once per event.
"""

from __future__ import annotations

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
from itvision.engines.pricing import catalog_sync
from itvision.engines.pricing.models import PricedItem
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_catalog(session: AsyncSession) -> None:
    """Before a replay from the start: the catalog projection is rebuilt from the events; the
    price history stays (a replayed price equal to the last recorded one is not announced)."""
    await session.execute(delete(PricedItem))


GROUP = ConsumerGroup("pricing-engine", rebuild=_forget_catalog)


@GROUP.on("catalog.product.created")
async def price_new_product(event: Event[ProductCreated], uow: UnitOfWork) -> None:
    await catalog_sync.apply_product(uow, event.payload)


@GROUP.on("catalog.product.updated")
async def reprice_updated_product(event: Event[ProductUpdated], uow: UnitOfWork) -> None:
    await catalog_sync.apply_product(uow, event.payload)


@GROUP.on("catalog.product.deleted")
async def stop_selling_product(event: Event[ProductDeleted], uow: UnitOfWork) -> None:
    await catalog_sync.archive_product(uow, event.payload)


@GROUP.on("catalog.variant.created")
async def price_new_variant(event: Event[VariantCreated], uow: UnitOfWork) -> None:
    await catalog_sync.apply_variant(uow, event.payload)


@GROUP.on("catalog.variant.updated")
async def reprice_updated_variant(event: Event[VariantUpdated], uow: UnitOfWork) -> None:
    await catalog_sync.apply_variant(uow, event.payload)


@GROUP.on("catalog.category.updated")
async def follow_moved_category(event: Event[CategoryUpdated], uow: UnitOfWork) -> None:
    await catalog_sync.move_category(uow, event.payload)
