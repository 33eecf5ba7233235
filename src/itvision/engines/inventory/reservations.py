"""Reservations: stock held for an order (or a partner's cart) until it is released, expires
unpaid, or leaves as a sale on shipment; a sale can come back as a return.

Never oversold: reserving locks the SKU's stock levels (SELECT … FOR UPDATE on PostgreSQL;
SQLite units of work already serialize on BEGIN IMMEDIATE), decides from the locked
quantities, and the table's CHECK (reserved <= on_hand) refuses anything that slipped past.
A reservation's state changes lock the reservation row first, then its levels in (SKU,
location) order, so that two units of work never wait on each other in a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import ledger, rules
from itvision.engines.inventory.config import inventory_settings
from itvision.engines.inventory.events import MovementReason
from itvision.engines.inventory.models import (
    Item,
    Location,
    Reservation,
    ReservationLine,
    StockLevel,
)
from itvision.engines.inventory.stock import SOURCE, known_item, known_location
from itvision.platform.auth import Principal
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork

log = structlog.get_logger("itvision.inventory")

Levels = dict[tuple[str, str], StockLevel]


async def lock_reservation(
    session: AsyncSession, *, reservation_id: str | None = None, reference: str | None = None
) -> Reservation | None:
    query = select(Reservation).with_for_update().execution_options(populate_existing=True)
    if reservation_id is not None:
        query = query.where(Reservation.id == reservation_id)
    else:
        query = query.where(Reservation.reference == reference)
    return await session.scalar(query)


async def _allocate(
    session: AsyncSession,
    lines: Iterable[tuple[str, int]],
    *,
    warehouse_id: str | None,
    country: str | None,
) -> tuple[list[rules.Allocation], Levels, dict[str, Item]]:
    """Lock the levels of every requested SKU and decide where each is taken from; raises
    InsufficientStock (or NotFound for a SKU inventory does not know) before any change."""
    if warehouse_id is not None:
        preference = [(await known_location(session, warehouse_id)).code]
    else:
        locations = await session.scalars(select(Location))
        preference = rules.location_preference(
            (rules.LocationRef(loc.code, loc.country, loc.is_default) for loc in locations),
            country,
        )
    allocations: list[rules.Allocation] = []
    levels: Levels = {}
    items: dict[str, Item] = {}
    for sku, quantity in rules.requested_quantities(lines).items():
        items[sku] = await known_item(session, sku)
        locked = {level.warehouse_id: level for level in await ledger.lock_levels(session, sku)}
        levels.update({(sku, w): level for w, level in locked.items()})
        free = [(w, locked[w].available) for w in preference if w in locked]
        allocations.extend(rules.allocate(sku, quantity, free))
    return allocations, levels, items


async def _hold(
    uow: UnitOfWork,
    reservation: Reservation,
    allocations: list[rules.Allocation],
    levels: Levels,
    items: dict[str, Item],
    actor: str,
    now: datetime,
) -> None:
    config = inventory_settings()
    for allocation in allocations:
        await ledger.apply(
            uow,
            levels[(allocation.sku, allocation.warehouse_id)],
            items[allocation.sku],
            _change(reservation, "reservation", actor, reserved_delta=allocation.quantity),
            now,
            config,
        )


def _change(
    reservation: Reservation, reason: MovementReason, actor: str, **deltas: int
) -> ledger.Change:
    return ledger.Change(
        reason,
        reservation.reference,
        actor,
        order_id=reservation.reference if reservation.kind == "order" else None,
        **deltas,
    )


async def reserve(
    uow: UnitOfWork,
    *,
    reference: str,
    lines: Iterable[tuple[str, int]],
    kind: rules.ReservationKind,
    actor: str,
    expires_at: datetime | None,
    now: datetime,
    warehouse_id: str | None = None,
    country: str | None = None,
) -> Reservation:
    """Hold every line, or none: raises InsufficientStock naming the SKU that is short."""
    allocations, levels, items = await _allocate(
        uow.session, lines, warehouse_id=warehouse_id, country=country
    )
    reservation = Reservation(
        id=str(uuid.uuid4()),
        reference=reference,
        kind=kind,
        status="active",
        country=country,
        expires_at=expires_at,
        created_by=actor,
        created_at=now,
        updated_at=now,
        lines=[
            ReservationLine(sku=a.sku, warehouse_id=a.warehouse_id, quantity=a.quantity)
            for a in allocations
        ],
    )
    uow.session.add(reservation)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise Conflict(
            f"reference {reference!r} already has a reservation", field="reference"
        ) from None
    await _hold(uow, reservation, allocations, levels, items, actor, now)
    return reservation


async def _each_line(
    uow: UnitOfWork,
    reservation: Reservation,
    decide: Callable[[StockLevel, ReservationLine], ledger.Change | None],
    now: datetime,
) -> None:
    config = inventory_settings()
    for line in sorted(reservation.lines, key=lambda l_: (l_.sku, l_.warehouse_id)):
        level = await ledger.lock_level(uow.session, line.sku, line.warehouse_id)
        item = await uow.session.get(Item, line.sku)
        if level is None or item is None:
            log.warning("reservation line without a stock level", sku=line.sku)
            continue
        change = decide(level, line)
        if change is not None:
            await ledger.apply(uow, level, item, change, now, config)


def _close(reservation: Reservation, status: str, now: datetime, note: str | None) -> None:
    reservation.status = status
    reservation.updated_at = now
    if note is not None:
        reservation.note = note


async def release(
    uow: UnitOfWork,
    reservation: Reservation,
    *,
    actor: str,
    now: datetime,
    status: str = "released",
    note: str | None = None,
) -> None:
    """Give the held stock back (cancelled order, or expired unpaid with status `expired`)."""
    rules.ensure_transition(reservation.status, status)

    def decide(level: StockLevel, line: ReservationLine) -> ledger.Change | None:
        delta = rules.release_delta(level.reserved, line.quantity)
        if -delta != line.quantity:
            log.warning("releasing more than is reserved", sku=level.sku, level=level.warehouse_id)
        return _change(reservation, "release", actor, reserved_delta=delta) if delta else None

    await _each_line(uow, reservation, decide, now)
    _close(reservation, status, now, note)


async def sell(uow: UnitOfWork, reservation: Reservation, *, actor: str, now: datetime) -> None:
    """The goods left (shipment): on hand and reserved both decrease."""
    rules.ensure_transition(reservation.status, "sold")

    def decide(level: StockLevel, line: ReservationLine) -> ledger.Change | None:
        on_hand_delta, reserved_delta = rules.sale_deltas(
            level.on_hand, level.reserved, line.quantity
        )
        if -on_hand_delta != line.quantity:
            log.warning("selling more than is on hand", sku=level.sku, level=level.warehouse_id)
        return _change(
            reservation, "sale", actor, on_hand_delta=on_hand_delta, reserved_delta=reserved_delta
        )

    await _each_line(uow, reservation, decide, now)
    _close(reservation, "sold", now, None)


async def restock(
    uow: UnitOfWork, reservation: Reservation, *, actor: str, now: datetime, note: str
) -> None:
    """The sold goods came back: each line returns to the location it left from."""
    rules.ensure_transition(reservation.status, "returned")
    await _each_line(
        uow,
        reservation,
        lambda _, line: _change(reservation, "return", actor, on_hand_delta=line.quantity),
        now,
    )
    _close(reservation, "returned", now, note)


async def revive(uow: UnitOfWork, reservation: Reservation, *, actor: str, now: datetime) -> bool:
    """Hold an expired reservation's quantities again, if the stock is still there (a late
    payment, or a shipment of an order whose hold lapsed). It no longer expires."""
    rules.ensure_transition(reservation.status, "active")
    wanted = [(line.sku, line.quantity) for line in reservation.lines]
    try:
        allocations, levels, items = await _allocate(
            uow.session, wanted, warehouse_id=None, country=reservation.country
        )
    except (rules.InsufficientStock, NotFound) as exc:
        reservation.note = f"could not be held again: {exc.message}"
        reservation.updated_at = now
        return False
    reservation.lines = [
        ReservationLine(sku=a.sku, warehouse_id=a.warehouse_id, quantity=a.quantity)
        for a in allocations
    ]
    await uow.session.flush()
    await _hold(uow, reservation, allocations, levels, items, actor, now)
    reservation.expires_at = None
    _close(reservation, "active", now, "held again after it had expired")
    return True


async def create_reservation(
    platform: Platform,
    *,
    sku: str,
    quantity: int,
    reference: str,
    caller: Principal,
    warehouse_id: str | None = None,
    expires_in_minutes: int | None = None,
) -> Reservation:
    now = utcnow()
    minutes = expires_in_minutes or inventory_settings().reservation_minutes
    async with platform.uows(SOURCE) as uow:
        return await reserve(
            uow,
            reference=reference,
            lines=[(sku, quantity)],
            kind="manual",
            actor=caller.subject,
            expires_at=now + timedelta(minutes=minutes),
            now=now,
            warehouse_id=warehouse_id,
        )


async def _owned(session: AsyncSession, reservation_id: str, caller: Principal) -> Reservation:
    reservation = await lock_reservation(session, reservation_id=reservation_id)
    if reservation is None:
        raise NotFound("reservation not found", field="reservation_id")
    caller.ensure_owns(reservation.created_by, "reservation")
    return reservation


async def release_reservation(
    platform: Platform, reservation_id: str, caller: Principal
) -> Reservation:
    async with platform.uows(SOURCE) as uow:
        reservation = await _owned(uow.session, reservation_id, caller)
        await release(uow, reservation, actor=caller.subject, now=utcnow(), note="released")
        return reservation


async def sell_reservation(
    platform: Platform, reservation_id: str, caller: Principal
) -> Reservation:
    async with platform.uows(SOURCE) as uow:
        reservation = await _owned(uow.session, reservation_id, caller)
        await sell(uow, reservation, actor=caller.subject, now=utcnow())
        return reservation
