"""Messages recorded to send, in the unit of work of the event that causes them (no provider
is called here): the recipient's channels chosen by the rules, the template rendered in their
language, one row per event and recipient (a redelivered event's INSERT does nothing).
The commit emits `notification.message.queued`, which wakes the sender at once."""

from __future__ import annotations

import json
import uuid

from itvision.engines.notification import queries
from itvision.engines.notification.commands import JoinGroup, LearnPhone, Notify
from itvision.engines.notification.events import SOURCE, NotificationFailed, NotificationQueued
from itvision.engines.notification.models import Contact, GroupMember, Message
from itvision.engines.notification.rules import delivery
from itvision.engines.notification.rules.templates import KINDS, render
from itvision.engines.notification.settings import NotificationSettings
from itvision.platform.db import upsert_insert
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def notify_customer(
    on: Runner, command: Notify, *, known_only: str | None = None
) -> Message | None:
    """Queue the message `command` asks for; `None` when it exists already (same event).
    `known_only`: the customer must be known (a contact), or it is not yet time: NotYet with
    that reason."""
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        now = utcnow()
        kind = KINDS[command.kind]
        recipient = await queries.recipient(uow, command.customer_id, command.kind)
        contact = recipient.contact
        if contact is None and known_only is not None:
            raise NotYet(known_only)
        reach = queries.reach_of(contact)
        language = recipient.language
        country = contact.country if contact else "SN"
        choices = recipient.choices
        configured = uow.settings_of(NotificationSettings).configured_channels()
        chain = delivery.fallback_chain(
            reach,
            choices,
            transactional=kind.transactional,
            chain=[c for c in delivery.FALLBACK_CHAIN if c in configured],
        )
        rendered = render(recipient.text, command.variables, language, country, reach.time_zone)
        last_error = None
        if not chain:
            last_error = (
                "no channel reaches the customer (or every one is turned off)"
                if configured
                else "no channel is configured (WhatsApp, SMS or email)"
            )
        # The event's message exists already (a redelivery, a watcher told twice): the unique
        # constraint says so in the INSERT itself, and nothing is queued again.
        message: Message | None = await session.scalar(
            upsert_insert(session)(Message)
            .values(
                id=str(uuid.uuid4()),
                cause_event_id=command.cause_event_id,
                customer_id=command.customer_id,
                order_id=command.order_id,
                kind=command.kind,
                locale=language,
                chain=",".join(chain),
                channel=chain[0] if chain else "none",
                recipient=None,
                subject=rendered.subject,
                body=rendered.body,
                parameters=json.dumps(rendered.parameters, ensure_ascii=False),
                status="queued" if chain else "failed",
                push=bool(chain) and "push" in delivery.extra_channels(reach, choices),
                attempts=0,
                next_attempt_at=delivery.send_at(now, reach, transactional=kind.transactional),
                last_error=last_error,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["cause_event_id", "customer_id"])
            .returning(Message)
        )
        if message is None:
            return None
        if last_error is None:
            uow.emit(
                NotificationQueued(
                    notification_id=message.id,
                    customer_id=message.customer_id,
                    template=message.kind,
                    channel=message.channel,
                    cause_event_id=message.cause_event_id,
                    queued_at=now,
                )
            )
        else:
            uow.emit(
                NotificationFailed(
                    notification_id=message.id,
                    customer_id=message.customer_id,
                    template=message.kind,
                    reason=last_error,
                    cause_event_id=message.cause_event_id,
                    failed_at=now,
                )
            )
        return message


async def learn_phone(on: Runner, command: LearnPhone) -> None:
    """An order's delivery phone becomes the customer's number when none is known."""
    async with unit_of_work(on, SOURCE) as uow:
        contact = await uow.session.get(Contact, command.customer_id)
        if contact is None:
            uow.session.add(
                Contact(
                    customer_id=command.customer_id,
                    phone=command.phone,
                    country=command.country,
                    time_zone="Africa/Abidjan" if command.country == "CI" else "Africa/Dakar",
                    language="fr",
                    updated_at=utcnow(),
                )
            )
        elif not contact.phone:
            contact.phone = command.phone
            contact.updated_at = utcnow()


async def join_group(on: Runner, command: JoinGroup) -> None:
    """Remember a group buy's participant, to tell them of the tiers it reaches."""
    async with unit_of_work(on, SOURCE) as uow:
        key = (command.group_id, command.customer_id)
        if await uow.session.get(GroupMember, key) is None:
            uow.session.add(GroupMember(group_id=command.group_id, customer_id=command.customer_id))
