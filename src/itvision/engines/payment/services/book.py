"""`PaymentBook`: what the use cases do to payments inside their unit of work — lock an order
or a payment, settle a payment with a provider's outcome (its event, and a refund when its
money must go back), and queue refunds. Not a use case: each use case opens its unit of work
and hands it here."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from sqlalchemy import select

from itvision.engines.payment import rules
from itvision.engines.payment.events import (
    PaymentFailed,
    PaymentInitiated,
    PaymentSucceeded,
    RefundCompleted,
)
from itvision.engines.payment.models import Payment, PaymentOrder, Refund
from itvision.engines.payment.rules.money import provider_fee, refundable, refunded_by_api
from itvision.engines.payment.rules.states import Outcome
from itvision.engines.payment.services.providers import provider_for
from itvision.engines.payment.services.providers.base import PaymentRef
from itvision.engines.payment.settings import PaymentSettings
from itvision.platform.uow import UnitOfWork

log = structlog.get_logger("itvision.payment")


def order_news(order_id: str) -> str:
    """What a request waiting to pay the order listens for (see `platform.news`)."""
    return f"payment.order:{order_id}"


def payment_news(payment_id: str) -> str:
    """What a webhook about a payment whose session is being recorded listens for."""
    return f"payment.payment:{payment_id}"


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def payment_ref(payment: Payment) -> PaymentRef:
    """What a provider's adapter needs to ask about the payment."""
    return PaymentRef(
        payment_id=payment.id,
        reference=payment.provider_reference or "",
        amount=payment.amount,
        currency=payment.currency,
    )


