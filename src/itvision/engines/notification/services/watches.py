"""Products customers watch: a watch begins when a customer asks (one per customer and SKU)
and ends when they are told the SKU is back in stock (`stock_back`, once per watch) or
when they stop it."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from itvision.engines.notification import queries
from itvision.engines.notification.commands import Notify, StopWatch, TellWatchers, WatchProduct
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.models import Watch
from itvision.engines.notification.services.messages import notify_customer
from itvision.platform.db import upsert_insert
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def watch_product(on: Runner, command: WatchProduct) -> tuple[Watch, bool]:
    """The customer's watch of the SKU, and whether it is new (asking twice, even at once,
    keeps the first)."""
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        insert = upsert_insert(session)(Watch).values(
            id=str(uuid.uuid4()),
            customer_id=command.customer_id,
            sku=command.sku,
            product_name=command.product_name,
            product_name_en=command.product_name_en,
            created_at=utcnow(),
        )
        made = await session.execute(insert.on_conflict_do_nothing().returning(Watch.id))
        created = made.scalar() is not None
        mine = Watch.customer_id == command.customer_id, Watch.sku == command.sku
        return (await session.scalars(select(Watch).where(*mine))).one(), created


async def stop_watch(on: Runner, command: StopWatch) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        watch = await uow.session.get(Watch, command.watch_id)
        if watch is not None:
            await uow.session.delete(watch)


async def tell_watchers(on: Runner, command: TellWatchers) -> int:
    """Queue `stock_back` for everyone watching the SKU, in their language, and end their
    watches; returns how many were told. A redelivered event finds no watch left (and the
    message of each recipient is unique per event anyway)."""
    async with unit_of_work(on, SOURCE) as uow:
        watches = list(
            await uow.session.scalars(
                select(Watch)
                .where(Watch.sku == command.sku)
                .order_by(Watch.created_at)
                .with_for_update()
            )
        )
        for watch in watches:
            contact = await queries.contact(uow, watch.customer_id)
            english = contact is not None and contact.language == "en"
            name = (watch.product_name_en if english else None) or watch.product_name
            await notify_customer(
                uow,
                Notify(command.cause_event_id, watch.customer_id, "stock_back", {"product": name}),
            )
            await uow.session.delete(watch)
        return len(watches)
