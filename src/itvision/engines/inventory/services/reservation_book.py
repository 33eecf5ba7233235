"""Reservations inside a use case's unit of work: stock held for an order (or a partner's
cart) until it is released, expires unpaid, or leaves as a sale on shipment; a sale can come
back as a return.

Never oversold: reserving locks the SKU's stock levels (SELECT … FOR UPDATE on PostgreSQL;
SQLite units of work already serialize on BEGIN IMMEDIATE), decides from the locked
quantities, and the table's CHECK (reserved <= on_hand) refuses anything that slipped past.
A reservation's state changes lock the reservation row first, then its levels in (SKU,
location) order, so that two units of work never wait on each other in a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import structlog
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from itvision.engines.inventory import queries, rules
from itvision.engines.inventory.events import MovementReason
from itvision.engines.inventory.models import (
    Item,
    Location,
    Reservation,
    ReservationLine,
    StockLevel,
)
from itvision.engines.inventory.services.ledger import Change, Levels, StockLedger
from itvision.platform.errors import Conflict, NotFound, NotYet

log = structlog.get_logger("itvision.inventory")

Allocated = tuple[list[rules.Allocation], Levels, dict[str, Item]]


class ReservationBook:
    """The reservations of one unit of work, changing stock through its ledger."""

    def __init__(self, ledger: StockLedger) -> None:
        self.ledger = ledger
        self.session = ledger.session
        # The levels locked to allocate stock: locked, they change only through this unit of
        # work, so what they hold needs no second read.
        self.locked: Levels = {}

    def availability(self) -> dict[str, dict[str, int]]:
        """`queries.availability` of the SKUs this book tried to allocate, from their locked
        levels."""
        found: dict[str, dict[str, int]] = {}
        for (sku, warehouse_id), level in sorted(self.locked.items()):
            found.setdefault(sku, {})[warehouse_id] = level.available
        return found

    async def lock(
        self, *, reservation_id: str | None = None, reference: str | None = None
    ) -> Reservation | None:
        query = (
            select(Reservation)
            # Its lines in the same statement; the reservation's row alone is locked.
            .options(joinedload(Reservation.lines))
            .with_for_update(of=Reservation)
            .execution_options(populate_existing=True)
        )
        if reservation_id is not None:
            query = query.where(Reservation.id == reservation_id)
        else:
            query = query.where(Reservation.reference == reference)
        return (await self.session.scalars(query)).unique().one_or_none()

    async def hand_over(self, reference: str, to_reference: str) -> Reservation | None:
        """The active reservation held under `reference` (a group-buy participation) becomes
        `to_reference`'s (its order's), stock unchanged; an empty `released` one is left under
        `reference`, so that a late release gives nothing back. None when it holds nothing;
        NotYet while `reference` is unknown."""
        held = await self.lock(reference=reference)
        if held is None:
            raise NotYet(f"{reference} is not known yet", field="participation_id")
        if held.status != "active":
            return None
        now = self.ledger.now
        held.reference, held.kind, held.expires_at = to_reference, "order", None
        held.note = f"held for {reference}"
        held.updated_at = now
        self.session.add(
            Reservation(
                id=str(uuid.uuid4()),
                reference=reference,
                kind="group_buy",
                status="released",
                created_by=held.created_by,
                created_at=now,
                updated_at=now,
                lines=[],
                note=f"handed over to {to_reference}",
            )
        )
        return held

    async def reserve(
        self,
        *,
        reference: str,
        lines: Iterable[tuple[str, int]],
        kind: rules.ReservationKind,
        actor: str,
        expires_at: datetime | None,
        warehouse_id: str | None = None,
        country: str | None = None,
    ) -> Reservation:
        """Hold every line, or none: raises InsufficientStock naming the SKU that is short."""
        allocations, levels, items = await self._allocate(
            lines, warehouse_id=warehouse_id, country=country
        )
        now = self.ledger.now
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
            lines=[],
        )
        self.session.add(reservation)
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict(
                f"reference {reference!r} already has a reservation", field="reference"
            ) from None
        await self._write_lines(reservation, allocations)
        await self._hold(reservation, (allocations, levels, items), actor)
        return reservation

    async def release(
        self,
        reservation: Reservation,
        *,
        actor: str,
        status: str = "released",
        note: str | None = None,
    ) -> None:
        """Give the held stock back (cancelled order, or expired unpaid with status
        `expired`)."""
        rules.ensure_transition(reservation.status, status)

        def decide(level: StockLevel, line: ReservationLine) -> Change | None:
            delta = rules.release_delta(level.reserved, line.quantity)
            if -delta != line.quantity:
                log.warning(
                    "releasing more than is reserved", sku=level.sku, level=level.warehouse_id
                )
            return _change(reservation, "release", actor, reserved_delta=delta) if delta else None

        await self._each_line(reservation, decide)
        self._close(reservation, status, note)

    async def sell(self, reservation: Reservation, *, actor: str) -> None:
        """The goods left (shipment): on hand and reserved both decrease."""
        rules.ensure_transition(reservation.status, "sold")

        def decide(level: StockLevel, line: ReservationLine) -> Change | None:
            on_hand_delta, reserved_delta = rules.sale_deltas(
                level.on_hand, level.reserved, line.quantity
            )
            if -on_hand_delta != line.quantity:
                log.warning("selling more than is on hand", sku=level.sku, level=level.warehouse_id)
            return _change(
                reservation,
                "sale",
                actor,
                on_hand_delta=on_hand_delta,
                reserved_delta=reserved_delta,
            )

        await self._each_line(reservation, decide)
        self._close(reservation, "sold", None)

    async def restock(self, reservation: Reservation, *, actor: str, note: str) -> None:
        """The sold goods came back: each line returns to the location it left from."""
        rules.ensure_transition(reservation.status, "returned")
        await self._each_line(
            reservation,
            lambda _, line: _change(reservation, "return", actor, on_hand_delta=line.quantity),
        )
        self._close(reservation, "returned", note)

    async def take_back(
        self, reservation: Reservation, quantities: Mapping[str, int], *, actor: str, note: str
    ) -> None:
        """Some of the sold goods came back: each unit to the location it left from. The
        reservation stays sold."""
        left = dict(quantities)

        def returned(_: StockLevel, line: ReservationLine) -> Change | None:
            quantity = min(left.get(line.sku, 0), line.quantity)
            if not quantity:
                return None
            left[line.sku] -= quantity
            return _change(reservation, "return", actor, on_hand_delta=quantity)

        await self._each_line(reservation, returned)
        self._close(reservation, reservation.status, note)

    async def revive(self, reservation: Reservation, *, actor: str) -> bool:
        """Hold an expired reservation's quantities again, if the stock is still there (a late
        payment, or a shipment of an order whose hold lapsed). It no longer expires."""
        rules.ensure_transition(reservation.status, "active")
        wanted = [(line.sku, line.quantity) for line in reservation.lines]
        try:
            allocated = await self._allocate(wanted, warehouse_id=None, country=reservation.country)
        except (rules.InsufficientStock, NotFound) as exc:
            reservation.note = f"could not be held again: {exc.message}"
            reservation.updated_at = self.ledger.now
            return False
        await self._write_lines(reservation, allocated[0])
        await self._hold(reservation, allocated, actor)
        reservation.expires_at = None
        self._close(reservation, "active", "held again after it had expired")
        return True

    async def _allocate(
        self, lines: Iterable[tuple[str, int]], *, warehouse_id: str | None, country: str | None
    ) -> Allocated:
        """Lock the levels of every requested SKU and decide where each is taken from; raises
        InsufficientStock (or NotFound for a SKU inventory does not know), for the first SKU
        that cannot be held, before any change."""
        if warehouse_id is not None:
            preference = [(await queries.known_location(self.ledger.uow, warehouse_id)).code]
        else:
            known = await self.session.scalars(select(Location))
            preference = rules.location_preference(
                (rules.LocationRef(loc.code, loc.country, loc.is_default) for loc in known),
                country,
            )
        requested = rules.requested_quantities(lines)
        items = await queries.items_of(self.ledger.uow, requested.keys())
        levels: Levels = {
            (level.sku, level.warehouse_id): level
            for level in await self.ledger.lock_levels_of(requested.keys())
        }
        self.locked.update(levels)
        allocations: list[rules.Allocation] = []
        for sku, quantity in requested.items():
            if sku not in items:
                raise queries.unknown_sku(sku)
            free = [(w, levels[(sku, w)].available) for w in preference if (sku, w) in levels]
            allocations.extend(rules.allocate(sku, quantity, free))
        return allocations, levels, items

    async def _write_lines(
        self, reservation: Reservation, allocations: Iterable[rules.Allocation]
    ) -> None:
        """Make the allocations the reservation's lines, in place of those it had. They are
        inserted by one statement (the session inserts rows whose id the database generates
        one at a time on SQLite) and set as its loaded lines, in the id order the relationship
        loads them in."""
        rows = [
            {
                "reservation_id": reservation.id,
                "sku": a.sku,
                "warehouse_id": a.warehouse_id,
                "quantity": a.quantity,
            }
            for a in allocations
        ]
        replaced = list(reservation.lines)
        lines: list[ReservationLine] = []
        if rows:
            inserting = insert(ReservationLine).returning(ReservationLine)
            lines = sorted(await self.session.scalars(inserting, rows), key=lambda line: line.id)
        set_committed_value(reservation, "lines", lines)
        for line in replaced:
            await self.session.delete(line)

    async def _hold(self, reservation: Reservation, allocated: Allocated, actor: str) -> None:
        allocations, levels, items = allocated
        await self.ledger.apply_all(
            [
                (
                    levels[(a.sku, a.warehouse_id)],
                    items[a.sku],
                    _change(reservation, "reservation", actor, reserved_delta=a.quantity),
                )
                for a in allocations
            ]
        )

    async def _each_line(
        self,
        reservation: Reservation,
        decide: Callable[[StockLevel, ReservationLine], Change | None],
    ) -> None:
        """Apply `decide` to each line's level. Every level is locked and checked before
        anything changes: a line whose level is gone refuses the whole step (MissingStockLevel)
        rather than closing the reservation with its stock unaccounted for."""
        lines = sorted(reservation.lines, key=lambda l_: (l_.sku, l_.warehouse_id))
        levels = await self.ledger.lock_levels_at([(line.sku, line.warehouse_id) for line in lines])
        items = await queries.items_of(self.ledger.uow, {line.sku for line in lines})
        for line in lines:
            if (line.sku, line.warehouse_id) not in levels or line.sku not in items:
                raise rules.MissingStockLevel(reservation.reference, line.sku, line.warehouse_id)
        changes = []
        for line in lines:
            level = levels[(line.sku, line.warehouse_id)]
            change = decide(level, line)
            if change is not None:
                changes.append((level, items[line.sku], change))
        await self.ledger.apply_all(changes)

    def _close(self, reservation: Reservation, status: str, note: str | None) -> None:
        reservation.status = status
        reservation.updated_at = self.ledger.now
        if note is not None:
            reservation.note = note


def _change(
    reservation: Reservation,
    reason: MovementReason,
    actor: str,
    *,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
) -> Change:
    return Change(
        reason,
        reservation.reference,
        actor,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        order_id=reservation.reference if reservation.kind == "order" else None,
    )
