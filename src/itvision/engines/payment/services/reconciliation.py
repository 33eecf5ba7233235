"""Reconciliation: a lost webhook never leaves a payment pending for ever. Payments pending
longer than `ITVISION_PAYMENT_RECONCILE_AFTER_MINUTES` (and not asked about for as long) are
asked about at their provider (Wave: the checkout session; Orange Money: `transactionstatus`),
each outside any transaction, and settled with what it says in a unit of work of its own.
Payments that never got a session (`initiating` that long) are `abandoned`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from itvision.engines.payment import queries
from itvision.engines.payment.commands import ReconcilePayments
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Payment
from itvision.engines.payment.rules.states import Outcome
from itvision.engines.payment.services.book import PaymentBook, payment_ref
from itvision.engines.payment.services.providers import ProviderError, provider_for
from itvision.engines.payment.settings import PaymentSettings
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.payment")


@dataclass(slots=True)
class ReconcileReport:
    checked: int = 0
    results: Counter[str] = field(default_factory=Counter)
    """succeeded, failed, pending (still), unreachable, abandoned"""


async def reconcile_payments(on: Runner, command: ReconcilePayments) -> ReconcileReport:
    settings = on.settings_of(PaymentSettings)
    now = command.as_of or utcnow()
    minutes = (
        settings.reconcile_after_minutes
        if command.min_age_minutes is None
        else command.min_age_minutes
    )
    cutoff = now - timedelta(minutes=minutes)
    report = ReconcileReport()
    for payment in await queries.pending_payments(on, created_before=cutoff, checked_before=cutoff):
        report.checked += 1
        provider = provider_for(payment.method, settings)
        if provider is None or not provider.online:
            continue
        try:
            outcome = await provider.fetch_outcome(payment_ref(payment))
        except ProviderError as exc:
            log.warning("provider not reached", payment_id=payment.id, error=exc.message)
            report.results["unreachable"] += 1
            outcome = None
        report.results[await _settle(on, payment, outcome)] += 1
    for payment_id in await queries.stale_initiations(on, cutoff):
        async with unit_of_work(on, SOURCE) as uow:
            book = PaymentBook(uow, utcnow())
            stale = await book.payment(payment_id)
            if stale is not None and stale.status == "initiating":
                stale.status = "abandoned"
                stale.updated_at = book.now
                report.results["abandoned"] += 1
    return report


async def _settle(on: Runner, payment: Payment, outcome: Outcome | None) -> str:
    async with unit_of_work(on, SOURCE) as uow:
        book = PaymentBook(uow, utcnow())
        locked = await book.payment(payment.id)
        if locked is None:
            return "gone"
        if outcome is None:
            locked.checked_at = book.now
            return "unreachable"
        if await book.settle(locked, outcome):
            log.info("payment reconciled", payment_id=locked.id, status=locked.status)
            return locked.status
        return "pending" if locked.status == "pending" else "unchanged"
