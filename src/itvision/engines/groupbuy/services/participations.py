"""A customer's place in a group: joining, leaving, and what the payment engine says of its
money.

- join: one conditional UPDATE takes the seat (`… WHERE status = 'open' AND deadline > now AND
  participants < max_participants AND quantity + q <= max_total_quantity RETURNING …`): on
  PostgreSQL the row lock makes concurrent joins re-check the condition on the latest row, on
  SQLite units of work write one at a time; a join that does not fit changes nothing. The
  participation owes the unit price of the tier its own seat reaches; `pay_by` is
  `payment_minutes` later (or the deadline) → `groupbuy.participant.joined` (and
  `groupbuy.threshold.reached` for each tier reached the first time).
- leave (while the group is open): the seat is freed → `groupbuy.participant.left`; payment
  refunds what was paid.
- payment succeeded: the participation is paid (and the group may succeed); a payment arriving
  after the participation ended is owed back (payment refunds it on its side).
- payment failed: the participation is dropped, its seat freed.
- refund completed: recorded on the participation; an expired group whose refunds are all done
  becomes refunded.

Events about a participation not known yet (other topics, on Kafka) raise NotYet.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from itvision.engines.groupbuy import rules
from itvision.engines.groupbuy.commands import (
    JoinGroup,
    LeaveGroup,
    RecordPayment,
    RecordPaymentFailure,
    RecordRefund,
)
from itvision.engines.groupbuy.events import SOURCE, ParticipantJoined
from itvision.engines.groupbuy.models import GroupBuy, Participation
from itvision.engines.groupbuy.services.group_book import (
    GroupBook,
    counts_of,
    settle_refund,
    terms_of,
)
from itvision.engines.groupbuy.settings import GroupBuySettings
from itvision.platform.errors import Conflict, InvalidInput, NotFound, NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


class GroupFull(Conflict):
    code = "group_full"


class AlreadyJoined(Conflict):
    code = "already_joined"


async def join_group(on: Runner, command: JoinGroup) -> Participation:
    async with unit_of_work(on, SOURCE) as uow:
        now = utcnow()
        group = await uow.session.get(GroupBuy, command.group_id)
        if group is None:
            raise NotFound("group buy not found", field="group_id")
        if group.status != "open":
            raise rules.GroupNotOpen(group.id, group.status)
        terms = terms_of(group)
        refusal = rules.join_refusal(terms, counts_of(group), command.quantity, group.deadline, now)
        if refusal is not None and refusal.field == "quantity":
            raise InvalidInput(refusal.message, field="quantity")
        taken = await uow.session.execute(
            update(GroupBuy)
            .where(
                GroupBuy.id == group.id,
                GroupBuy.status == "open",
                GroupBuy.deadline > now,
                GroupBuy.participants < GroupBuy.max_participants,
                (GroupBuy.max_total_quantity.is_(None))
                | (GroupBuy.quantity + command.quantity <= GroupBuy.max_total_quantity),
            )
            .values(
                participants=GroupBuy.participants + 1,
                quantity=GroupBuy.quantity + command.quantity,
                updated_at=now,
            )
            .returning(GroupBuy.participants)
            .execution_options(synchronize_session=False)
        )
        if taken.scalar_one_or_none() is None:
            await uow.session.refresh(group)
            why = rules.join_refusal(terms, counts_of(group), command.quantity, group.deadline, now)
            if group.status != "open":
                raise rules.GroupNotOpen(group.id, group.status)
            raise GroupFull(why.message if why else "the group is full", field="quantity")
        await uow.session.refresh(group, with_for_update=True)
        already = await uow.session.scalar(
            select(Participation.id).where(
                Participation.group_id == group.id,
                Participation.customer_id == command.customer_id,
                Participation.status.in_(rules.HOLDING),
            )
        )
        if already is not None:
            raise AlreadyJoined(
                f"you are already in this group (participation {already}): leave it first "
                "to join with another quantity",
                field="group_id",
            )
        count = rules.counted(terms.basis, group.participants, group.quantity)
        unit_price = rules.unit_price_at(terms, count)
        minutes = uow.settings_of(GroupBuySettings).payment_minutes
        participation = Participation(
            id=f"GBP-{uuid.uuid4().hex[:16].upper()}",
            group_id=group.id,
            customer_id=command.customer_id,
            quantity=command.quantity,
            unit_price=unit_price,
            amount_due=unit_price * command.quantity,
            payment_method=command.payment_method,
            delivery_method=command.delivery_method,
            delivery_address=command.delivery_address,
            status="awaiting_payment",
            paid_amount=0,
            refund_status="none",
            refund_due=0,
            refunded_amount=0,
            pay_by=min(now + timedelta(minutes=minutes), group.deadline),
            joined_at=now,
            updated_at=now,
        )
        uow.session.add(participation)
        uow.emit(
            ParticipantJoined(
                group_id=group.id,
                customer_id=participation.customer_id,
                quantity=participation.quantity,
                total_quantity=group.quantity,
                participant_count=group.participants,
                joined_at=now,
                participation_id=participation.id,
                sku=group.sku,
                unit_price=unit_price,
                amount_due=participation.amount_due,
                currency=group.currency,
                payment_method=participation.payment_method,
                pay_by=participation.pay_by,
            )
        )
        GroupBook(uow, now).announce_tiers(group)
        return participation


async def leave_group(on: Runner, command: LeaveGroup) -> Participation:
    async with unit_of_work(on, SOURCE) as uow:
        book = GroupBook(uow, utcnow())
        found = await book.participation(command.participation_id)
        if found is None or not command.caller.owns(found[1].customer_id):
            raise NotFound("participation not found", field="participation_id")
        group, participation = found
        if participation.status not in rules.HOLDING:
            raise rules.ParticipationNotHeld(participation.id, participation.status)
        if group.status != "open" or book.now >= group.deadline:
            raise rules.GroupNotOpen(group.id, group.status)
        book.free_seat(group, participation, "left", "left")
        return participation


async def _known(book: GroupBook, participation_id: str) -> tuple[GroupBuy, Participation]:
    found = await book.participation(participation_id)
    if found is None:
        raise NotYet(f"participation {participation_id} is not known yet", field="participation_id")
    return found


async def record_payment(on: Runner, command: RecordPayment) -> Participation:
    async with unit_of_work(on, SOURCE) as uow:
        book = GroupBook(uow, utcnow())
        group, participation = await _known(book, command.participation_id)
        if participation.payment_id == command.payment_id and participation.paid_amount:
            return participation
        participation.payment_id = command.payment_id
        participation.paid_amount = command.amount
        participation.paid_at = participation.updated_at = book.now
        if participation.status == "awaiting_payment":
            participation.status = "paid"
            group.paid_participants += 1
            group.paid_quantity += participation.quantity
            group.updated_at = book.now
            await book.advance(group)
        elif participation.status in ("left", "dropped", "expired"):
            book.owe_late_payment(participation)
            await book.advance(group)
        return participation


async def record_payment_failure(on: Runner, command: RecordPaymentFailure) -> Participation:
    async with unit_of_work(on, SOURCE) as uow:
        book = GroupBook(uow, utcnow())
        group, participation = await _known(book, command.participation_id)
        if participation.status == "awaiting_payment":
            book.free_seat(group, participation, "dropped", "payment_failed")
            await book.advance(group)
        return participation


async def record_refund(on: Runner, command: RecordRefund) -> Participation:
    async with unit_of_work(on, SOURCE) as uow:
        book = GroupBook(uow, utcnow())
        group, participation = await _known(book, command.participation_id)
        participation.refunded_amount += command.amount
        participation.updated_at = book.now
        settle_refund(participation, book.now)
        await book.advance(group)
        return participation
