"""Helpers of the pricing tests: catalog products put into pricing (through catalog events, or
straight through the engine's own use case), and the events pricing emitted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from itvision.engines.catalog.events import SOURCE as CATALOG
from itvision.engines.catalog.events import ProductCreated, ProductUpdated, VariantCreated
from itvision.engines.pricing.consumers import product_command, variant_command
from itvision.engines.pricing.services.catalog import sync_product, sync_variant
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import utcnow
from itvision.platform.system import Platform


def product_created(product_id: str, **fields: Any) -> ProductCreated:
    values: dict[str, Any] = {
        "product_id": product_id,
        "sku": f"SKU-{product_id}",
        "name": f"Produit {product_id}",
        "category_id": "laptops",
        "category_path": ["it", "computers", "laptops"],
        "base_cost": 250_000,
        "status": "active",
        "created_at": utcnow(),
    }
    values.update(fields)
    return ProductCreated(**values)


def product_updated(created: ProductCreated, changed: list[str], **fields: Any) -> ProductUpdated:
    values = created.model_dump(exclude={"created_at", "vendor_id", "weight_grams"})
    values.update(fields)
    return ProductUpdated(**values, changed_fields=changed, updated_at=utcnow())


def variant_created(product_id: str, variant_id: str, **fields: Any) -> VariantCreated:
    values: dict[str, Any] = {
        "product_id": product_id,
        "variant_id": variant_id,
        "sku": f"SKU-{variant_id}",
        "attributes": {"ram": "16 Go"},
        "created_at": utcnow(),
    }
    values.update(fields)
    return VariantCreated(**values)


async def publish(system: Platform, payload: Any) -> None:
    """As the catalog engine does: emitted in one of its units of work."""
    async with system.uows(CATALOG) as uow:
        uow.emit(payload)


async def seed(system: Platform, *payloads: ProductCreated | VariantCreated) -> None:
    """Straight into pricing, without waiting for the consumer."""
    for payload in payloads:
        if isinstance(payload, VariantCreated):
            await sync_variant(system, variant_command(payload))
        else:
            await sync_product(system, product_command(payload))


async def emitted(system: Platform, topic: str) -> list[dict[str, Any]]:
    """The payloads (wire form) of the events on `topic`, oldest first."""
    async with system.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        return [json.loads(row)["payload"] for row in rows]


@pytest.fixture
def seeded(system):
    async def seed_(*payloads):
        await seed(system, *payloads)

    return seed_
