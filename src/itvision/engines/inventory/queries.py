"""Reads: a SKU's stock (availability for anyone, the full picture for staff), stock levels,
the ledger, reservations, locations, and what reconciliation compares. Nothing here changes
state. Each takes what it runs on: the platform (a read session of its own) or a use case's
unit of work (whose session also sees what it wrote so far)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import rules
from itvision.engines.inventory.models import (
    DailySales,
    Item,
    Location,
    Movement,
    Reservation,
    ReservationLine,
    StockLevel,
)
from itvision.engines.inventory.settings import InventorySettings
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session

T = TypeVar("T")
Progress = Callable[[int, int], None]
"""Told (done, total) as work advances: the CLI's progress bar."""
LevelKey = tuple[str, str]
"""(sku, warehouse_id)"""


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
    settings: rules.ItemSettings
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


def item_settings(item: Item, settings: InventorySettings) -> rules.ItemSettings:
    """The item's replenishment settings, its own or the engine's defaults."""
    return rules.item_settings(
        low_stock_threshold=item.low_stock_threshold,
        safety_stock=item.safety_stock,
        lead_time_days=item.lead_time_days,
        defaults=rules.ItemSettings(
            settings.low_stock_threshold, settings.safety_stock, settings.lead_time_days
        ),
    )


async def known_item(on: Runner, sku: str) -> Item:
    async with read_session(on) as session:
        item = await session.get(Item, sku)
    if item is None:
        raise unknown_sku(sku)
    return item


def unknown_sku(sku: str) -> NotFound:
    return NotFound(f"SKU {sku!r} is not known to inventory", field="sku")


async def items_of(on: Runner, skus: Collection[str]) -> dict[str, Item]:
    """The items of these SKUs that inventory knows, by SKU, in one query."""
    if not skus:
        return {}
    async with read_session(on) as session:
        return {
            item.sku: item for item in await session.scalars(select(Item).where(Item.sku.in_(skus)))
        }


async def known_location(on: Runner, code: str) -> Location:
    async with read_session(on) as session:
        location = await session.get(Location, code)
    if location is None:
        raise NotFound(f"location {code!r} does not exist", field="warehouse_id")
    return location


async def product_item(on: Runner, product_id: str) -> Item | None:
    """The item of a product itself (not one of its variants), when inventory knows it."""
    async with read_session(on) as session:
        return await session.scalar(
            select(Item).where(Item.product_id == product_id, Item.variant_id.is_(None)).limit(1)
        )


async def locations(on: Runner) -> list[Location]:
    async with read_session(on) as session:
        return list(await session.scalars(select(Location).order_by(Location.code)))


async def known_skus(on: Runner, skus: Sequence[str]) -> set[str]:
    """Which of these SKUs inventory knows."""
    async with read_session(on) as session:
        return set(await session.scalars(select(Item.sku).where(Item.sku.in_(set(skus)))))


async def default_locations(on: Runner) -> list[str]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Location.code).where(Location.is_default.is_(True)).order_by(Location.code)
        )
        return list(rows)


async def availability(on: Runner, skus: Sequence[str]) -> dict[str, dict[str, int]]:
    """Available quantity per location of each known SKU (unknown SKUs are left out)."""
    async with read_session(on) as session:
        rows = await session.execute(
            select(
                StockLevel.sku, StockLevel.warehouse_id, StockLevel.on_hand - StockLevel.reserved
            )
            .where(StockLevel.sku.in_(skus))
            .order_by(StockLevel.sku, StockLevel.warehouse_id)
        )
    found: dict[str, dict[str, int]] = {}
    for sku, warehouse_id, free in rows:
        found.setdefault(sku, {})[warehouse_id] = free
    return found


def reorder_plan(
    level: StockLevel, item: Item, *, sold: int, settings: InventorySettings
) -> rules.ReorderPlan:
    """The reorder plan of a level that sold `sold` units over the velocity window (see
    `units_sold`)."""
    own = item_settings(item, settings)
    return rules.reorder_plan(
        units_sold=sold,
        velocity_days=settings.velocity_days,
        lead_time_days=own.lead_time_days,
        safety_stock=own.safety_stock,
        coverage_days=settings.coverage_days,
        available=level.available,
    )


async def units_sold(
    on: Runner, levels: Collection[LevelKey], *, now: datetime, settings: InventorySettings
) -> dict[LevelKey, int]:
    """Units each level sold over the velocity window at `now` (its last N UTC days, today
    included), what its reorder plan is based on (0 when it sold none), in one query."""
    async with read_session(on) as session:
        return await _units_sold(session, levels, now, settings)


async def _units_sold(
    session: AsyncSession,
    levels: Collection[LevelKey],
    now: datetime,
    settings: InventorySettings,
) -> dict[LevelKey, int]:
    if not levels:
        return {}
    # SKUs and locations apart rather than as (sku, location) pairs, which SQLite answers by
    # scanning the whole table; the pairs not asked for are left out below.
    sums = await _sums(
        session,
        select(DailySales.sku, DailySales.warehouse_id, func.sum(DailySales.units))
        .where(
            DailySales.sku.in_({sku for sku, _ in levels}),
            DailySales.warehouse_id.in_({warehouse_id for _, warehouse_id in levels}),
            DailySales.day >= rules.first_sales_day(now, settings.velocity_days),
        )
        .group_by(DailySales.sku, DailySales.warehouse_id),
    )
    return {key: sums.get(key, 0) for key in levels}


