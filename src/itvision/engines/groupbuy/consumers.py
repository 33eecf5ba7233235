"""What the group-buy engine reacts to: the payment engine's word on a participation's money
(events carrying a `participation_id`): paid, failed (the seat is freed), refunded. Payments of
orders (no `participation_id`) are not its business. Each handler turns the event into a
command and runs its use case in the unit of work that also marks the event applied."""

from __future__ import annotations

from itvision.engines.groupbuy.commands import RecordPayment, RecordPaymentFailure, RecordRefund
from itvision.engines.groupbuy.events import SOURCE
from itvision.engines.groupbuy.services import participations
from itvision.engines.payment.events import PaymentFailed, PaymentSucceeded, RefundCompleted
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

GROUP = ConsumerGroup(SOURCE)


@GROUP.on("payment.payment.succeeded")
async def participation_paid(event: Event[PaymentSucceeded], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is None:
        return
    command = RecordPayment(payment.participation_id, payment.payment_id, payment.amount)
    await participations.record_payment(uow, command)


@GROUP.on("payment.payment.failed")
async def participation_unpaid(event: Event[PaymentFailed], uow: UnitOfWork) -> None:
    payment = event.payload
    if payment.participation_id is None:
        return
    command = RecordPaymentFailure(payment.participation_id, payment.payment_id)
    await participations.record_payment_failure(uow, command)


@GROUP.on("payment.refund.completed")
async def participation_refunded(event: Event[RefundCompleted], uow: UnitOfWork) -> None:
    refund = event.payload
    if refund.participation_id is None:
        return
    command = RecordRefund(
        refund.participation_id, refund.refund_id, refund.amount, refund.completed_at
    )
    await participations.record_refund(uow, command)
