"""Reads: a SKU's stock (availability for anyone, the full picture for staff), stock levels,
the ledger, reservations and locations. Nothing here changes state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import ledger
from itvision.engines.inventory.config import InventorySettings
from itvision.engines.inventory.models import Item, Location, Movement, Reservation, StockLevel
from itvision.engines.inventory.stock import known_item
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LevelView:
    warehouse_id: str
    on_hand: int
    reserved: int
    available: int
    daily_velocity: Fraction
    reorder_point: int
    suggested_quantity: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StockView:
    item: Item
    settings: ledger.ItemSettings
    levels: list[LevelView]

    @property
    def available(self) -> int:
        return sum(level.available for level in self.levels)

    @property
    def on_hand(self) -> int:
        return sum(level.on_hand for level in self.levels)

    @property
    def reserved(self) -> int:
        return sum(level.reserved for level in self.levels)


async def stock_of(
    session: AsyncSession, sku: str, *, now: datetime, config: InventorySettings
) -> StockView:
    item = await known_item(session, sku)
    rows = await session.scalars(
        select(StockLevel).where(StockLevel.sku == sku).order_by(StockLevel.warehouse_id)
    )
    views = []
    for level in rows:
        plan, _ = await ledger.plan_for(session, level, item, now, config)
        views.append(
            LevelView(
                warehouse_id=level.warehouse_id,
                on_hand=level.on_hand,
                reserved=level.reserved,
                available=level.available,
                daily_velocity=plan.daily_velocity,
                reorder_point=plan.reorder_point,
                suggested_quantity=plan.suggested_quantity,
                updated_at=level.updated_at,
            )
        )
    return StockView(item, ledger.settings_of(item, config), views)


async def availability(session: AsyncSession, skus: Sequence[str]) -> dict[str, dict[str, int]]:
    """Available quantity per location of each known SKU (unknown SKUs are left out)."""
    rows = await session.execute(
        select(StockLevel.sku, StockLevel.warehouse_id, StockLevel.on_hand - StockLevel.reserved)
        .where(StockLevel.sku.in_(skus))
        .order_by(StockLevel.sku, StockLevel.warehouse_id)
    )
    found: dict[str, dict[str, int]] = {}
    for sku, warehouse_id, free in rows:
        found.setdefault(sku, {})[warehouse_id] = free
    return found


async def _page(
    session: AsyncSession, query: Select[tuple[T]], paging: PageParams
) -> tuple[list[T], int]:
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.limit(paging.limit).offset(paging.offset))
    return list(rows), int(total or 0)


async def stock_levels(
    session: AsyncSession,
    paging: PageParams,
    *,
    config: InventorySettings,
    warehouse_id: str | None = None,
    low_only: bool = False,
) -> tuple[list[StockLevel], int]:
    query = select(StockLevel).order_by(StockLevel.sku, StockLevel.warehouse_id)
    if warehouse_id is not None:
        query = query.where(StockLevel.warehouse_id == warehouse_id)
    if low_only:
        threshold = func.coalesce(Item.low_stock_threshold, config.low_stock_threshold)
        query = query.join(Item, Item.sku == StockLevel.sku).where(
            StockLevel.on_hand - StockLevel.reserved <= threshold
        )
    return await _page(session, query, paging)


async def movements(
    session: AsyncSession,
    sku: str,
    paging: PageParams,
    *,
    warehouse_id: str | None = None,
    reason: str | None = None,
) -> tuple[list[Movement], int]:
    """A SKU's ledger, newest first."""
    await known_item(session, sku)
    query = select(Movement).where(Movement.sku == sku).order_by(Movement.id.desc())
    if warehouse_id is not None:
        query = query.where(Movement.warehouse_id == warehouse_id)
    if reason is not None:
        query = query.where(Movement.reason == reason)
    return await _page(session, query, paging)


async def reservation(session: AsyncSession, reservation_id: str) -> Reservation:
    found = await session.get(Reservation, reservation_id)
    if found is None:
        raise NotFound("reservation not found", field="reservation_id")
    return found


async def reservations(
    session: AsyncSession,
    paging: PageParams,
    *,
    reference: str | None = None,
    status: str | None = None,
    created_by: str | None = None,
) -> tuple[list[Reservation], int]:
    query = select(Reservation).order_by(Reservation.created_at.desc(), Reservation.id)
    if reference is not None:
        query = query.where(Reservation.reference == reference)
    if status is not None:
        query = query.where(Reservation.status == status)
    if created_by is not None:
        query = query.where(Reservation.created_by == created_by)
    return await _page(session, query, paging)


async def locations(session: AsyncSession) -> list[Location]:
    return list(await session.scalars(select(Location).order_by(Location.code)))
