"""The providers' word on messages they took: WhatsApp's status webhooks (`sent`,
`delivered`, `read`, `failed`) move a message forward, never back (a late `delivered` after
`read` changes nothing); `failed` hands the message to the next channel of its chain. A
customer writing to us on WhatsApp opens the 24-hour window for free-text messages."""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.notification.commands import RecordInbound, RecordStatus
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.models import Contact, Message
from itvision.engines.notification.services.sending import fail_over
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

PROGRESS = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}


async def record_status(on: Runner, command: RecordStatus) -> Message | None:
    """Apply a status to the message the provider knows by `provider_message_id` (unknown
    ids are ignored: the provider may report messages older than our records)."""
    async with unit_of_work(on, SOURCE) as uow:
        message = await uow.session.scalar(
            select(Message)
            .where(Message.provider_message_id == command.provider_message_id)
            .with_for_update()
        )
        if message is None or message.status == "failed":
            return message
        now = utcnow()
        if command.status == "failed":
            if message.status in ("sent", "delivered"):
                message.status = "queued"  # the provider took it, then could not deliver it
                settings = uow.settings_of(NotificationSettings)
                fail_over(uow, message, command.error or "failed", True, settings, now)
            return message
        if PROGRESS.get(command.status, 0) > PROGRESS.get(message.status, 0):
            message.status = command.status
            message.updated_at = now
        return message


async def record_inbound(on: Runner, command: RecordInbound) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        phone = "+" + command.phone.removeprefix("+")
        for contact in await uow.session.scalars(select(Contact).where(Contact.phone == phone)):
            if contact.whatsapp_last_inbound_at is None or (
                contact.whatsapp_last_inbound_at < command.at
            ):
                contact.whatsapp_last_inbound_at = command.at