async def stock_of(
    on: Runner, sku: str, *, settings: InventorySettings, now: datetime | None = None
) -> StockView:
    """A SKU's stock at every location, with the reorder figures of each."""
    now = now or utcnow()
    item = await known_item(on, sku)
    async with read_session(on) as session:
        levels = list(
            await session.scalars(
                select(StockLevel).where(StockLevel.sku == sku).order_by(StockLevel.warehouse_id)
            )
        )
        sold = await _units_sold(
            session, [(level.sku, level.warehouse_id) for level in levels], now, settings
        )
        views = []
        for level in levels:
            plan = reorder_plan(
                level, item, sold=sold[(level.sku, level.warehouse_id)], settings=settings
            )
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
    return StockView(item, item_settings(item, settings), views)


async def _page(on: Runner, query: Select[T], paging: PageParams) -> tuple[list[T], int]:
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(query.limit(paging.limit).offset(paging.offset))
        return list(rows), int(total or 0)


async def stock_levels(
    on: Runner,
    paging: PageParams,
    *,
    settings: InventorySettings,
    warehouse_id: str | None = None,
    low_only: bool = False,
) -> tuple[list[StockLevel], int]:
    """Stock levels by SKU and location; `low_only`: those at or below their threshold."""
    query = select(StockLevel).order_by(StockLevel.sku, StockLevel.warehouse_id)
    if warehouse_id is not None:
        query = query.where(StockLevel.warehouse_id == warehouse_id)
    if low_only:
        threshold = func.coalesce(Item.low_stock_threshold, settings.low_stock_threshold)
        query = query.join(Item, Item.sku == StockLevel.sku).where(
            StockLevel.on_hand - StockLevel.reserved <= threshold
        )
    return await _page(on, query, paging)


async def movements(
    on: Runner,
    sku: str,
    paging: PageParams,
    *,
    warehouse_id: str | None = None,
    reason: str | None = None,
) -> tuple[list[Movement], int]:
    """A SKU's ledger, newest first."""
    await known_item(on, sku)
    query = select(Movement).where(Movement.sku == sku).order_by(Movement.id.desc())
    if warehouse_id is not None:
        query = query.where(Movement.warehouse_id == warehouse_id)
    if reason is not None:
        query = query.where(Movement.reason == reason)
    return await _page(on, query, paging)


async def reservation(on: Runner, reservation_id: str) -> Reservation:
    async with read_session(on) as session:
        found = await session.get(Reservation, reservation_id)
    if found is None:
        raise NotFound("reservation not found", field="reservation_id")
    return found


async def reservations(
    on: Runner,
    paging: PageParams,
    *,
    reference: str | None = None,
    status: str | None = None,
    created_by: str | None = None,
) -> tuple[list[Reservation], int]:
    """Reservations, newest first."""
    query = select(Reservation).order_by(Reservation.created_at.desc(), Reservation.id)
    if reference is not None:
        query = query.where(Reservation.reference == reference)
    if status is not None:
        query = query.where(Reservation.status == status)
    if created_by is not None:
        query = query.where(Reservation.created_by == created_by)
    return await _page(on, query, paging)


async def lapsed_reservations(on: Runner, as_of: datetime) -> list[str]:
    """Ids of the active reservations whose hold had lapsed at `as_of`, oldest first."""
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Reservation.id)
            .where(Reservation.status == "active", Reservation.expires_at <= as_of)
            .order_by(Reservation.expires_at)
        )
        return list(rows)


async def open_reserved(on: Runner, level: LevelKey | None = None) -> dict[LevelKey, int]:
    """Units held by active reservations, per level (or of one level)."""
    async with read_session(on) as session:
        return await _sums(session, _open_reserved(level))


async def ledger_on_hand(on: Runner, level: LevelKey | None = None) -> dict[LevelKey, int]:
    """On hand as the sum of the ledger, per level (or of one level)."""
    async with read_session(on) as session:
        return await _sums(session, _ledger_on_hand(level))


def _open_reserved(level: LevelKey | None) -> Select[str, str, int]:
    query = (
        select(
            ReservationLine.sku, ReservationLine.warehouse_id, func.sum(ReservationLine.quantity)
        )
        .join(Reservation, Reservation.id == ReservationLine.reservation_id)
        .where(Reservation.status == "active")
        .group_by(ReservationLine.sku, ReservationLine.warehouse_id)
    )
    if level is not None:
        query = query.where(
            ReservationLine.sku == level[0], ReservationLine.warehouse_id == level[1]
        )
    return query


def _ledger_on_hand(level: LevelKey | None) -> Select[str, str, int]:
    query = select(Movement.sku, Movement.warehouse_id, func.sum(Movement.on_hand_delta)).group_by(
        Movement.sku, Movement.warehouse_id
    )
    if level is not None:
        query = query.where(Movement.sku == level[0], Movement.warehouse_id == level[1])
    return query


async def _sums(session: AsyncSession, query: Select[str, str, int]) -> dict[LevelKey, int]:
    return {(sku, w): int(total or 0) for sku, w, total in await session.execute(query)}


async def find_drifts(
    on: Runner, progress: Progress | None = None
) -> tuple[int, list[rules.Drift]]:
    """(levels checked, drifts found): reserved against the open reservations, on hand against
    the ledger."""
    async with read_session(on) as session:
        levels = [
            rules.LevelQuantities(sku, w, on_hand, reserved)
            for sku, w, on_hand, reserved in await session.execute(
                select(
                    StockLevel.sku, StockLevel.warehouse_id, StockLevel.on_hand, StockLevel.reserved
                ).order_by(StockLevel.sku, StockLevel.warehouse_id)
            )
        ]
        reserved = await _sums(session, _open_reserved(None))
        on_hand = await _sums(session, _ledger_on_hand(None))
    drifts: list[rules.Drift] = []
    for done, level in enumerate(levels, start=1):
        drifts.extend(rules.find_drifts([level], reserved, on_hand))
        if progress is not None:
            progress(done, len(levels))
    return len(levels), drifts
