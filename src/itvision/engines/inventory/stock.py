"""Use cases on stock levels: receipts, adjustments, counts and returns (staff), the SKUs the
catalog announces, their replenishment settings, and locations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import ledger, rules
from itvision.engines.inventory.config import InventorySettings, inventory_settings
from itvision.engines.inventory.models import Item, Location, Movement, StockLevel
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork

SOURCE = "inventory-engine"


async def known_item(session: AsyncSession, sku: str) -> Item:
    item = await session.get(Item, sku)
    if item is None:
        raise NotFound(f"SKU {sku!r} is not known to inventory", field="sku")
    return item


async def known_location(session: AsyncSession, code: str) -> Location:
    location = await session.get(Location, code)
    if location is None:
        raise NotFound(f"location {code!r} does not exist", field="warehouse_id")
    return location


async def _change(
    platform: Platform,
    sku: str,
    warehouse_id: str,
    decide: Callable[[StockLevel], ledger.Change],
) -> Movement:
    """Lock a SKU's level at a location (creating it at 0 when the SKU is new there), let
    `decide` say what changes, and record it."""
    now = utcnow()
    async with platform.uows(SOURCE) as uow:
        item = await known_item(uow.session, sku)
        await known_location(uow.session, warehouse_id)
        level = await ledger.lock_level(uow.session, sku, warehouse_id)
        if level is None:
            await ledger.ensure_levels(uow.session, sku, [warehouse_id], now)
            level = await ledger.lock_level(uow.session, sku, warehouse_id)
            assert level is not None
        return await ledger.apply(uow, level, item, decide(level), now, inventory_settings())


async def receive_stock(
    platform: Platform,
    *,
    sku: str,
    warehouse_id: str,
    quantity: int,
    reference: str,
    actor: str,
    note: str | None = None,
) -> Movement:
    """Goods arrived from a supplier (réception)."""
    return await _change(
        platform,
        sku,
        warehouse_id,
        lambda _: ledger.Change("receipt", reference, actor, on_hand_delta=quantity, note=note),
    )


async def return_stock(
    platform: Platform,
    *,
    sku: str,
    warehouse_id: str,
    quantity: int,
    reference: str,
    actor: str,
    note: str | None = None,
) -> Movement:
    """Goods a customer sent back, back on the shelf (retour)."""
    return await _change(
        platform,
        sku,
        warehouse_id,
        lambda _: ledger.Change("return", reference, actor, on_hand_delta=quantity, note=note),
    )


async def adjust_stock(
    platform: Platform,
    *,
    sku: str,
    warehouse_id: str,
    delta: int,
    reference: str,
    note: str,
    actor: str,
) -> Movement:
    """A correction with a stated cause: breakage, theft, a unit found (ajustement)."""

    def decide(level: StockLevel) -> ledger.Change:
        rules.check_adjustment(level.on_hand, level.reserved, delta)
        return ledger.Change("adjustment", reference, actor, on_hand_delta=delta, note=note)

    return await _change(platform, sku, warehouse_id, decide)


async def count_stock(
    platform: Platform,
    *,
    sku: str,
    warehouse_id: str,
    counted: int,
    reference: str,
    actor: str,
    note: str | None = None,
) -> Movement:
    """A physical count (inventaire): on hand becomes what was counted. A count that finds
    what was recorded is still written to the ledger, as proof it was done."""

    def decide(level: StockLevel) -> ledger.Change:
        delta = rules.count_delta(level.on_hand, level.reserved, counted)
        return ledger.Change("count", reference, actor, on_hand_delta=delta, note=note)

    return await _change(platform, sku, warehouse_id, decide)


async def default_locations(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Location.code).where(Location.is_default.is_(True)).order_by(Location.code)
    )
    return list(rows)


async def register_item(
    uow: UnitOfWork,
    *,
    sku: str,
    product_id: str,
    name: str,
    unit_cost: int | None,
    variant_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Make a SKU known to inventory, with 0 on hand at every default location, so that a new
    product is stocked (known) without anyone calling inventory. False if it already was."""
    now = now or utcnow()
    if await uow.session.get(Item, sku) is not None:
        return False
    uow.session.add(
        Item(
            sku=sku,
            product_id=product_id,
            variant_id=variant_id,
            name=name[:300],
            unit_cost=unit_cost,
            created_at=now,
            updated_at=now,
        )
    )
    await uow.session.flush()
    await ledger.ensure_levels(uow.session, sku, await default_locations(uow.session), now)
    return True


async def refresh_product(
    uow: UnitOfWork, *, product_id: str, sku: str, name: str, unit_cost: int
) -> None:
    """Keep the projection of a product's name and cost (for reorder cost estimates)."""
    item = await uow.session.get(Item, sku)
    if item is None:
        await register_item(uow, sku=sku, product_id=product_id, name=name, unit_cost=unit_cost)
        return
    item.name = name[:300]
    item.unit_cost = unit_cost
    item.updated_at = utcnow()


async def product_item(session: AsyncSession, product_id: str) -> Item | None:
    """The item of a product itself (not one of its variants), when inventory knows it."""
    return await session.scalar(
        select(Item).where(Item.product_id == product_id, Item.variant_id.is_(None)).limit(1)
    )


async def update_item_settings(platform: Platform, sku: str, changes: Mapping[str, Any]) -> Item:
    """Set a SKU's replenishment settings (None restores the default), then send the alerts
    the new settings call for right away rather than at the next movement, at the locations
    that hold some of it."""
    now = utcnow()
    config: InventorySettings = inventory_settings()
    async with platform.uows(SOURCE) as uow:
        item = await known_item(uow.session, sku)
        for name, value in changes.items():
            setattr(item, name, value)
        item.updated_at = now
        for level in await ledger.lock_levels(uow.session, sku):
            # A location that holds none of it (never stocked there) is not alerted about.
            if level.on_hand > 0:
                await ledger.raise_alerts(uow, level, item, now, config)
    return item


async def create_location(
    platform: Platform, *, code: str, name: str, country: str, is_default: bool
) -> Location:
    location = Location(
        code=code, name=name, country=country, is_default=is_default, created_at=utcnow()
    )
    try:
        async with platform.uows(SOURCE) as uow:
            if await uow.session.get(Location, code) is not None:
                raise Conflict(f"location {code!r} already exists", field="code")
            uow.session.add(location)
            await uow.session.flush()
    except IntegrityError:
        raise Conflict(f"location {code!r} already exists", field="code") from None
    return location
