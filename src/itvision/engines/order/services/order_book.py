"""Orders inside a use case's unit of work: lock one, move it along its state machine, emit
the order's events and write its timeline — the same way whichever use case does it.

A status change locks the order's row first (SELECT … FOR UPDATE on PostgreSQL; SQLite units
of work already serialize on BEGIN IMMEDIATE), so that a payment and a cancellation of the
same order never both win.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import raiseload

from itvision.engines.order.commands import CancelledBy, CancelReason, Said
from itvision.engines.order.events import (
    SOURCE,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderShipped,
)
from itvision.engines.order.models import Order, TimelineEntry
from itvision.engines.order.rules import lifecycle
from itvision.engines.order.rules import timeline as says
from itvision.engines.order.rules.lifecycle import Progress, Status
from itvision.platform.errors import NotYet
from itvision.platform.events import Payload
from itvision.platform.uow import UnitOfWork

UNKNOWN_CARRIER = "non précisé"


def status_of(order: Order) -> Status:
    return cast(Status, order.status)


def progress_of(order: Order) -> Progress:
    return Progress(
        cash_on_delivery=order.payment_method == "cash_on_delivery",
        reserved=order.reserved_at is not None,
        paid=order.paid_at is not None,
        dispatched=order.dispatched_at is not None,
        delivered=order.delivered_at is not None,
    )


class OrderBook:
    """The orders of one unit of work."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.session = uow.session
        self.now = now

    async def lock(self, order_id: str, *, lines: bool = True) -> Order | None:
        """The order, locked; without its lines (not read, and an error to touch) when the
        use case only moves it along."""
        query = select(Order).where(Order.id == order_id).with_for_update()
        if not lines:
            query = query.options(raiseload(Order.lines))
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def known(self, order_id: str) -> Order:
        """The order an event of another engine is about (its progress, not its lines);
        NotYet when its `placed` is still on its way (the event is parked and tried again)."""
        order = await self.lock(order_id, lines=False)
        if order is None:
            raise NotYet(f"order {order_id!r} is not known yet", field="order_id")
        return order

    def write(self, order: Order, said: Said, summary: str) -> TimelineEntry:
        """What another engine said about the order, on its timeline."""
        entry = TimelineEntry(
            order_id=order.id,
            at=said.at,
            engine=said.engine,
            event=said.topic,
            event_id=said.event_id,
            status=order.status,
            summary=summary,
        )
        self.session.add(entry)
        return entry

    def emit(self, order: Order, payload: Payload, summary: str) -> None:
        """An event of the order engine about the order, on its timeline too."""
        event = self.uow.emit(payload)
        self.session.add(
            TimelineEntry(
                order_id=order.id,
                at=self.now,
                engine=SOURCE,
                event=event.type,
                event_id=event.id,
                status=order.status,
                summary=summary,
            )
        )

    def move(self, order: Order, target: Status) -> None:
        lifecycle.ensure_transition(status_of(order), target)
        order.status = target
        order.updated_at = self.now

    def settle(self, order: Order) -> list[Status]:
        """Walk the order as far as what the saga said allows, emitting what each step
        announces; returns the statuses it went through."""
        path = lifecycle.advance(status_of(order), progress_of(order))
        for status in path:
            self.move(order, status)
            if status == "confirmed":
                order.confirmed_at = self.now
                self.emit(
                    order,
                    OrderConfirmed(
                        order_id=order.id,
                        customer_id=order.customer_id,
                        total=order.total,
                        currency=order.currency,
                        payment_method=order.payment_method,
                        confirmed_at=self.now,
                    ),
                    says.confirmed(order.payment_method),
                )
            elif status == "shipped":
                self.emit(
                    order,
                    OrderShipped(
                        order_id=order.id,
                        customer_id=order.customer_id,
                        shipment_id=order.shipment_id or "",
                        carrier=order.carrier or UNKNOWN_CARRIER,
                        tracking_number=order.tracking_number,
                        estimated_delivery_at=order.estimated_delivery_at,
                        shipped_at=order.dispatched_at or order.delivered_at or self.now,
                    ),
                    says.shipped(order.carrier or UNKNOWN_CARRIER),
                )
            elif status == "delivered":
                self.emit(
                    order,
                    OrderDelivered(
                        order_id=order.id,
                        customer_id=order.customer_id,
                        total=order.total,
                        currency=order.currency,
                        delivered_at=order.delivered_at or self.now,
                    ),
                    says.delivered(None),
                )
        return path

    def cancel(self, order: Order, reason: CancelReason, by: CancelledBy, note: str | None) -> None:
        self.move(order, "cancelled")
        order.cancelled_at = self.now
        order.cancel_reason = reason
        order.cancelled_by = by
        order.cancel_note = note
        self.emit(
            order,
            OrderCancelled(
                order_id=order.id,
                customer_id=order.customer_id,
                reason=reason,
                cancelled_by=by,
                note=note,
                cancelled_at=self.now,
            ),
            says.cancelled(reason, note),
        )
