"""Contacts and preferences, set by the customer themself or by staff."""

from __future__ import annotations

from itvision.engines.notification.commands import SetContact, SetPreferences
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.models import Contact, Preference
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def set_contact(on: Runner, command: SetContact) -> Contact:
    async with unit_of_work(on, SOURCE) as uow:
        contact = await uow.session.get(Contact, command.customer_id, with_for_update=True)
        if contact is None:
            contact = Contact(customer_id=command.customer_id)
            uow.session.add(contact)
        for name in (
            "phone",
            "email",
            "language",
            "country",
            "time_zone",
            "quiet_start",
            "quiet_end",
            "push_endpoint",
            "push_p256dh",
            "push_auth",
        ):
            setattr(contact, name, getattr(command, name))
        contact.updated_at = utcnow()
        return contact


async def set_preferences(on: Runner, command: SetPreferences) -> list[Preference]:
    async with unit_of_work(on, SOURCE) as uow:
        saved = []
        for (kind, channel), enabled in command.choices.items():
            key = (command.customer_id, kind, channel)
            row = await uow.session.get(Preference, key, with_for_update=True)
            if row is None:
                row = Preference(
                    customer_id=command.customer_id, kind=kind, channel=channel, enabled=enabled
                )
                uow.session.add(row)
            row.enabled = enabled
            saved.append(row)
        return saved
