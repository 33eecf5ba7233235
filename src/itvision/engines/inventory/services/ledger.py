"""The ledger: the one way stock changes, inside a use case's unit of work.

A change locks the stock level (SELECT … FOR UPDATE on PostgreSQL; on SQLite the unit of work
already holds the write lock from BEGIN IMMEDIATE), updates it, writes a ledger entry with its
reason and reference (a sale also counts in its level's sales of the day), emits
`inventory.stock.updated` and then whichever low / depleted / reorder alert the new quantity
calls for — all in the same unit of work, so state, ledger and events commit together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Insert, Result, and_, insert, or_, select

from itvision.engines.inventory import queries, rules
from itvision.engines.inventory.events import (
    MovementReason,
    ReorderSuggested,
    StockDepleted,
    StockLow,
    StockUpdated,
)
from itvision.engines.inventory.models import DailySales, Item, Movement, StockLevel
from itvision.engines.inventory.settings import InventorySettings
from itvision.platform.db import upsert_insert
from itvision.platform.uow import UnitOfWork

Levels = dict[queries.LevelKey, StockLevel]


@dataclass(frozen=True, slots=True)
class Change:
    reason: MovementReason
    reference: str
    actor: str
    on_hand_delta: int = 0
    reserved_delta: int = 0
    note: str | None = None
    order_id: str | None = None


Moved = Sequence[tuple[StockLevel, Change]]
"""Changes just made to their levels, to be recorded."""


class StockLedger:
    """Stock levels locked, changed and recorded in one unit of work, at one instant `now`,
    under the settings of the platform the unit of work belongs to."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.session = uow.session
        self.now = now
        self.settings = uow.settings_of(InventorySettings)

    async def lock_level(self, sku: str, warehouse_id: str) -> StockLevel | None:
        return (await self.lock_levels_at([(sku, warehouse_id)])).get((sku, warehouse_id))

    async def lock_levels(self, sku: str) -> list[StockLevel]:
        """Every location's level of a SKU, locked in code order (a fixed order: no
        deadlock)."""
        return await self.lock_levels_of([sku])

    async def lock_levels_of(self, skus: Collection[str]) -> list[StockLevel]:
        """`lock_levels` for many SKUs, in one statement, in (SKU, location) order."""
        if not skus:
            return []
        return await self._lock(StockLevel.sku.in_(skus))

    async def lock_levels_at(self, keys: Collection[queries.LevelKey]) -> Levels:
        """The levels at these (SKU, location) that exist, in one statement, locked in
        (SKU, location) order."""
        if not keys:
            return {}
        at = or_(*(and_(StockLevel.sku == sku, StockLevel.warehouse_id == w) for sku, w in keys))
        return {(level.sku, level.warehouse_id): level for level in await self._lock(at)}

    async def _lock(self, where: ColumnElement[bool]) -> list[StockLevel]:
        rows = await self.session.scalars(
            select(StockLevel)
            .where(where)
            .order_by(StockLevel.sku, StockLevel.warehouse_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def ensure_levels(self, sku: str, warehouse_ids: Sequence[str]) -> None:
        """Create the missing levels (0 on hand) of a SKU; a concurrent creation is not an
        error."""
        await self.ensure_levels_of([sku], warehouse_ids)

    async def ensure_levels_of(self, skus: Sequence[str], warehouse_ids: Sequence[str]) -> None:
        """`ensure_levels` for many SKUs, in one statement."""
        if not warehouse_ids or not skus:
            return
        rows = [
            {"sku": sku, "warehouse_id": w, "on_hand": 0, "reserved": 0, "updated_at": self.now}
            for sku in skus
            for w in warehouse_ids
        ]
        insert = upsert_insert(self.session)(StockLevel).values(rows)
        await self.session.execute(insert.on_conflict_do_nothing())

    async def apply(self, level: StockLevel, item: Item, change: Change) -> Movement:
        """Apply `change` to a locked level and record it."""
        self._move(level, change)
        return await self._record(level, item, change)

    async def apply_all(self, changes: Sequence[tuple[StockLevel, Item, Change]]) -> None:
        """`apply` each change to its locked level, every level at most once (the lines of a
        reservation), in as many statements as a single change. The movements are written by
        one INSERT and not returned: to learn their ids, the session would insert them one at
        a time on SQLite. Their sales, if any, are counted by one more."""
        keys = [(level.sku, level.warehouse_id) for level, _, _ in changes]
        if len(set(keys)) != len(keys):
            # Units sold are read once, after every movement is written: a level's second
            # sale would count in the plan of its first.
            raise ValueError("apply_all changes a level at most once")
        if not changes:
            return
        for level, _, change in changes:
            self._move(level, change)
            level.updated_at = self.now
        await self._write(insert(Movement), [(level, change) for level, _, change in changes])
        sold = await self._units_sold(keys)
        for level, item, change in changes:
            self._announce(level, item, change, sold[(level.sku, level.warehouse_id)])

    async def acknowledge(self, level: StockLevel, item: Item, change: Change) -> Movement:
        """Record a change the level already shows but the ledger missed (a repair by
        reconciliation)."""
        return await self._record(level, item, change)

    async def raise_alerts(self, levels: Sequence[StockLevel], item: Item) -> None:
        """Emit the alerts each level's available quantity calls for, once per crossing (the
        units sold of every level read at once)."""
        sold = await self._units_sold([(level.sku, level.warehouse_id) for level in levels])
        for level in levels:
            self._alert(level, item, sold[(level.sku, level.warehouse_id)])

    def _move(self, level: StockLevel, change: Change) -> None:
        level.on_hand += change.on_hand_delta
        level.reserved += change.reserved_delta
        if level.on_hand < 0 or level.reserved < 0 or level.reserved > level.on_hand:
            raise AssertionError(
                f"stock level {level.sku}@{level.warehouse_id} would break its bounds"
            )

    async def _record(self, level: StockLevel, item: Item, change: Change) -> Movement:
        level.updated_at = self.now
        # The caller answers with the entry (the API shows it): returned by its own INSERT.
        written = await self._write(insert(Movement).returning(Movement), [(level, change)])
        movement: Movement = written.scalar_one()
        self._announce(level, item, change, await self._sold_at(level))
        return movement

    async def _write(self, entries: Insert, moved: Moved) -> Result[Any]:
        """Write the ledger entries of `moved` with `entries` (returning them or not), and
        count their sales: the one place entries are written, so that no sale is left out of
        the units sold the reorder plans read."""
        written = await self.session.execute(
            entries, [self._movement(level, change) for level, change in moved]
        )
        await self._count_sales(moved)
        return written

    async def _count_sales(self, moved: Moved) -> None:
        """Add the units of the sales among `moved` to their levels' sales of the day, in one
        statement, and none when there is no sale (a reservation, the common change)."""
        units = Counter[queries.LevelKey]()
        for level, change in moved:
            if change.reason == "sale":
                units[(level.sku, level.warehouse_id)] -= change.on_hand_delta
        if not units:
            return
        day = rules.sales_day(self.now)
        upsert = upsert_insert(self.session)(DailySales).values(
            [
                {"sku": sku, "warehouse_id": w, "day": day, "units": sold}
                for (sku, w), sold in units.items()
            ]
        )
        await self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=[DailySales.sku, DailySales.warehouse_id, DailySales.day],
                set_={"units": DailySales.units + upsert.excluded.units},
            )
        )

    def _movement(self, level: StockLevel, change: Change) -> dict[str, Any]:
        """The ledger entry of a change just made to `level`."""
        return {
            "sku": level.sku,
            "warehouse_id": level.warehouse_id,
            "reason": change.reason,
            "on_hand_delta": change.on_hand_delta,
            "reserved_delta": change.reserved_delta,
            "on_hand_after": level.on_hand,
            "reserved_after": level.reserved,
            "reference": change.reference,
            "note": change.note,
            "actor": change.actor,
            "created_at": self.now,
        }

    async def _units_sold(self, keys: Collection[queries.LevelKey]) -> dict[queries.LevelKey, int]:
        # Read after the change's sales are counted: a sale counts in its own reorder plan.
        return await queries.units_sold(self.uow, keys, now=self.now, settings=self.settings)

    async def _sold_at(self, level: StockLevel) -> int:
        key = (level.sku, level.warehouse_id)
        return (await self._units_sold([key]))[key]

    def _announce(self, level: StockLevel, item: Item, change: Change, sold: int) -> None:
        """`inventory.stock.updated` for a change recorded at `level`, then its alerts."""
        if change.on_hand_delta or change.reserved_delta:
            self.uow.emit(
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
                    updated_at=self.now,
                )
            )
        self._alert(level, item, sold)

    def _alert(self, level: StockLevel, item: Item, sold: int) -> None:
        """The alerts of a level that sold `sold` units over the velocity window."""
        own = queries.item_settings(item, self.settings)
        plan = queries.reorder_plan(level, item, sold=sold, settings=self.settings)
        alerts = rules.decide_alerts(
            level.available,
            threshold=own.low_stock_threshold,
            plan=plan,
            state=rules.AlertState(
                level.low_alerted, level.depleted_alerted, level.reorder_alerted
            ),
        )
        level.low_alerted = alerts.state.low
        level.depleted_alerted = alerts.state.depleted
        level.reorder_alerted = alerts.state.reorder
        where = {
            "sku": level.sku,
            "product_id": item.product_id,
            "warehouse_id": level.warehouse_id,
        }
        if alerts.depleted:
            self.uow.emit(
                StockDepleted(**where, quantity_reserved=level.reserved, depleted_at=self.now)
            )
        if alerts.low:
            self.uow.emit(
                StockLow(
                    **where,
                    quantity_available=level.available,
                    threshold=own.low_stock_threshold,
                    detected_at=self.now,
                )
            )
        if alerts.reorder:
            cost = item.unit_cost
            self.uow.emit(
                ReorderSuggested(
                    **where,
                    quantity_available=level.available,
                    suggested_quantity=plan.suggested_quantity,
                    supplier_id=item.supplier_id,
                    estimated_cost=plan.suggested_quantity * cost if cost is not None else None,
                    suggested_at=self.now,
                    reorder_point=plan.reorder_point,
                    lead_time_days=own.lead_time_days,
                    units_sold=sold,
                    velocity_days=self.settings.velocity_days,
                )
            )
