"""Helpers of the inventory tests: SKUs made known and stocked through the engine's own
services, events read back from the log, events published as other engines would."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from itvision.engines.inventory.commands import ReceiveStock, RegisterProduct
from itvision.engines.inventory.models import Movement, Reservation, StockLevel
from itvision.engines.inventory.services.items import register_product
from itvision.engines.inventory.services.stock import receive_stock
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Payload
from itvision.platform.system import Platform
from tests.support.buses import settled as settled_group

STAFF = "staff"
UNIT_COST = 250_000


async def stocked(
    platform: Platform,
    sku: str = "LAP-HP-840",
    *,
    on_hand: int = 0,
    warehouse_id: str = "dakar",
    unit_cost: int | None = UNIT_COST,
) -> str:
    """A SKU known to inventory (as the catalog would make it), with `on_hand` received."""
    await register_product(
        platform,
        RegisterProduct(
            sku=sku, product_id=f"prod-{sku}", name=f"Produit {sku}", unit_cost=unit_cost
        ),
    )
    if on_hand:
        await receive_stock(
            platform,
            ReceiveStock(
                sku=sku,
                warehouse_id=warehouse_id,
                quantity=on_hand,
                reference="BL-0001",
                actor=STAFF,
            ),
        )
    return sku


async def level_of(platform: Platform, sku: str, warehouse_id: str = "dakar") -> StockLevel:
    async with platform.db.reads() as session:
        level = await session.get(StockLevel, (sku, warehouse_id))
    assert level is not None, f"no stock level {sku}@{warehouse_id}"
    return level


async def ledger_of(platform: Platform, sku: str, reason: str | None = None) -> list[Movement]:
    query = select(Movement).where(Movement.sku == sku).order_by(Movement.id)
    if reason is not None:
        query = query.where(Movement.reason == reason)
    async with platform.db.reads() as session:
        return list(await session.scalars(query))


async def reservation_for(platform: Platform, reference: str) -> Reservation | None:
    async with platform.db.reads() as session:
        return await session.scalar(select(Reservation).where(Reservation.reference == reference))


async def published(platform: Platform, topic: str, sku: str | None = None) -> list[dict[str, Any]]:
    """Payloads (wire form) of the events of `topic` in the log, oldest first."""
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        payloads = [json.loads(row)["payload"] for row in rows]
    return [p for p in payloads if sku is None or p.get("sku") == sku]


async def publish(platform: Platform, topic: str, payload: Payload, source: str) -> None:
    """Publish as another engine does: in a unit of work of that engine."""
    async with platform.uows(source) as uow:
        assert uow.emit(payload).type == topic


async def settled(platform: Platform) -> None:
    """Wait until the inventory engine has applied every event it follows."""
    await settled_group(platform, "inventory-engine", parked=None)
