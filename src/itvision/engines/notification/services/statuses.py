"""The providers' word on messages they took: WhatsApp's status webhooks (`sent`,
`delivered`, `read`, `failed`) move a message forward, never back (a late `delivered` after
`read` changes nothing); `failed` hands the message to the next channel of its chain. A
customer writing to us on WhatsApp opens the 24-hour window for free-text messages.

A status may come before its message's provider id is recorded: Meta can call the webhook
while the sender still waits for the send's answer, or before it has recorded it. Such a
status is parked (`notification_parked_statuses`) and applied by the sender's job once the
message shows the id; one whose message never shows is forgotten after `PARKED_FOR`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from itvision.engines.notification.commands import (
    ApplyParkedStatuses,
    RecordInbound,
    RecordStatus,
)
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.models import Contact, Message, ParkedStatus
from itvision.engines.notification.services.sending import fail_over
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.db import upsert_insert
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, read_session, unit_of_work

PROGRESS = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
PARKED_FOR = timedelta(hours=1)
"""Far longer than a send's answer takes (`timeout_seconds`): a status parked this long is
about a message this system did not send, or no longer knows."""


async def record_status(on: Runner, command: RecordStatus) -> Message | None:
    """Apply a status to the message the provider knows by `provider_message_id`; `None`
    when no message has that id yet: the status is parked."""
    async with unit_of_work(on, SOURCE) as uow:
        message = await uow.session.scalar(
            select(Message)
            .where(Message.provider_message_id == command.provider_message_id)
            .with_for_update()
        )
        if message is None:
            parked = upsert_insert(uow.session)(ParkedStatus).values(
                provider_message_id=command.provider_message_id,
                status=command.status,
                error=command.error[:500] if command.error else None,
                received_at=utcnow(),
            )
            await uow.session.execute(parked.on_conflict_do_nothing())
            return None
        _apply(uow, message, command.status, command.error, utcnow())
        return message


def _apply(
    uow: UnitOfWork, message: Message, status: str, error: str | None, now: datetime
) -> None:
    if message.status == "failed":
        return
    if status == "failed":
        if message.status in ("sent", "delivered"):
            message.status = "queued"  # the provider took it, then could not deliver it
            settings = uow.settings_of(NotificationSettings)
            fail_over(uow, message, error or "failed", True, settings, now)
        return
    if PROGRESS.get(status, 0) > PROGRESS.get(message.status, 0):
        message.status = status
        message.updated_at = now


async def apply_parked_statuses(on: Runner, command: ApplyParkedStatuses) -> int:
    """Apply each parked status whose message now shows its provider id, and forget those
    parked too long; returns how many were applied. Reads first, so the sender's job can call
    it on every turn without taking a write lock for nothing."""
    now = command.as_of or utcnow()
    stale = now - PARKED_FOR
    known = select(Message.provider_message_id).where(
        Message.provider_message_id == ParkedStatus.provider_message_id
    )
    waiting = or_(known.exists(), ParkedStatus.received_at < stale)
    async with read_session(on) as session:
        if await session.scalar(select(ParkedStatus.provider_message_id).where(waiting)) is None:
            return 0
    applied = 0
    async with unit_of_work(on, SOURCE) as uow:
        found = (
            await uow.session.execute(
                select(Message, ParkedStatus)
                .join(
                    ParkedStatus,
                    ParkedStatus.provider_message_id == Message.provider_message_id,
                )
                .with_for_update(of=Message)
            )
        ).all()
        # A message's statuses in the order they happen (a webhook carries several at once):
        # forward first, a failure last.
        for message, parked in sorted(
            found, key=lambda r: (r[0].id, r[1].status == "failed", PROGRESS.get(r[1].status, 0))
        ):
            _apply(uow, message, parked.status, parked.error, now)
            await uow.session.delete(parked)
            applied += 1
        await uow.session.execute(delete(ParkedStatus).where(ParkedStatus.received_at < stale))
    return applied


async def record_inbound(on: Runner, command: RecordInbound) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        phone = "+" + command.phone.removeprefix("+")
        for contact in await uow.session.scalars(select(Contact).where(Contact.phone == phone)):
            if contact.whatsapp_last_inbound_at is None or (
                contact.whatsapp_last_inbound_at < command.at
            ):
                contact.whatsapp_last_inbound_at = command.at
