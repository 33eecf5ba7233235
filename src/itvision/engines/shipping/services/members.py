"""Loyalty members' tiers, followed from the loyalty engine's events, for the free delivery
some tiers give. Upgrades and downgrades travel on two topics, which Kafka does not order
between them: the latest change by its time wins, whichever arrives last."""

from __future__ import annotations

from itvision.engines.shipping.commands import FollowTier
from itvision.engines.shipping.events import SOURCE
from itvision.engines.shipping.models import MemberTier
from itvision.platform.uow import Runner, unit_of_work


async def follow_tier(on: Runner, command: FollowTier) -> MemberTier:
    async with unit_of_work(on, SOURCE) as uow:
        member = await uow.session.get(MemberTier, command.customer_id, with_for_update=True)
        if member is None:
            member = MemberTier(customer_id=command.customer_id, changed_at=command.changed_at)
            uow.session.add(member)
        elif member.changed_at > command.changed_at:
            return member  # an older change, arrived late
        member.tier = command.tier
        member.free_shipping = command.free_shipping
        member.changed_at = command.changed_at
        await uow.session.flush()
        return member
