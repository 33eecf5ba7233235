"""How inventory follows an order's life (events of the order engine), one reservation per
order with the order id as its reference:

- placed: reserve every line (with the unpaid expiry of its payment method), or nothing, and
  answer the order engine: `inventory.reservation.confirmed` (the lines held, until when) or
  `inventory.reservation.refused` (every line that is short, with the quantities and why, in
  French); an order that cannot be fully reserved gets a `refused` reservation whose note says
  why. The answer is given once: a redelivered or replayed `placed` finds the reservation and
  says nothing, and neither does a `placed` of an order already cancelled.
- confirmed: the hold no longer expires (paid, or accepted cash on delivery); an expired hold is
  taken again if the stock is still there.
- cancelled: the held stock is released.
- shipped: the reservation becomes a sale (on hand and reserved both decrease).
- refunded: sold goods are restocked when the refund says they came back (see
  `rules.refund_restocks`); a refund before shipment releases the hold.

Each step is idempotent per order: a second event for the same order finds the reservation
already in its new state and changes nothing. Order is kept per key within a topic, not across
topics (on Kafka, or when a dead letter is replayed): a confirmation or shipment seen before
the order was placed leaves a `pending` reservation that placing the order completes, and a
cancellation seen first keeps the order from being reserved at all.

A step that finds a line's stock level gone raises MissingStockLevel: the event is retried,
then dead-lettered, rather than marking the reservation sold, released or returned.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from itvision.engines.inventory import rules
from itvision.engines.inventory.commands import (
    CancelOrder,
    ConfirmOrder,
    RefundOrder,
    ReserveOrder,
    ShipOrder,
)
from itvision.engines.inventory.events import (
    SOURCE,
    RefusedLine,
    ReservationConfirmed,
    ReservationRefused,
    ReservedLine,
)
from itvision.engines.inventory.models import Reservation
from itvision.engines.inventory.services.ledger import StockLedger
from itvision.engines.inventory.services.reservation_book import ReservationBook
from itvision.platform.errors import NotFound, NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.inventory")


async def reserve_order(on: Runner, command: ReserveOrder) -> Reservation:
    async with unit_of_work(on, SOURCE) as uow:
        ledger = StockLedger(uow, utcnow())
        book = ReservationBook(ledger)
        existing = await book.lock(reference=command.order_id)
        if existing is not None and existing.status != "pending":
            return existing
        step = existing.pending_step if existing is not None else None
        if existing is not None:
            await uow.session.delete(existing)
            await uow.session.flush()
        if command.participation_id is not None:
            held = await book.hand_over(command.participation_id, command.order_id)
            if held is not None:
                return await _reserved(book, held, step, command.actor)
        settings = ledger.settings
        requested = rules.requested_quantities((line.sku, line.quantity) for line in command.lines)
        try:
            reservation = await book.reserve(
                reference=command.order_id,
                lines=requested.items(),
                kind="order",
                actor=command.actor,
                expires_at=rules.reservation_expiry(
                    ledger.now,
                    command.payment_method,
                    minutes=settings.reservation_minutes,
                    cash_on_delivery_hours=settings.cash_on_delivery_reservation_hours,
                ),
                country=command.country,
            )
        except (rules.InsufficientStock, NotFound) as exc:
            log.info("order not reserved", order_id=command.order_id, reason=exc.message)
            refused = _placeholder(
                command.order_id,
                "refused",
                command.actor,
                ledger.now,
                note=exc.message,
                country=command.country,
            )
            uow.session.add(refused)
            # Every short line, not only the first one the allocation met: the customer
            # changes the whole cart at once.
            short = rules.shortages(requested, book.availability())
            if not short and isinstance(exc, rules.InsufficientStock):
                short = [rules.Shortage(exc.sku, exc.requested, exc.available)]
            uow.emit(
                ReservationRefused(
                    order_id=command.order_id,
                    lines=[
                        RefusedLine(sku=x.sku, requested=x.requested, available=x.available)
                        for x in short
                    ],
                    reason=rules.refusal_reason(short),
                    refused_at=ledger.now,
                )
            )
            return refused
        return await _reserved(book, reservation, step, command.actor)


async def _reserved(
    book: ReservationBook, reservation: Reservation, step: str | None, actor: str
) -> Reservation:
    """Answer the order engine, and apply a step seen before the order was placed."""
    book.ledger.uow.emit(
        ReservationConfirmed(
            order_id=reservation.reference,
            reservation_id=reservation.id,
            lines=[
                ReservedLine(sku=sku, quantity=quantity)
                for sku, quantity in rules.requested_quantities(
                    (line.sku, line.quantity) for line in reservation.lines
                ).items()
            ],
            expires_at=None if step in ("confirmed", "shipped") else reservation.expires_at,
            confirmed_at=book.ledger.now,
        )
    )
    if step == "confirmed":
        reservation.expires_at = None
    elif step == "shipped":
        await book.sell(reservation, actor=actor)
    return reservation


async def confirm_order(on: Runner, command: ConfirmOrder) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await book.lock(reference=command.order_id)
        if reservation is None or reservation.status == "pending":
            _early(book, reservation, command.order_id, "confirmed", command.actor)
        elif reservation.status == "active":
            reservation.expires_at = None
            reservation.updated_at = book.ledger.now
        elif reservation.status == "expired":
            await book.revive(reservation, actor=command.actor)


async def cancel_order(on: Runner, command: CancelOrder) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await book.lock(reference=command.order_id)
        if reservation is None:
            # Remembered, so that a late or replayed `placed` does not reserve a cancelled
            # order.
            note = "cancelled before it was reserved"
            uow.session.add(
                _placeholder(
                    command.order_id, "released", command.actor, book.ledger.now, note=note
                )
            )
        elif reservation.status in ("active", "pending"):
            await book.release(reservation, actor=command.actor, note="order cancelled")


async def ship_order(on: Runner, command: ShipOrder) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await book.lock(reference=command.order_id)
        if reservation is None or reservation.status == "pending":
            _early(book, reservation, command.order_id, "shipped", command.actor)
            return
        if reservation.status == "expired":
            await book.revive(reservation, actor=command.actor)
        if reservation.status == "active":
            await book.sell(reservation, actor=command.actor)
        elif reservation.status in ("expired", "refused", "released"):
            # The goods left but no stock was held for them: a count will set on hand right.
            log.warning("order shipped without held stock", order_id=command.order_id)
            _note(
                reservation,
                f"shipped while {reservation.status}: stock not deducted; count it",
                book.ledger.now,
            )


async def refund_order(on: Runner, command: RefundOrder) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        reservation = await book.lock(reference=command.order_id)
        if reservation is None:
            return
        if reservation.status in ("active", "pending"):
            # An order is refunded only once delivered: the shipment that sells its stock is
            # still on its way (on Kafka, no order between two topics). Wait for it.
            raise NotYet(
                f"order {command.order_id} refunded before its shipment was seen",
                field="order_id",
            )
        if reservation.status == "sold":
            returned = rules.returned_quantities(command.reason, command.lines)
            note = f"refund {command.refund_id}"
            if returned:
                await book.take_back(reservation, returned, actor=command.actor, note=note)
            elif not command.lines and rules.refund_restocks(command.reason, command.is_partial):
                await book.restock(reservation, actor=command.actor, note=note)
            else:
                partial = ", partial" if command.is_partial else ""
                _note(
                    reservation,
                    f"refund {command.refund_id} ({command.reason}{partial}) restocks nothing"
                    " by itself",
                    book.ledger.now,
                )


def _placeholder(
    order_id: str, status: str, actor: str, now: datetime, **fields: str | None
) -> Reservation:
    """A reservation of an order that holds nothing: refused, or seen before it was placed."""
    return Reservation(
        id=str(uuid.uuid4()),
        reference=order_id,
        kind="order",
        status=status,
        created_by=actor,
        created_at=now,
        updated_at=now,
        lines=[],
        **fields,
    )


def _early(
    book: ReservationBook, reservation: Reservation | None, order_id: str, step: str, actor: str
) -> None:
    """Remember a step of an order that is not placed yet (the furthest one seen), on its
    locked `pending` reservation if it has one."""
    if reservation is None:
        note = "order events arrived before the order was placed"
        book.session.add(
            _placeholder(order_id, "pending", actor, book.ledger.now, pending_step=step, note=note)
        )
    elif reservation.pending_step != "shipped":
        reservation.pending_step = step


def _note(reservation: Reservation, note: str, now: datetime) -> None:
    """Remember what happened to a reservation; the same note again changes nothing."""
    if reservation.note != note:
        reservation.note = note
        reservation.updated_at = now
