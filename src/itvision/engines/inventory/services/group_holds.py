"""Stock held for group buys (events of the group-buy engine), one reservation per
participation with the participation id as its reference, kind `group_buy`, never expiring:

- joined: the participation's units are held (or, if the stock is short, a `refused`
  reservation says so: the group's order then reserves like any order, and may be refused);
- left, dropped, or its group expired: the hold is released (one seen before the join is
  remembered as released, so a late join holds nothing);
- the group's order of a participant placed (`order.order.placed` with `participation_id`,
  see `services.orders.reserve_order`): the hold becomes the order's reservation (its
  reference the order id) instead of reserving again (`ReservationBook.hand_over`); NotYet
  while the join is not seen.

Each step is idempotent per participation.
"""

from __future__ import annotations

import uuid

import structlog

from itvision.engines.inventory import rules
from itvision.engines.inventory.commands import HoldParticipation, ReleaseParticipations
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Reservation
from itvision.engines.inventory.services.ledger import StockLedger
from itvision.engines.inventory.services.reservation_book import ReservationBook
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.inventory")


async def hold_participation(on: Runner, command: HoldParticipation) -> Reservation:
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        existing = await book.lock(reference=command.participation_id)
        if existing is not None:
            return existing
        try:
            return await book.reserve(
                reference=command.participation_id,
                lines=[(command.sku, command.quantity)],
                kind="group_buy",
                actor=command.actor,
                expires_at=None,
            )
        except (rules.InsufficientStock, NotFound) as exc:
            log.warning(
                "group-buy participation not held",
                participation_id=command.participation_id,
                reason=exc.message,
            )
            refused = _empty(command.participation_id, "refused", command.actor, book, exc.message)
            uow.session.add(refused)
            return refused


async def release_participations(on: Runner, command: ReleaseParticipations) -> int:
    """Returns how many holds were released."""
    async with unit_of_work(on, SOURCE) as uow:
        book = ReservationBook(StockLedger(uow, utcnow()))
        released = 0
        for participation_id in command.participation_ids:
            hold = await book.lock(reference=participation_id)
            if hold is None:
                note = "participation ended before it was held"
                uow.session.add(_empty(participation_id, "released", command.actor, book, note))
            elif hold.status == "active":
                await book.release(hold, actor=command.actor, note="group-buy participation ended")
                released += 1
        return released


def _empty(
    reference: str, status: str, actor: str, book: ReservationBook, note: str
) -> Reservation:
    now = book.ledger.now
    return Reservation(
        id=str(uuid.uuid4()),
        reference=reference,
        kind="group_buy",
        status=status,
        created_by=actor,
        created_at=now,
        updated_at=now,
        lines=[],
        note=note,
    )
