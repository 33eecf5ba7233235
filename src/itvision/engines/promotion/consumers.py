"""What the promotion engine reacts to: orders (reserve, release), payments (count), and the
catalog (our projection of each product's categories and brand)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.events import ProductCreated, ProductUpdated
from itvision.engines.order.events import OrderCancelled, OrderPlaced
from itvision.engines.payment.events import PaymentSucceeded
from itvision.engines.promotion import projection, usages
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_catalog(session: AsyncSession) -> None:
    # Usages are not emptied: replaying orders and payments over them changes nothing (each
    # order is recorded once), whereas rebuilding them would announce redemptions again.
    await projection.forget_products(session)


GROUP = ConsumerGroup("promotion-engine", rebuild=_forget_catalog)


@GROUP.on("catalog.product.created")
async def record_new_product(event: Event[ProductCreated], uow: UnitOfWork) -> None:
    await projection.record_product(uow.session, event.payload, event.payload.created_at)


@GROUP.on("catalog.product.updated")
async def record_product_change(event: Event[ProductUpdated], uow: UnitOfWork) -> None:
    await projection.record_product(uow.session, event.payload, event.payload.updated_at)


@GROUP.on("order.order.placed")
async def reserve_order_codes(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    await usages.reserve_codes(uow, event.payload)


@GROUP.on("payment.payment.succeeded")
async def count_codes_of_paid_order(event: Event[PaymentSucceeded], uow: UnitOfWork) -> None:
    await usages.count_paid_order(uow, event.payload)


@GROUP.on("order.order.cancelled")
async def release_codes_of_cancelled_order(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    await usages.release_cancelled_order(uow, event.payload)
