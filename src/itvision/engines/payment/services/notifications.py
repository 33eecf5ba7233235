"""Provider webhooks and notifications: verified and stored when they arrive (the route then
answers at once, within the provider's delay), processed after — by a background task right
after the answer, and by a job for any left unprocessed (a crash, a provider that could not be
asked). The store is an inbox: `(provider, event id)` is unique, so the same delivery twice is
stored, and so applied, once.

Refused, logged, and nothing changes for a delivery that is forged (bad signature, unknown
notif_token), replayed (signed more than five minutes ago), or that disagrees with the payment
it names (amount, currency, client reference). Processing applies the outcome through
`PaymentBook.settle`, which ignores what is stale (a late failure after a success). An Orange
Money notification's status is believed only once `transactionstatus` confirms it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import select

from itvision.engines.payment import queries
from itvision.engines.payment.commands import (
    ProcessNotification,
    ProcessNotifications,
    ReceiveNotification,
)
from itvision.engines.payment.events import SOURCE
from itvision.engines.payment.models import Payment, ProviderNotification
from itvision.engines.payment.rules import webhooks
from itvision.engines.payment.rules.states import Outcome
from itvision.engines.payment.services.book import PaymentBook, payment_news, payment_ref
from itvision.engines.payment.services.providers import ProviderError, provider_for
from itvision.engines.payment.services.providers.base import Notification
from itvision.engines.payment.settings import PaymentSettings
from itvision.platform.db import upsert_insert
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.payment")
MAX_ATTEMPTS = 20
"""A notification still unprocessed after this many tries is left to reconciliation."""
GRACE = timedelta(seconds=2)
"""The job leaves a just-received notification to the background task that follows it."""
RECORDING_WAIT = timedelta(seconds=1.5)
"""How long a webhook about a session being recorded waits for it before answering 409."""


@dataclass(frozen=True, slots=True)
class Received:
    notification_id: int | None
    duplicate: bool = False
    ignored: bool = False
    believed: bool = False
    """It needs no confirmation from the provider."""


async def receive_notification(on: Runner, command: ReceiveNotification) -> Received:
    """Verify and store a delivery; WebhookRefused (403) or WebhookMismatch (422) otherwise."""
    settings = on.settings_of(PaymentSettings)
    provider = provider_for(command.method, settings)
    if provider is None or not provider.online:
        raise NotFound(f"no {command.method} notifications", field="path")
    now = utcnow()
    try:
        notice = provider.read_notification(command.headers, command.body, now)
        if notice.kind == "ignored":
            log.info("provider event ignored", provider=command.method, event_id=notice.event_id)
            return Received(None, ignored=True)
        payment = await queries.payment_of_delivery(
            on, reference=notice.reference, notif_token=notice.notif_token
        )
        if payment is None:
            payment = await _recorded_meanwhile(on, notice)
        if payment is None or payment.method != command.method:
            if notice.notif_token is not None:
                raise webhooks.WebhookRefused(
                    "this notif_token belongs to no payment", field="body.notif_token"
                )
            log.warning("provider event for an unknown session", event_id=notice.event_id)
            return Received(None, ignored=True)
        _check_matches(notice, payment)
    except (webhooks.WebhookRefused, webhooks.WebhookMismatch) as exc:
        log.warning(
            "provider delivery refused",
            provider=command.method,
            code=exc.code,
            field=exc.field,
            reason=exc.message,
        )
        raise
    stored = await _store(on, command, notice, payment)
    if stored is not None:
        return Received(stored, believed=not notice.confirm)
    # The same delivery, stored before (or meanwhile by a concurrent request).
    known = await queries.notification_by_event(on, command.method, notice.event_id)
    return Received(known.id if known else None, duplicate=True)


async def _recorded_meanwhile(on: Runner, notice: Notification) -> Payment | None:
    """The payment a provider calls about before the session it just gave is recorded (a
    payment approved at once), found by our reference; the payment once it is (it may be
    recorded between the two reads). A session being recorded by this process is waited for,
    up to `RECORDING_WAIT`, well within the provider's 5 s: answering 409 at once would have
    the provider deliver again only after its retry delay. 409 if it is still not recorded,
    so that the provider delivers again a moment later."""
    payment_id = (notice.checked or {}).get("client_reference")
    if not payment_id:
        return None
    if not isinstance(on, Platform):
        payment = await queries.find_payment(on, payment_id)
    else:
        # Listening before reading: a recording committed in between is heard.
        async with on.news.listening(payment_news(payment_id)) as heard:
            payment = await queries.find_payment(on, payment_id)
            if payment is not None and payment.status == "initiating":
                await asyncio.wait([heard], timeout=RECORDING_WAIT.total_seconds())
                payment = await queries.find_payment(on, payment_id)
    if payment is None:
        return None
    if payment.status == "initiating":
        raise Conflict(
            f"payment {payment_id} is not recorded yet: deliver again", field="body.data.id"
        )
    return payment if payment.provider_reference == notice.reference else None


def _check_matches(notice: Notification, payment: Payment) -> None:
    if notice.checked is None:
        return
    wrong = webhooks.mismatch(
        {
            "amount": str(payment.amount),
            "currency": payment.currency,
            "client_reference": payment.id,
        },
        dict(notice.checked),
    )
    if wrong is not None:
        raise webhooks.WebhookMismatch(wrong[1], field=f"body.data.{wrong[0]}")


async def _store(
    on: Runner, command: ReceiveNotification, notice: Notification, payment: Payment
) -> int | None:
    """The stored delivery's id; None when it was stored before. Not looked for first: the
    unique `(provider, event id)` tells a duplicate, rarer than a first delivery."""
    outcome = notice.outcome
    async with unit_of_work(on, SOURCE) as uow:
        insert = upsert_insert(uow.session)(ProviderNotification).values(
            provider=command.method,
            event_id=notice.event_id,
            payment_id=payment.id,
            kind=notice.kind,
            confirm=notice.confirm,
            failure_reason=outcome.reason if outcome else None,
            failure_code=outcome.code if outcome else None,
            transaction_id=outcome.transaction_id if outcome else None,
            body=command.body.decode("utf-8", "replace"),
            attempts=0,
            received_at=utcnow(),
        )
        stored: int | None = await uow.session.scalar(
            insert.on_conflict_do_nothing(
                index_elements=[ProviderNotification.provider, ProviderNotification.event_id]
            ).returning(ProviderNotification.id)
        )
        return stored


async def process_notification(on: Runner, command: ProcessNotification) -> str:
    """Apply one stored delivery; returns what came of it."""
    if command.believed:
        return await _processed(on, command.notification_id)
    row = await queries.notification(on, command.notification_id)
    if row is None or row.processed_at is not None:
        return "already processed"
    if not row.confirm:
        return await _processed(on, row.id)
    payment = await queries.payment(on, row.payment_id)
    provider = provider_for(payment.method, on.settings_of(PaymentSettings))
    assert provider is not None
    try:
        outcome = await provider.fetch_outcome(payment_ref(payment))
    except ProviderError as exc:
        await _attempted(on, row.id, f"not confirmed: {exc.message}")
        return "provider unreachable"
    if outcome.result == "pending":
        # The provider does not confirm (yet): reconciliation asks again later.
        await _processed(on, row.id, note="not confirmed: still pending")
        return "not confirmed"
    return await _processed(on, row.id, outcome)


def _claimed(row: ProviderNotification) -> Outcome:
    """What a delivery believed as it is says."""
    if row.kind == "succeeded":
        return Outcome("succeeded", transaction_id=row.transaction_id)
    return Outcome("failed", row.failure_reason or "declined", code=row.failure_code)  # type: ignore[arg-type]


async def _processed(
    on: Runner, notification_id: int, confirmed: Outcome | None = None, note: str | None = None
) -> str:
    """Apply the delivery's outcome: its own claim, or what the provider `confirmed` when it
    had to (nothing when it did not, only the `note`)."""
    async with unit_of_work(on, SOURCE) as uow:
        row = await uow.session.scalar(
            select(ProviderNotification)
            .where(ProviderNotification.id == notification_id)
            .with_for_update()
        )
        if row is None or row.processed_at is not None:
            return "already processed"
        book = PaymentBook(uow, utcnow())
        outcome = confirmed if row.confirm else _claimed(row)
        result = note or "no change"
        if outcome is not None:
            payment = await book.payment(row.payment_id)
            if payment is not None and await book.settle(payment, outcome):
                result = f"payment {payment.status}"
            elif payment is not None:
                result = f"no change: payment already {payment.status}"
        row.processed_at = book.now
        row.attempts += 1
        row.outcome = result
        return result


async def _attempted(on: Runner, notification_id: int, error: str) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        row = await uow.session.get(ProviderNotification, notification_id)
        if row is not None:
            row.attempts += 1
            row.outcome = error[:200]


async def process_notifications(on: Runner, command: ProcessNotifications) -> int:
    """Process every stored delivery left unprocessed; returns how many were."""
    before = command.received_before or utcnow() - GRACE
    done = 0
    for notification_id in await queries.unprocessed_notifications(on, before, MAX_ATTEMPTS):
        await process_notification(on, ProcessNotification(notification_id))
        done += 1
    return done
