"""What inventory reacts to: new products and variants of the catalog (each SKU gets a stock
record, 0 on hand, at the default locations) and every step of an order's life (see `orders`).
Each handler runs once per event, in the unit of work that also marks the event applied."""

from __future__ import annotations

from itvision.engines.catalog.events import ProductCreated, ProductUpdated, VariantCreated
from itvision.engines.inventory import orders, stock
from itvision.engines.order.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup("inventory-engine")


@GROUP.on("catalog.product.created")
async def stock_new_product(event: Event[ProductCreated], uow: UnitOfWork) -> None:
    product = event.payload
    await stock.register_item(
        uow,
        sku=product.sku,
        product_id=product.product_id,
        name=product.name,
        unit_cost=product.base_cost,
    )


@GROUP.on("catalog.product.updated")
async def follow_product(event: Event[ProductUpdated], uow: UnitOfWork) -> None:
    product = event.payload
    await stock.refresh_product(
        uow,
        product_id=product.product_id,
        sku=product.sku,
        name=product.name,
        unit_cost=product.base_cost,
    )


@GROUP.on("catalog.variant.created")
async def stock_new_variant(event: Event[VariantCreated], uow: UnitOfWork) -> None:
    variant = event.payload
    product = await stock.product_item(uow.session, variant.product_id)
    options = ", ".join(variant.attributes.values())
    await stock.register_item(
        uow,
        sku=variant.sku,
        product_id=variant.product_id,
        variant_id=variant.variant_id,
        name=f"{product.name} ({options})" if product else options,
        unit_cost=variant.base_cost
        if variant.base_cost is not None
        else (product.unit_cost if product else None),
    )


@GROUP.on("order.order.placed")
async def reserve_order(event: Event[OrderPlaced], uow: UnitOfWork) -> None:
    await orders.reserve_order(uow, event.payload, actor=event.envelope.source)


@GROUP.on("order.order.confirmed")
async def firm_up_order(event: Event[OrderConfirmed], uow: UnitOfWork) -> None:
    await orders.confirm_order(uow, event.payload.order_id, actor=event.envelope.source)


@GROUP.on("order.order.cancelled")
async def release_order(event: Event[OrderCancelled], uow: UnitOfWork) -> None:
    await orders.cancel_order(uow, event.payload.order_id, actor=event.envelope.source)


@GROUP.on("order.order.shipped")
async def sell_order(event: Event[OrderShipped], uow: UnitOfWork) -> None:
    await orders.ship_order(uow, event.payload.order_id, actor=event.envelope.source)


@GROUP.on("order.order.refunded")
async def restock_order(event: Event[OrderRefunded], uow: UnitOfWork) -> None:
    await orders.refund_order(uow, event.payload, actor=event.envelope.source)
