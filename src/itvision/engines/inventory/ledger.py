"""The ledger: the one way stock changes.

A change locks the stock level (SELECT … FOR UPDATE on PostgreSQL; on SQLite the unit of work
already holds the write lock from BEGIN IMMEDIATE), updates it, writes a ledger entry with its
reason and reference, emits `inventory.stock.updated` and then whichever low / depleted /
reorder alert the new quantity calls for — all in the caller's unit of work, so state, ledger
and events commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import rules
from itvision.engines.inventory.config import InventorySettings
from itvision.engines.inventory.events import (
    MovementReason,
    ReorderSuggested,
    StockDepleted,
    StockLow,
    StockUpdated,
)
from itvision.engines.inventory.models import Item, Movement, StockLevel
from itvision.platform.db import upsert_insert
from itvision.platform.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Change:
    reason: MovementReason
    reference: str
    actor: str
    on_hand_delta: int = 0
    reserved_delta: int = 0
    note: str | None = None
    order_id: str | None = None


async def lock_level(session: AsyncSession, sku: str, warehouse_id: str) -> StockLevel | None:
    return await session.scalar(
        select(StockLevel)
        .where(StockLevel.sku == sku, StockLevel.warehouse_id == warehouse_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lock_levels(session: AsyncSession, sku: str) -> list[StockLevel]:
    """Every location's level of a SKU, locked in code order (a fixed order: no deadlock)."""
    rows = await session.scalars(
        select(StockLevel)
        .where(StockLevel.sku == sku)
        .order_by(StockLevel.warehouse_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def ensure_levels(
    session: AsyncSession, sku: str, warehouse_ids: Sequence[str], now: datetime
) -> None:
    """Create the missing levels (0 on hand) of a SKU; a concurrent creation is not an error."""
    if not warehouse_ids:
        return
    rows = [
        {"sku": sku, "warehouse_id": w, "on_hand": 0, "reserved": 0, "updated_at": now}
        for w in warehouse_ids
    ]
    await session.execute(upsert_insert(session)(StockLevel).values(rows).on_conflict_do_nothing())


async def apply(
    uow: UnitOfWork,
    level: StockLevel,
    item: Item,
    change: Change,
    now: datetime,
    config: InventorySettings,
) -> Movement:
    """Apply `change` to a locked level and record it."""
    level.on_hand += change.on_hand_delta
    level.reserved += change.reserved_delta
    if level.on_hand < 0 or level.reserved < 0 or level.reserved > level.on_hand:
        raise AssertionError(f"stock level {level.sku}@{level.warehouse_id} would break its bounds")
    return await _record(uow, level, item, change, now, config)


async def acknowledge(
    uow: UnitOfWork,
    level: StockLevel,
    item: Item,
    change: Change,
    now: datetime,
    config: InventorySettings,
) -> Movement:
    """Record a change the level already shows but the ledger missed (a repair by reconcile)."""
    return await _record(uow, level, item, change, now, config)


async def _record(
    uow: UnitOfWork,
    level: StockLevel,
    item: Item,
    change: Change,
    now: datetime,
    config: InventorySettings,
) -> Movement:
    level.updated_at = now
    movement = Movement(
        sku=level.sku,
        warehouse_id=level.warehouse_id,
        reason=change.reason,
        on_hand_delta=change.on_hand_delta,
        reserved_delta=change.reserved_delta,
        on_hand_after=level.on_hand,
        reserved_after=level.reserved,
        reference=change.reference,
        note=change.note,
        actor=change.actor,
        created_at=now,
    )
    uow.session.add(movement)
    await uow.session.flush()
    if change.on_hand_delta or change.reserved_delta:
        uow.emit(
            StockUpdated(
                sku=level.sku,
                product_id=item.product_id,
                warehouse_id=level.warehouse_id,
                quantity_on_hand=level.on_hand,
                quantity_reserved=level.reserved,
                quantity_available=level.available,
                delta=change.on_hand_delta,
                reserved_delta=change.reserved_delta,
                reason=change.reason,
                reference=change.reference,
                order_id=change.order_id,
                updated_at=now,
            ),
        )
    await raise_alerts(uow, level, item, now, config)
    return movement


@dataclass(frozen=True, slots=True)
class ItemSettings:
    """An item's replenishment settings, its own or the engine's defaults."""

    low_stock_threshold: int
    safety_stock: int
    lead_time_days: int


def settings_of(item: Item, config: InventorySettings) -> ItemSettings:
    def pick(own: int | None, default: int) -> int:
        return default if own is None else own

    return ItemSettings(
        low_stock_threshold=pick(item.low_stock_threshold, config.low_stock_threshold),
        safety_stock=pick(item.safety_stock, config.safety_stock),
        lead_time_days=pick(item.lead_time_days, config.lead_time_days),
    )


async def units_sold(session: AsyncSession, sku: str, warehouse_id: str, since: datetime) -> int:
    sold = await session.scalar(
        select(func.coalesce(func.sum(-Movement.on_hand_delta), 0)).where(
            Movement.sku == sku,
            Movement.warehouse_id == warehouse_id,
            Movement.reason == "sale",
            Movement.created_at >= since,
        )
    )
    return int(sold or 0)


async def plan_for(
    session: AsyncSession,
    level: StockLevel,
    item: Item,
    now: datetime,
    config: InventorySettings,
) -> tuple[rules.ReorderPlan, int]:
    """The reorder plan of a level and the units sold it is based on."""
    own = settings_of(item, config)
    sold = await units_sold(
        session, level.sku, level.warehouse_id, now - timedelta(days=config.velocity_days)
    )
    plan = rules.reorder_plan(
        units_sold=sold,
        velocity_days=config.velocity_days,
        lead_time_days=own.lead_time_days,
        safety_stock=own.safety_stock,
        coverage_days=config.coverage_days,
        available=level.available,
    )
    return plan, sold


async def raise_alerts(
    uow: UnitOfWork,
    level: StockLevel,
    item: Item,
    now: datetime,
    config: InventorySettings,
) -> None:
    """Emit the alerts the level's available quantity calls for, once per crossing."""
    own = settings_of(item, config)
    plan, sold = await plan_for(uow.session, level, item, now, config)
    alerts = rules.decide_alerts(
        level.available,
        threshold=own.low_stock_threshold,
        plan=plan,
        state=rules.AlertState(level.low_alerted, level.depleted_alerted, level.reorder_alerted),
    )
    level.low_alerted = alerts.state.low
    level.depleted_alerted = alerts.state.depleted
    level.reorder_alerted = alerts.state.reorder
    where = {"sku": level.sku, "product_id": item.product_id, "warehouse_id": level.warehouse_id}
    if alerts.depleted:
        uow.emit(
            StockDepleted(**where, quantity_reserved=level.reserved, depleted_at=now),
        )
    if alerts.low:
        uow.emit(
            StockLow(
                **where,
                quantity_available=level.available,
                threshold=own.low_stock_threshold,
                detected_at=now,
            ),
        )
    if alerts.reorder:
        uow.emit(
            ReorderSuggested(
                **where,
                quantity_available=level.available,
                suggested_quantity=plan.suggested_quantity,
                supplier_id=item.supplier_id,
                estimated_cost=(
                    plan.suggested_quantity * item.unit_cost if item.unit_cost is not None else None
                ),
                suggested_at=now,
                reorder_point=plan.reorder_point,
                lead_time_days=own.lead_time_days,
                units_sold=sold,
                velocity_days=config.velocity_days,
            ),
        )
