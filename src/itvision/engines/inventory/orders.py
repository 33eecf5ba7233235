"""How inventory follows an order's life (events of the order engine), one reservation per
order with the order id as its reference:

- placed: reserve every line (with the unpaid expiry of its payment method), or nothing; an
  order that cannot be fully reserved gets a `refused` reservation whose note says why. The
  order engine reacts to that later (it sees `inventory.stock.depleted`, and can read the
  reservation); inventory emits nothing misleading: no stock moved.
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
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from itvision.engines.inventory import rules
from itvision.engines.inventory.config import inventory_settings
from itvision.engines.inventory.models import Reservation
from itvision.engines.inventory.reservations import (
    lock_reservation,
    release,
    reserve,
    restock,
    revive,
    sell,
)
from itvision.engines.order.events import OrderPlaced, OrderRefunded
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import UnitOfWork

log = structlog.get_logger("itvision.inventory")


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


async def reserve_order(uow: UnitOfWork, order: OrderPlaced, *, actor: str) -> Reservation:
    existing = await lock_reservation(uow.session, reference=order.order_id)
    if existing is not None and existing.status != "pending":
        return existing
    step = existing.pending_step if existing is not None else None
    if existing is not None:
        await uow.session.delete(existing)
        await uow.session.flush()
    now = utcnow()
    config = inventory_settings()
    country = order.delivery_address.country if order.delivery_address else None
    try:
        reservation = await reserve(
            uow,
            reference=order.order_id,
            lines=[(line.sku, line.quantity) for line in order.lines],
            kind="order",
            actor=actor,
            expires_at=rules.reservation_expiry(
                now,
                order.payment_method,
                minutes=config.reservation_minutes,
                cash_on_delivery_hours=config.cash_on_delivery_reservation_hours,
            ),
            now=now,
            country=country,
        )
    except (rules.InsufficientStock, NotFound) as exc:
        log.info("order not reserved", order_id=order.order_id, reason=exc.message)
        refused = _placeholder(
            order.order_id, "refused", actor, now, note=exc.message, country=country
        )
        uow.session.add(refused)
        return refused
    if step == "confirmed":
        reservation.expires_at = None
    elif step == "shipped":
        await sell(uow, reservation, actor=actor, now=now)
    return reservation


async def _early(uow: UnitOfWork, order_id: str, step: str, actor: str) -> None:
    """Remember a step of an order that is not placed yet (the furthest one seen)."""
    reservation = await lock_reservation(uow.session, reference=order_id)
    if reservation is None:
        note = "order events arrived before the order was placed"
        uow.session.add(
            _placeholder(order_id, "pending", actor, utcnow(), pending_step=step, note=note)
        )
    elif reservation.pending_step != "shipped":
        reservation.pending_step = step


async def confirm_order(uow: UnitOfWork, order_id: str, *, actor: str) -> None:
    reservation = await lock_reservation(uow.session, reference=order_id)
    if reservation is None or reservation.status == "pending":
        await _early(uow, order_id, "confirmed", actor)
    elif reservation.status == "active":
        reservation.expires_at = None
        reservation.updated_at = utcnow()
    elif reservation.status == "expired":
        await revive(uow, reservation, actor=actor, now=utcnow())


async def cancel_order(uow: UnitOfWork, order_id: str, *, actor: str) -> None:
    now = utcnow()
    reservation = await lock_reservation(uow.session, reference=order_id)
    if reservation is None:
        # Remembered, so that a late or replayed `placed` does not reserve a cancelled order.
        note = "cancelled before it was reserved"
        uow.session.add(_placeholder(order_id, "released", actor, now, note=note))
    elif reservation.status in ("active", "pending"):
        await release(uow, reservation, actor=actor, now=now, note="order cancelled")


async def ship_order(uow: UnitOfWork, order_id: str, *, actor: str) -> None:
    now = utcnow()
    reservation = await lock_reservation(uow.session, reference=order_id)
    if reservation is None or reservation.status == "pending":
        await _early(uow, order_id, "shipped", actor)
        return
    if reservation.status == "expired":
        await revive(uow, reservation, actor=actor, now=now)
    if reservation.status == "active":
        await sell(uow, reservation, actor=actor, now=now)
    elif reservation.status in ("expired", "refused", "released"):
        # The goods left but no stock was held for them: a count will set on hand right.
        log.warning("order shipped without held stock", order_id=order_id)
        _note(reservation, f"shipped while {reservation.status}: stock not deducted; count it")


async def refund_order(uow: UnitOfWork, refund: OrderRefunded, *, actor: str) -> None:
    now = utcnow()
    reservation = await lock_reservation(uow.session, reference=refund.order_id)
    if reservation is None:
        return
    if reservation.status in ("active", "pending"):
        await release(uow, reservation, actor=actor, now=now, note="refunded before shipment")
    elif reservation.status == "sold":
        if rules.refund_restocks(refund.reason, refund.is_partial):
            await restock(uow, reservation, actor=actor, now=now, note=f"refund {refund.refund_id}")
        else:
            _note(
                reservation,
                f"refund {refund.refund_id} ({refund.reason}"
                f"{', partial' if refund.is_partial else ''}) restocks nothing by itself",
            )


def _note(reservation: Reservation, note: str) -> None:
    """Remember what happened to a reservation; the same note again changes nothing."""
    if reservation.note != note:
        reservation.note = note
        reservation.updated_at = utcnow()
