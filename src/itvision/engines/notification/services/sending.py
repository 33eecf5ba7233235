"""Sending the queued messages, outside any transaction: the due messages are read, sent at
once (up to `send_concurrency` in flight) to their channel's provider, and every outcome of
the batch is recorded in one unit of work of its own. A failure is tried again with backoff,
then the next channel of the chain takes over (`rules.delivery.after_failure`); when none is
left, the message is failed → `notification.message.failed`. Each success →
`notification.<channel>.sent`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

import httpx
import structlog

from itvision.engines.notification import queries
from itvision.engines.notification.commands import SendDueMessages
from itvision.engines.notification.events import (
    SOURCE,
    EmailSent,
    NotificationFailed,
    PushSent,
    SmsSent,
    WhatsappSent,
)
from itvision.engines.notification.models import Contact, Message
from itvision.engines.notification.rules import delivery
from itvision.engines.notification.services.channels import (
    ChannelError,
    EmailChannel,
    OrangeSmsChannel,
    OrangeTokens,
    Outgoing,
    PushTarget,
    WebPushChannel,
    WhatsAppChannel,
)
from itvision.engines.notification.services.live import hub_of
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.events import Payload, utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

log = structlog.get_logger("itvision.notification")
SESSION_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    message_id: str
    channel: str
    recipient: str | None
    provider: str | None = None
    provider_message_id: str | None = None
    error: str | None = None
    permanent: bool = False
    pushed_to: str | None = None


async def send_due_messages(on: Runner, command: SendDueMessages) -> int:
    """Send what is due; returns how many messages were tried (sent or not)."""
    settings = on.settings_of(NotificationSettings)
    now = command.as_of or utcnow()
    due = await queries.due_messages(on, now, command.limit)
    if not due:
        return 0
    contacts = await queries.contacts_by_id(on, {m.customer_id for m in due})
    limit = asyncio.Semaphore(settings.send_concurrency)
    hub = hub_of(on) if isinstance(on, Platform) else None
    channels = _channels_of(on, settings)

    async def send(message: Message) -> Outcome:
        if (
            hub is not None and message.attempts == 0 and message.chain.startswith(message.channel)
        ):  # first time out: the recipient's open app hears of it too
            await hub.publish(message)
        async with limit:
            contact = contacts.get(message.customer_id)
            outcome = await _send_one(message, contact, channels, now)
            if first_time(message) and message.push and contact and contact.push_endpoint:
                outcome = await _push(channels.push, message, contact, outcome)
            return outcome

    outcomes = await asyncio.gather(*(send(m) for m in due))
    await _record(on, outcomes, settings)
    return len(outcomes)


def first_time(message: Message) -> bool:
    return message.attempts == 0 and message.chain.startswith(message.channel)


async def _push(
    channel: WebPushChannel, message: Message, contact: Contact, outcome: Outcome
) -> Outcome:
    target = PushTarget(
        contact.push_endpoint or "", contact.push_p256dh or "", contact.push_auth or ""
    )
    payload = json.dumps(
        {
            "title": message.subject,
            "body": message.body,
            "kind": message.kind,
            "order_id": message.order_id,
        },
        ensure_ascii=False,
    )
    try:
        await channel.push(target, payload)
    except ChannelError as exc:  # push is extra: the message goes by its chain anyway
        log.info("push not sent", message_id=message.id, error=exc.message)
        return outcome
    return replace(outcome, pushed_to=target.endpoint)


class Channels(dict[str, object]):
    """The adapters of one platform, sharing one HTTP client (its connections, and Orange's
    token, outlive a batch: making a client loads the TLS settings again)."""

    def __init__(self, settings: NotificationSettings) -> None:
        self.client = httpx.AsyncClient(timeout=settings.timeout_seconds)
        adapters = {
            "whatsapp": WhatsAppChannel(settings, self.client),
            "sms": OrangeSmsChannel(settings, self.client, OrangeTokens(settings)),
            "email": EmailChannel(settings),
        }
        configured = settings.configured_channels()
        super().__init__({k: v for k, v in adapters.items() if k in configured})
        self.push = WebPushChannel(settings)


_CHANNELS: WeakKeyDictionary[Platform, Channels] = WeakKeyDictionary()


def _channels_of(on: Runner, settings: NotificationSettings) -> Channels:
    if not isinstance(on, Platform):
        return Channels(settings)
    found = _CHANNELS.get(on)
    if found is None or found.client.is_closed:
        found = _CHANNELS[on] = Channels(settings)
    return found


async def _send_one(
    message: Message, contact: Contact | None, channels: dict[str, object], now: datetime
) -> Outcome:
    channel = message.channel
    recipient = _address(contact, channel)
    adapter = channels.get(channel)
    if adapter is None:
        return Outcome(
            message.id, channel, recipient, error=f"{channel} is not configured", permanent=True
        )
    if recipient is None:
        return Outcome(
            message.id, channel, recipient, error=f"no {channel} address", permanent=True
        )
    last_inbound = contact.whatsapp_last_inbound_at if contact else None
    outgoing = Outgoing(
        recipient=recipient,
        subject=message.subject,
        body=message.body,
        kind=message.kind,
        locale=message.locale,
        parameters=json.loads(message.parameters),
        in_session=last_inbound is not None and now - last_inbound < SESSION_WINDOW,
    )
    provider = getattr(adapter, "provider", channel)
    try:
        reference = await adapter.send(outgoing)  # type: ignore[attr-defined]
    except ChannelError as exc:
        return Outcome(
            message.id, channel, recipient, provider, error=exc.message, permanent=exc.permanent
        )
    return Outcome(message.id, channel, recipient, provider, provider_message_id=reference)


def _address(contact: Contact | None, channel: str) -> str | None:
    if contact is None:
        return None
    if channel in ("whatsapp", "sms"):
        return contact.phone
    if channel == "email":
        return contact.email
    return None


async def _record(on: Runner, outcomes: list[Outcome], settings: NotificationSettings) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        now = utcnow()
        for outcome in outcomes:
            message = await uow.session.get(Message, outcome.message_id, with_for_update=True)
            if message is None or message.status != "queued" or message.channel != outcome.channel:
                continue
            message.updated_at = now
            if outcome.pushed_to is not None:
                uow.emit(
                    PushSent(
                        notification_id=message.id,
                        customer_id=message.customer_id,
                        template=message.kind,
                        locale=message.locale,
                        provider="web_push",
                        cause_event_id=message.cause_event_id,
                        sent_at=now,
                        device_id=outcome.pushed_to[-200:],
                        title=message.subject,
                    )
                )
            if outcome.error is None:
                message.status = "sent"
                message.sent_at = now
                message.recipient = outcome.recipient
                message.provider = outcome.provider
                message.provider_message_id = outcome.provider_message_id
                uow.emit(_sent(message, now))
            else:
                fail_over(uow, message, outcome.error, outcome.permanent, settings, now)


def fail_over(
    uow: UnitOfWork,
    message: Message,
    error: str,
    permanent: bool,
    settings: NotificationSettings,
    now: datetime,
) -> None:
    """A channel failed the message: again later, the next channel, or failed for good."""
    chain = message.chain.split(",") if message.chain else []
    step = delivery.after_failure(
        chain,
        message.channel,
        message.attempts + 1,
        permanent=permanent,
        per_channel=settings.attempts_per_channel,
    )
    message.last_error = error[:500]
    message.updated_at = now
    log.warning("message not sent", message_id=message.id, channel=message.channel, error=error)
    if step.channel is None:
        message.status = "failed"
        message.next_attempt_at = None
        uow.emit(
            NotificationFailed(
                notification_id=message.id,
                customer_id=message.customer_id,
                template=message.kind,
                channels_tried=chain[: chain.index(message.channel) + 1]
                if message.channel in chain
                else [],
                reason=message.last_error,
                cause_event_id=message.cause_event_id,
                failed_at=now,
            )
        )
        return
    message.status = "queued"
    message.channel = step.channel
    message.attempts = step.attempts
    message.next_attempt_at = now + step.delay


def _sent(message: Message, now: datetime) -> Payload:
    common = {
        "notification_id": message.id,
        "customer_id": message.customer_id,
        "template": message.kind,
        "locale": message.locale,
        "provider": message.provider or message.channel,
        "provider_message_id": message.provider_message_id,
        "cause_event_id": message.cause_event_id,
        "sent_at": now,
    }
    recipient = message.recipient or ""
    if message.channel == "whatsapp":
        return WhatsappSent(**common, to_phone=recipient)
    if message.channel == "sms":
        return SmsSent(**common, to_phone=recipient, segments=max(1, -(-len(message.body) // 160)))
    return EmailSent(**common, to_address=recipient, subject=message.subject)
