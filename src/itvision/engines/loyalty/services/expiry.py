"""Expiry: available points expire `expiry_days` after they were credited, oldest first
(spending uses the oldest points first, so only what is left of the oldest lots expires), and
customers are warned `expiry_warning_days` before, once per lot. Run by the job
`loyalty-expiry` every hour, by `itvision loyalty expire` and `POST /api/loyalty/expiry`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from itvision.engines.loyalty import rules
from itvision.engines.loyalty.commands import ExpirePoints
from itvision.engines.loyalty.events import SOURCE, PointsExpired, PointsExpiring
from itvision.engines.loyalty.models import Entry, ExpiryWarning
from itvision.engines.loyalty.services.book import Cause, PointsBook
from itvision.engines.loyalty.settings import LoyaltySettings
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, read_session, unit_of_work


async def expire_points(on: Runner, command: ExpirePoints) -> int:
    """Expire and warn every customer with points due; the number of points expired."""
    at = command.at or utcnow()
    horizon = at + timedelta(days=on.settings_of(LoyaltySettings).expiry_warning_days)
    async with read_session(on) as session:
        customers = list(
            await session.scalars(
                select(Entry.customer_id)
                .where(
                    Entry.bucket == "available",
                    Entry.points > 0,
                    Entry.expires_at <= horizon,
                )
                .distinct()
            )
        )
    expired = 0
    for customer_id in customers:
        expired += await _expire_customer(on, customer_id, at)
    return expired


async def _expire_customer(on: Runner, customer_id: str, at: datetime) -> int:
    async with unit_of_work(on, SOURCE) as uow:
        book = PointsBook(uow)
        await book.member(customer_id, at)
        entries = list(
            await uow.session.scalars(
                select(Entry)
                .where(Entry.customer_id == customer_id, Entry.bucket == "available")
                .order_by(Entry.id)
            )
        )
        credits = [e for e in entries if e.points > 0 and e.expires_at is not None]
        lots = [rules.Lot(e.points, e.expires_at) for e in credits if e.expires_at]
        spent = -sum(e.points for e in entries if e.points < 0)
        due = rules.unspent_by(lots, spent, at)
        if due > 0:
            last = max(e.id for e in credits if e.expires_at and e.expires_at <= at)
            cause = Cause("loyalty-expiry", note="points expirés")
            if await book.write(
                customer_id, "available", -due, "expired", f"{customer_id}:{last}", cause, at
            ):
                spent += due
                uow.emit(
                    PointsExpired(
                        customer_id=customer_id,
                        points=due,
                        balance=await book.balance(customer_id),
                        expired_at=at,
                    )
                )
            else:
                due = 0
        await _warn(book, customer_id, credits, lots, spent, at)
        return due


async def _warn(
    book: PointsBook,
    customer_id: str,
    credits: list[Entry],
    lots: list[rules.Lot],
    spent: int,
    at: datetime,
) -> None:
    horizon = at + timedelta(days=book.settings.expiry_warning_days)
    soon = rules.unspent_by(lots, spent, horizon)
    if soon <= 0:
        return
    last = max(e.id for e in credits if e.expires_at and e.expires_at <= horizon)
    if await book.session.get(ExpiryWarning, (customer_id, last)) is not None:
        return
    book.session.add(ExpiryWarning(customer_id=customer_id, last_entry_id=last, warned_at=at))
    expires_at = rules.first_unspent_expiry(lots, spent)
    book.uow.emit(
        PointsExpiring(
            customer_id=customer_id,
            points=soon,
            balance=await book.balance(customer_id),
            expires_at=expires_at or horizon,
            warned_at=at,
        )
    )
