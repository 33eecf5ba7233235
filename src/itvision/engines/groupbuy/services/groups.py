"""Opening a group, and moving groups along when their time comes.

A group is opened by staff for a SKU the catalog knows (`queries.sku_to_group` reads the
catalog and pricing facades), priced by default at the SKU's current price; it holds no stock
itself: each participation's units are held by inventory
when it joins. `advance_groups` (the job `groupbuy-advance`, every few seconds) drops the
participations unpaid past their `pay_by` (each one its own unit of work) and then takes the
steps each group's state allows (`rules.next_step`): succeeded, closed (its orders placed by
the order engine on `groupbuy.group.closed`), expired (every payment refunded by payment on
`groupbuy.group.expired`), refunded.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from itvision.engines.groupbuy import rules
from itvision.engines.groupbuy.commands import AdvanceGroups, OpenGroup
from itvision.engines.groupbuy.events import SOURCE, GroupCreated
from itvision.engines.groupbuy.models import GroupBuy, Participation
from itvision.engines.groupbuy.services.group_book import GroupBook, price_tiers
from itvision.engines.groupbuy.settings import GroupBuySettings
from itvision.platform.errors import InvalidInput
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, read_session, unit_of_work


async def open_group(on: Runner, command: OpenGroup) -> GroupBuy:
    now = utcnow()
    if command.deadline <= now + timedelta(minutes=1):
        raise InvalidInput("the deadline is at least a minute away", field="deadline")
    settings = on.settings_of(GroupBuySettings)
    terms = rules.validate_terms(
        rules.Terms(
            basis=command.basis,
            unit_price=command.unit_price,
            tiers=command.tiers,
            minimum=command.minimum,
            max_participants=command.max_participants or settings.max_participants,
            max_total_quantity=command.max_total_quantity,
            max_quantity_per_person=command.max_quantity_per_person,
        )
    )
    product_id, name = command.product_id, command.name
    async with unit_of_work(on, SOURCE) as uow:
        group = GroupBuy(
            id=f"GRP-{uuid.uuid4().hex[:12].upper()}",
            name=name,
            sku=command.sku,
            product_id=product_id,
            status="open",
            basis=terms.basis,
            unit_price=terms.unit_price,
            tiers=[{"threshold": t.threshold, "unit_price": t.unit_price} for t in terms.tiers],
            minimum=terms.minimum,
            max_participants=terms.max_participants,
            max_total_quantity=terms.max_total_quantity,
            max_quantity_per_person=terms.max_quantity_per_person,
            currency="XOF",
            deadline=command.deadline,
            participants=0,
            quantity=0,
            paid_participants=0,
            paid_quantity=0,
            top_tier=-1,
            created_by=command.actor,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(group)
        uow.emit(
            GroupCreated(
                group_id=group.id,
                product_id=product_id,
                sku=group.sku,
                name=name,
                initiator_id=command.actor,
                tiers=price_tiers(group),
                target_quantity=terms.minimum,
                unit_price=terms.unit_price,
                expires_at=group.deadline,
                created_at=now,
                basis=terms.basis,
                max_participants=terms.max_participants,
                max_total_quantity=terms.max_total_quantity,
                max_quantity_per_person=terms.max_quantity_per_person,
            )
        )
        return group


async def advance_groups(on: Runner, command: AdvanceGroups) -> int:
    """Returns how many participations were dropped and groups moved."""
    now = command.as_of or utcnow()
    async with read_session(on) as session:
        unpaid = list(
            await session.scalars(
                select(Participation.id).where(
                    Participation.status == "awaiting_payment", Participation.pay_by <= now
                )
            )
        )
        due = list(
            await session.scalars(
                select(GroupBuy.id).where(
                    or_(
                        (GroupBuy.status == "open") & (GroupBuy.deadline <= now),
                        GroupBuy.status.in_(("succeeded", "expired")),
                    )
                )
            )
        )
    moved = 0
    for participation_id in unpaid:
        moved += await _drop_unpaid(on, participation_id, now)
    for group_id in due:
        async with unit_of_work(on, SOURCE) as uow:
            book = GroupBook(uow, now)
            moved += await book.advance(await book.lock(group_id))
    return moved


async def _drop_unpaid(on: Runner, participation_id: str, now: datetime) -> int:
    async with unit_of_work(on, SOURCE) as uow:
        book = GroupBook(uow, now)
        found = await book.participation(participation_id)
        if found is None:
            return 0
        group, participation = found
        if participation.status != "awaiting_payment" or participation.pay_by > book.now:
            return 0
        book.free_seat(group, participation, "dropped", "unpaid")
        await book.advance(group)
        return 1
