"""Reservations asked for by staff and partners (a cart, an order taken by phone): held until
sold, released or expired; a partner touches only its own. And expiry: reservations whose
hold lapsed give their stock back (an unpaid order's stock comes back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from itvision.engines.inventory import queries, rules
from itvision.engines.inventory.commands import (
    ExpireReservations,
    ReleaseReservation,
    ReserveStock,
    SellReservation,
)
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Reservation
from itvision.engines.inventory.services.ledger import StockLedger
from itvision.engines.inventory.services.reservation_book import ReservationBook
from itvision.platform.auth import Principal
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.inventory")


async def reserve_stock(on: Runner, command: ReserveStock) -> Reservation:
    """Hold a SKU for a reference; InsufficientStock (409 on `sku`) when there is not enough,
    409 on `reference` when it already has a reservation."""
    async with unit_of_work(on, SOURCE) as uow:
        ledger = StockLedger(uow, utcnow())
        minutes = command.expires_in_minutes or ledger.settings.reservation_minutes
        return await ReservationBook(ledger).reserve(
            reference=command.reference,
            lines=[(command.sku, command.quantity)],
            kind="manual",
            actor=command.caller.subject,
            expires_at=ledger.now + timedelta(minutes=minutes),
            warehouse_id=command.warehouse_id,
        )


async def release_reservation(on: Runner, command: ReleaseReservation) -> Reservation:
    """Give the held stock back (cart abandoned, order cancelled)."""
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await _owned(book, command.reservation_id, command.caller)
        await book.release(reservation, actor=command.caller.subject, note="released")
        return reservation


async def sell_reservation(on: Runner, command: SellReservation) -> Reservation:
    """The goods were shipped: on hand and reserved decrease. Refused (MissingStockLevel, 409
    on `sku`) when a line's stock level is gone."""
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await _owned(book, command.reservation_id, command.caller)
        await book.sell(reservation, actor=command.caller.subject)
        return reservation


async def _owned(book: ReservationBook, reservation_id: str, caller: Principal) -> Reservation:
    reservation = await book.lock(reservation_id=reservation_id)
    if reservation is None:
        raise NotFound("reservation not found", field="reservation_id")
    caller.ensure_owns(reservation.created_by, "reservation")
    return reservation


async def expire_reservations(
    on: Runner,
    command: ExpireReservations,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Release every active reservation whose hold lapsed (status `expired`), one unit of
    work each; returns how many. One that cannot be released (a line's stock level is gone)
    stays active, is logged, and is tried again at the next run."""
    as_of = command.as_of or utcnow()
    due = await queries.lapsed_reservations(on, as_of)
    expired = 0
    for done, reservation_id in enumerate(due, start=1):
        try:
            if await _expire(on, reservation_id, as_of):
                expired += 1
        except rules.MissingStockLevel as exc:
            log.error("reservation not expired", reservation_id=reservation_id, error=exc.message)
        if progress is not None:
            progress(done, len(due))
    return expired


async def _expire(on: Runner, reservation_id: str, as_of: datetime) -> bool:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, as_of))
        reservation = await book.lock(reservation_id=reservation_id)
        # Checked again under the lock: it may have been paid or shipped meanwhile.
        if (
            reservation is None
            or reservation.status != "active"
            or reservation.expires_at is None
            or reservation.expires_at > as_of
        ):
            return False
        await book.release(
            reservation,
            actor=SOURCE,
            status="expired",
            note=f"expired unpaid at {reservation.expires_at:%Y-%m-%d %H:%M} UTC",
        )
        return True
