"""Reads of the loyalty engine: a customer's balance (available, pending, tier and what the next
tier needs), their ledger, the earn rules, the rewards and which a customer unlocked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from itvision.engines.loyalty import rules
from itvision.engines.loyalty.models import EarnRuleRow, Entry, Member, Reward, UnlockedReward
from itvision.engines.loyalty.services.book import EARNING_REASONS, YEAR, ladder_of
from itvision.engines.loyalty.settings import LoyaltySettings
from itvision.platform.events import utcnow
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class BalanceView:
    customer_id: str
    available: int
    pending: int
    value: int  # what the available points are worth at checkout, F CFA
    tier: str
    earn_multiplier: float
    free_shipping: bool
    qualifying_points: int
    next_tier: str | None
    points_to_next_tier: int | None
    birthday: date | None
    referrer_id: str | None


async def balance_of(on: Runner, customer_id: str, settings: LoyaltySettings) -> BalanceView:
    """Anyone has a balance: 0 and Bronze before their first order."""
    since = utcnow() - YEAR
    async with read_session(on) as session:
        member = await session.get(Member, customer_id)
        sums = dict(
            (
                await session.execute(
                    select(Entry.bucket, func.sum(Entry.points))
                    .where(Entry.customer_id == customer_id)
                    .group_by(Entry.bucket)
                )
            ).all()
        )
        qualifying = await session.scalar(
            select(func.coalesce(func.sum(Entry.points), 0)).where(
                Entry.customer_id == customer_id,
                Entry.bucket == "available",
                Entry.reason.in_(EARNING_REASONS),
                Entry.created_at > since,
            )
        )
    ladder = ladder_of(settings)
    tier = member.tier if member else "bronze"
    terms = next(t for t in ladder if t.name == tier)
    higher = [t for t in ladder if rules.rank(t.name) > rules.rank(tier)]
    qualifying = int(qualifying or 0)
    available = int(sums.get("available") or 0)
    return BalanceView(
        customer_id=customer_id,
        available=available,
        pending=int(sums.get("pending") or 0),
        value=available * settings.point_value,
        tier=tier,
        earn_multiplier=float(terms.earn_multiplier),
        free_shipping=terms.free_shipping,
        qualifying_points=qualifying,
        next_tier=higher[0].name if higher else None,
        points_to_next_tier=max(higher[0].threshold - qualifying, 0) if higher else None,
        birthday=member.birthday if member else None,
        referrer_id=member.referrer_id if member else None,
    )


async def ledger(on: Runner, customer_id: str, paging: PageParams) -> tuple[list[Entry], int]:
    """The customer's entries, newest first."""
    where = Entry.customer_id == customer_id
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(Entry).where(where))
        rows = await session.scalars(
            select(Entry)
            .where(where)
            .order_by(Entry.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return list(rows), int(total or 0)


async def earn_rules(on: Runner) -> list[EarnRuleRow]:
    async with read_session(on) as session:
        return list(
            await session.scalars(
                select(EarnRuleRow).order_by(EarnRuleRow.scope, EarnRuleRow.target)
            )
        )


async def rewards(on: Runner) -> list[Reward]:
    async with read_session(on) as session:
        return list(await session.scalars(select(Reward).order_by(Reward.threshold, Reward.id)))


@dataclass(frozen=True, slots=True)
class UnlockedView:
    reward_id: str
    name: str
    kind: str
    value: int | None
    unlocked_at: datetime


async def unlocked_rewards(on: Runner, customer_id: str) -> list[UnlockedView]:
    async with read_session(on) as session:
        rows = await session.execute(
            select(Reward, UnlockedReward.unlocked_at)
            .join(UnlockedReward, UnlockedReward.reward_id == Reward.id)
            .where(UnlockedReward.customer_id == customer_id)
            .order_by(UnlockedReward.unlocked_at, Reward.id)
        )
        return [UnlockedView(r.id, r.name, r.kind, r.value, at) for r, at in rows.all()]
