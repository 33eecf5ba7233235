"""Paying an order online: the customer (or staff for them) asks, with an `Idempotency-Key`.

1. One unit of work records the payment (`initiating`), or finds the one the same key made, or
   the order's payment still open; an order that cannot be paid is refused (NotPayable, 409
   with its state).
2. The provider is asked for a session outside any transaction (on SQLite a transaction holds
   the write lock). Wave gets the payment id as its own Idempotency-Key, so a retry after a
   lost answer gives the same session.
3. A second unit of work records the session and its checkout URL →
   `payment.payment.initiated`.

A provider that cannot be reached leaves the payment `initiating`: the same request again
(same key) asks again; one never answered is `abandoned` by reconciliation.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import structlog
from sqlalchemy import and_, or_, select, update

from itvision.engines.order import get_order
from itvision.engines.payment import queries
from itvision.engines.payment.commands import StartPayment
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Payment
from itvision.engines.payment.rules.money import provider_fee
from itvision.engines.payment.rules.states import OPEN, NotPayable, OrderState, order_state
from itvision.engines.payment.services.book import (
    PaymentBook,
    new_id,
    order_news,
    payment_news,
)
from itvision.engines.payment.services.providers import ProviderError, provider_for
from itvision.engines.payment.services.providers.base import Session, SessionRequest
from itvision.engines.payment.settings import PaymentSettings
from itvision.platform.errors import Conflict, ITVisionError
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

log = structlog.get_logger("itvision.payment")
WEBHOOK_PATHS = {"wave": "wave", "orange_money": "orange-money"}


class ProviderUnavailable(ITVisionError):
    """502: the provider did not give a session; the same request (same key) tries again."""

    status = 502
    code = "provider_unavailable"


@dataclass(frozen=True, slots=True)
class StartedPayment:
    payment: Payment
    created: bool
    """False when the key (or the order's open payment) gave an existing payment."""


async def start_payment(on: Runner, command: StartPayment) -> StartedPayment:
    """Called with the platform: the provider is called between two units of work."""
    payment, created = await _record(on, command)
    if payment.status != "initiating":
        return StartedPayment(payment, created)
    settings = on.settings_of(PaymentSettings)
    provider = provider_for(payment.method, settings)
    assert provider is not None  # order_state admits online methods only
    base = settings.public_url.rstrip("/")
    request = SessionRequest(
        payment_id=payment.id,
        order_id=payment.order_id,
        amount=payment.amount,
        currency=payment.currency,
        success_url=f"{base}/api/payments/{payment.id}/return?result=success",
        error_url=f"{base}/api/payments/{payment.id}/return?result=error",
        notify_url=f"{base}/api/payments/webhooks/{WEBHOOK_PATHS[payment.method]}",
    )
    try:
        session = await provider.create_session(request)
    except ProviderError as exc:
        log.warning("no provider session", payment_id=payment.id, error=exc.message)
        raise ProviderUnavailable(
            f"{payment.method} did not open a payment session ({exc.message}); "
            "send the same request again",
            field="order_id",
        ) from None
    return StartedPayment(await _record_session(on, payment, session), created)


# Payment waits for these, then the client asks again: checked from a read, so that waiting
# does not take a turn to write (on SQLite, the whole process's). No payment exists in them.
NOT_YET = frozenset({"unknown", "awaiting_stock"})
# A request waiting to pay is woken when payment's consumer in this process changes the order;
# it reads again anyway, for a consumer that runs in another process: after 250 ms, then less
# and less often (under load, reads that find nothing new are what a wait costs the database).
RECHECK_SECONDS = (0.25, 0.5, 1.0)


async def _record(on: Runner, command: StartPayment) -> tuple[Payment, bool]:
    state = await _state_when_known(on, command)
    if state in NOT_YET:
        raise NotPayable(command.order_id, state)
    caller = command.caller
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        order = await book.order(command.order_id)
        known = await _payments_and_key(uow, command)
        key = (caller.subject, command.idempotency_key)
        same_key = next((p for p in known if (p.requested_by, p.idempotency_key) == key), None)
        if same_key is not None:
            if same_key.order_id != command.order_id:
                raise Conflict(
                    "this Idempotency-Key was used for another order: use a new key",
                    field="header.Idempotency-Key",
                )
            return same_key, False
        if order is not None and not caller.owns(order.customer_id or ""):
            order = None  # someone else's order looks like one payments does not know
        payments = known if order is not None else []  # only the order's: the key made none
        paid = any(p.status == "succeeded" for p in payments)
        state = order_state(queries.facts_of(order, paid=paid), book.now)
        if state != "payable":
            raise NotPayable(command.order_id, state)
        assert order is not None and order.amount is not None and order.method is not None
        still_open = [p for p in payments if p.status in OPEN]
        if still_open:
            return still_open[-1], False
        payment = Payment(
            id=new_id("pay"),
            order_id=order.order_id,
            customer_id=order.customer_id or caller.subject,
            amount=order.amount,
            currency=order.currency,
            method=order.method,
            status="initiating",
            requested_by=caller.subject,
            idempotency_key=command.idempotency_key,
            participation_id=order.participation_id
            if order.participation_id == order.order_id
            else None,
            fee=0,
            refunded=0,
            created_at=book.now,
            updated_at=book.now,
        )
        uow.session.add(payment)
        return payment, True


async def _payments_and_key(uow: UnitOfWork, command: StartPayment) -> list[Payment]:
    """The order's payments and the one the key made (of another order if it was reused), in
    one read, oldest first. Not locked: under the order's lock only a session being recorded
    (`_record_session`) changes them, which changes nothing decided here."""
    made_by_key = and_(
        Payment.requested_by == command.caller.subject,
        Payment.idempotency_key == command.idempotency_key,
    )
    rows = await uow.session.scalars(
        select(Payment)
        .where(or_(Payment.order_id == command.order_id, made_by_key))
        .order_by(Payment.created_at)
    )
    return list(rows)


async def _state_when_known(on: Runner, command: StartPayment) -> OrderState:
    """The order's state for payment; right after checkout (not seen placed, or its stock not
    held yet) waited for up to `stock_wait_seconds`, woken when payment learns more of it: one
    request from the app instead of a volley of 409s. An order payment does not know is waited
    for only if the order engine has it placed by the caller: a wrong id answers at once."""
    if not isinstance(on, Platform):
        return await queries.order_state_of(on, command.order_id, command.caller, utcnow())
    deadline = None
    rechecks = iter(RECHECK_SECONDS)
    recheck = next(rechecks)
    while True:
        # Listening before reading: a change committed in between is heard.
        async with on.news.listening(order_news(command.order_id)) as heard:
            state = await queries.order_state_of(on, command.order_id, command.caller, utcnow())
            if state not in NOT_YET:
                return state
            if deadline is None:
                if state == "unknown" and not await _just_placed(on, command):
                    return state
                deadline = time.monotonic() + on.settings_of(PaymentSettings).stock_wait_seconds
            left = deadline - time.monotonic()
            if left <= 0:
                return state
            done, _ = await asyncio.wait([heard], timeout=min(left, recheck))
            if not done:
                recheck = next(rechecks, recheck)


async def _just_placed(platform: Platform, command: StartPayment) -> bool:
    order = await get_order(platform, command.order_id)
    return (
        order is not None
        and command.caller.owns(order.customer_id)
        and order.status in ("placed", "stock_reserved", "awaiting_payment")
    )


async def _record_session(on: Runner, payment: Payment, session: Session) -> Payment:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        # The status checked by the UPDATE itself: one statement, and the only row this unit of
        # work locks, so it needs no order locked first (see PaymentBook.payment).
        recorded: Payment | None = await uow.session.scalar(
            update(Payment)
            .where(Payment.id == payment.id, Payment.status.in_(("initiating", "abandoned")))
            .values(
                status="pending",
                provider_reference=session.reference,
                checkout_url=session.checkout_url,
                notif_token=session.notif_token,
                expires_at=session.expires_at,
                fee=provider_fee(payment.amount, book.settings.fee_rate(payment.method)),
                updated_at=book.now,
            )
            .returning(Payment)
        )
        if recorded is None:  # a concurrent request recorded it, or the order was cancelled
            return await queries.payment(uow, payment.id)
        book.initiated(recorded)
        uow.tell(payment_news(payment.id))
        return recorded
