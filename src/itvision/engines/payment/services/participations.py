"""How payment follows a group buy's participations (the group-buy and order engines' events):

- joined: the participation is payable at once (its own row of the order projection, keyed by
  the participation id, `participation_id` set): the customer pays it with POST /api/payments
  {participation_id}; its events carry `participation_id` and the order engines ignore them;
- left, dropped, or its group expired: like a cancelled order, its open payments are closed and
  what was paid is given back the way it was paid (Wave: refund API, retried until it
  succeeds; Orange Money: by hand, recorded by an operator) → `payment.refund.completed`
  (`participation_id`);
- the group's order of a participant placed (`order.order.placed` with `participation_id`):
  the order is paid from the participation's payment (`payment.payment.succeeded` for the
  order, method of the participation) and what was paid above the order's total is given
  back (a partial refund). Parked (NotYet) until the participation's payment has succeeded.

Each step is idempotent: the same event twice finds its effect already there.
"""

from __future__ import annotations

from itvision.engines.payment.commands import (
    CancelOrder,
    CancelParticipations,
    RecordParticipation,
    SettleGroupOrder,
)
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Payment, PaymentOrder
from itvision.engines.payment.rules.states import Outcome
from itvision.engines.payment.services import orders
from itvision.engines.payment.services.book import PaymentBook, new_id
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

GROUP_SETTLED = "group:"  # the key and reference of an order paid from its participation


async def record_participation(on: Runner, command: RecordParticipation) -> PaymentOrder:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        row = await book.order(command.participation_id, create=True)
        assert row is not None
        row.customer_id = command.customer_id
        row.amount = command.amount
        row.currency = command.currency
        row.method = command.method
        row.pay_by = command.pay_by
        row.placed_at = row.reserved_at = command.joined_at
        row.group_id = command.group_id
        row.participation_id = command.participation_id
        row.updated_at = book.now
        return row


async def cancel_participations(on: Runner, command: CancelParticipations) -> int:
    async with unit_of_work(on, SOURCE) as uow:
        for participation_id in command.participation_ids:
            await orders.cancel_order(uow, CancelOrder(participation_id, command.ended_at))
        return len(command.participation_ids)


async def settle_group_order(on: Runner, command: SettleGroupOrder) -> Payment | None:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id)
        assert order is not None and order.amount is not None  # recorded by the same event
        order.group_id = command.group_id
        order.participation_id = command.participation_id
        key = f"{GROUP_SETTLED}{command.participation_id}"
        for existing in await book.payments_of(order.order_id):
            if existing.idempotency_key == key:
                return existing
        paid = [
            p for p in await book.payments_of(command.participation_id) if p.status == "succeeded"
        ]
        if not paid:
            raise NotYet(
                f"participation {command.participation_id} has no succeeded payment yet",
                field="participation_id",
            )
        source = paid[0]
        payment = Payment(
            id=new_id("pay"),
            order_id=order.order_id,
            customer_id=order.customer_id or source.customer_id,
            amount=order.amount,
            currency=order.currency,
            method=source.method,
            status="pending",
            requested_by=SOURCE,
            idempotency_key=key,
            provider_reference=key,
            paid_from=source.id,
            transaction_id=source.transaction_id,
            fee=0,
            refunded=0,
            created_at=book.now,
            updated_at=book.now,
        )
        uow.session.add(payment)
        await book.settle(payment, Outcome("succeeded", transaction_id=source.transaction_id))
        difference = source.amount - order.amount
        if difference > 0:
            await book.queue_refund(
                source, difference, cause=f"group-difference:{command.participation_id}"
            )
        return payment