class PaymentBook:
    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.session = uow.session
        self.now = now
        self.settings = uow.settings_of(PaymentSettings)
        # The orders locked so far: a locked row changes only through this session until the
        # commit, so it is not read (and locked) again.
        self._locked: dict[str, PaymentOrder] = {}

    async def order(self, order_id: str, *, create: bool = False) -> PaymentOrder | None:
        """The order's row, locked (FOR UPDATE on PostgreSQL); a blank one if `create`, for a
        change of the order's facts that a request waiting to pay it hears of once committed."""
        order = self._locked.get(order_id)
        if order is None:
            order = await self.session.scalar(
                select(PaymentOrder).where(PaymentOrder.order_id == order_id).with_for_update()
            )
        if create:
            self.uow.tell(order_news(order_id))
            if order is None:
                order = PaymentOrder(order_id=order_id, currency="XOF", updated_at=self.now)
                self.session.add(order)
        return self._held(order)

    async def payment(self, payment_id: str) -> Payment | None:
        """The payment, locked after its order: every use case that locks more than one row
        locks an order before its payments, so two never wait for each other on PostgreSQL."""
        of_payment = select(Payment.order_id).where(Payment.id == payment_id).scalar_subquery()
        self._held(
            await self.session.scalar(
                select(PaymentOrder).where(PaymentOrder.order_id == of_payment).with_for_update()
            )
        )
        return await self.session.scalar(
            select(Payment).where(Payment.id == payment_id).with_for_update()
        )

    def _held(self, order: PaymentOrder | None) -> PaymentOrder | None:
        # An order not found is not remembered: nothing locks a row that does not exist yet.
        if order is not None:
            self._locked[order.order_id] = order
        return order

    async def payments_of(self, order_id: str) -> list[Payment]:
        rows = await self.session.scalars(
            select(Payment)
            .where(Payment.order_id == order_id)
            .order_by(Payment.created_at)
            .with_for_update()
        )
        return list(rows)

    def initiated(self, payment: Payment) -> None:
        self.uow.emit(
            PaymentInitiated(
                payment_id=payment.id,
                order_id=payment.order_id,
                customer_id=payment.customer_id,
                amount=payment.amount,
                currency=payment.currency,
                method=payment.method,
                provider_reference=payment.provider_reference,
                checkout_url=payment.checkout_url,
                fee=payment.fee,
                expires_at=payment.expires_at,
                initiated_at=self.now,
                participation_id=payment.participation_id,
            )
        )

    async def settle(self, payment: Payment, outcome: Outcome) -> bool:
        """Apply a provider's outcome; False when it changes nothing (see `rules.states`)."""
        payment.checked_at = self.now
        status = rules.states.next_status(payment.status, outcome)
        if status is None:
            return False
        was = payment.status
        payment.status = status
        payment.updated_at = payment.settled_at = self.now
        if status == "failed":
            payment.failure_reason = outcome.reason or "declined"
            payment.failure_code = outcome.code
            payment.fee = 0
            self.uow.emit(
                PaymentFailed(
                    payment_id=payment.id,
                    order_id=payment.order_id,
                    customer_id=payment.customer_id,
                    amount=payment.amount,
                    currency=payment.currency,
                    method=payment.method,
                    reason=payment.failure_reason,
                    provider_reference=payment.provider_reference,
                    failed_at=self.now,
                    participation_id=payment.participation_id,
                )
            )
            return True
        payment.transaction_id = outcome.transaction_id or payment.transaction_id
        payment.failure_reason = payment.failure_code = None
        payment.fee = provider_fee(payment.amount, self.settings.fee_rate(payment.method))
        self.uow.emit(
            PaymentSucceeded(
                payment_id=payment.id,
                order_id=payment.order_id,
                customer_id=payment.customer_id,
                amount=payment.amount,
                fee=payment.fee,
                currency=payment.currency,
                method=payment.method,
                provider_reference=payment.provider_reference,
                transaction_id=payment.transaction_id,
                succeeded_at=self.now,
                participation_id=payment.participation_id,
            )
        )
        await self._give_back_if_unwanted(payment, was)
        return True

    async def _give_back_if_unwanted(self, payment: Payment, was: str) -> None:
        """Money taken for an order that was cancelled, or already paid by another payment,
        goes back."""
        order = await self.order(payment.order_id)
        others = [
            p
            for p in await self.payments_of(payment.order_id)
            if p.id != payment.id and p.status == "succeeded"
        ]
        if order is not None and order.cancelled_at is not None:
            log.warning("paid after the order was cancelled", payment_id=payment.id, was=was)
            await self.queue_refund(payment, payment.amount, cause=f"cancelled:{payment.id}")
        elif others:
            log.warning("order paid twice", payment_id=payment.id, other=others[0].id)
            await self.queue_refund(payment, payment.amount, cause=f"duplicate:{payment.id}")

    async def queue_refund(
        self, payment: Payment, asked: int, *, cause: str, order_refund_id: str | None = None
    ) -> Refund | None:
        """A refund of up to `asked` of the payment, once per `cause` (None when it was queued
        before or nothing is left to give back): through the provider's API when it can, else
        for an operator."""
        if await self.session.scalar(select(Refund.id).where(Refund.cause == cause)):
            return None
        amount = refundable(payment.amount, payment.refunded, asked)
        if amount == 0:
            log.warning("nothing left to refund", payment_id=payment.id, cause=cause)
            return None
        provider = provider_for(payment.method, self.settings)
        # A group order paid from its participation has no provider session of its own: the
        # money sits in the participation's payment, which the provider refunds only whole.
        by_api = refunded_by_api(
            by_api=provider is not None and provider.refunds_by_api and payment.paid_from is None,
            amount=amount,
            paid=payment.amount,
            refunded_before=payment.refunded,
        )
        refund = Refund(
            id=new_id("ref"),
            cause=cause,
            payment_id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            order_refund_id=order_refund_id,
            amount=amount,
            currency=payment.currency,
            method=payment.method,
            status="pending" if by_api else "awaiting_operator",
            manual=not by_api,
            attempts=0,
            next_attempt_at=self.now if by_api else None,
            created_at=self.now,
        )
        payment.refunded += amount
        payment.updated_at = self.now
        self.session.add(refund)
        return refund

    def refund_completed(self, refund: Refund, payment: Payment) -> None:
        refund.status = "completed"
        refund.completed_at = self.now
        self.uow.emit(
            RefundCompleted(
                refund_id=refund.id,
                payment_id=refund.payment_id,
                order_id=refund.order_id,
                customer_id=refund.customer_id,
                order_refund_id=refund.order_refund_id,
                amount=refund.amount,
                currency=refund.currency,
                method=refund.method,
                manual=refund.manual,
                operator=refund.operator,
                provider_reference=refund.provider_reference or payment.provider_reference,
                completed_at=self.now,
                participation_id=payment.participation_id,
            )
        )
