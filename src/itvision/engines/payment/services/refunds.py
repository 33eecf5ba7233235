"""Money given back, and sessions closed, outside any transaction.

- Refunds through a provider's API (Wave: the whole payment) are performed by a job, each
  call outside any transaction and its outcome recorded in a unit of work of its own; one that
  fails is tried again later (backoff up to ten minutes), until it succeeds →
  `payment.refund.completed`.
- Refunds paid back by hand (Orange Money, cash, a partial Wave refund) wait for an operator,
  who records them (`complete_refund`) → `payment.refund.completed` (manual, operator).
- A cancelled order's open payment has its provider session closed (Wave: expired), so the
  customer can no longer pay it; if the provider says it was paid meanwhile, the payment is
  settled (succeeded) and its money given back.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import select

from itvision.engines.payment import queries
from itvision.engines.payment.commands import CloseSessions, CompleteRefund, PerformRefunds
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Refund
from itvision.engines.payment.services.book import PaymentBook, payment_ref
from itvision.engines.payment.services.providers import ProviderError, provider_for
from itvision.engines.payment.settings import PaymentSettings
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.payment")
MAX_BACKOFF = timedelta(minutes=10)


async def perform_refunds(on: Runner, command: PerformRefunds) -> int:
    """Call the refund API for each refund due; returns how many completed."""
    settings = on.settings_of(PaymentSettings)
    completed = 0
    for refund in await queries.due_refunds(on, command.as_of or utcnow()):
        payment = await queries.payment(on, refund.payment_id)
        provider = provider_for(refund.method, settings)
        error: str | None = None
        reference: str | None = None
        try:
            if provider is None or not provider.refunds_by_api:
                raise ProviderError(f"{refund.method} has no refund API")
            reference = await provider.refund(payment_ref(payment))
        except ProviderError as exc:
            error = exc.message
        if await _record_attempt(on, refund.id, reference, error):
            completed += 1
    return completed


async def _record_attempt(
    on: Runner, refund_id: str, reference: str | None, error: str | None
) -> bool:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        refund = await _locked(book, refund_id)
        if refund.status != "pending":
            return False
        refund.attempts += 1
        if error is not None:
            delay = min(timedelta(seconds=5 * 2 ** min(refund.attempts, 10)), MAX_BACKOFF)
            refund.last_error = error[:500]
            refund.next_attempt_at = book.now + delay
            log.warning("refund not done yet", refund_id=refund.id, error=error, retry_in=delay)
            return False
        payment = await book.payment(refund.payment_id)
        assert payment is not None
        refund.provider_reference = reference
        refund.last_error = None
        refund.next_attempt_at = None
        book.refund_completed(refund, payment)
        return True


async def complete_refund(on: Runner, command: CompleteRefund) -> Refund:
    """An operator gave the money back by hand; 409 unless the refund waits for one."""
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        refund = await _locked(book, command.refund_id)
        if refund.status != "awaiting_operator":
            why = {
                "completed": "it is already completed",
                "pending": f"it is paid back through {refund.method}'s refund API",
            }.get(refund.status, f"it is {refund.status}")
            raise Conflict(f"refund {refund.id} cannot be completed by hand: {why}")
        payment = await book.payment(refund.payment_id)
        assert payment is not None
        refund.operator = command.operator
        refund.note = command.note
        refund.provider_reference = command.reference
        book.refund_completed(refund, payment)
        return refund


async def _locked(book: PaymentBook, refund_id: str) -> Refund:
    refund = await book.session.scalar(select(Refund).where(Refund.id == refund_id))
    if refund is None:
        raise NotFound("refund not found", field="refund_id")
    await book.order(refund.order_id)  # orders before payments and refunds: see PaymentBook
    await book.session.refresh(refund, with_for_update=True)
    return refund


async def close_sessions(on: Runner, command: CloseSessions) -> int:
    """Close the sessions of cancelled payments; returns how many were closed."""
    settings = on.settings_of(PaymentSettings)
    closed = 0
    for payment in await queries.sessions_to_close(on):
        provider = provider_for(payment.method, settings)
        outcome = None
        if provider is not None:
            try:
                await provider.close_session(payment_ref(payment))
            except ProviderError as exc:
                # Wave refuses to expire a session that was paid: find out, and settle it.
                log.info("session not closed", payment_id=payment.id, error=exc.message)
                try:
                    outcome = await provider.fetch_outcome(payment_ref(payment))
                except ProviderError:
                    continue  # tried again at the next run
                if outcome.result == "pending":
                    continue
        async with unit_of_work(on, SOURCE) as uow:
            book = PaymentBook(uow, utcnow())
            locked = await book.payment(payment.id)
            if locked is None or locked.session_closed:
                continue
            if outcome is not None:
                await book.settle(locked, outcome)
            locked.session_closed = True
            closed += 1
    return closed
