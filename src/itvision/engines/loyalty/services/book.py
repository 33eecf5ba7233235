"""`PointsBook`: the ledger as the use cases write it, inside their unit of work. Every entry is
written once ((reason, reference) is unique); the balance is the sum of the available entries;
each credit that may lift a tier or unlock a reward is followed by `recognise`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select

from itvision.engines.loyalty import rules
from itvision.engines.loyalty.events import RewardUnlocked, TierUpgraded
from itvision.engines.loyalty.models import Entry, Member, Reward, UnlockedReward
from itvision.engines.loyalty.settings import LoyaltySettings
from itvision.platform.db import upsert_insert
from itvision.platform.uow import UnitOfWork

YEAR = timedelta(days=365)
# Entries that count as points earned (tiers over 12 months, rewards over a lifetime): points
# made available by a delivery or a referral, less what refunds took back of them.
EARNING_REASONS = ("delivered", "referral", "refunded")


@dataclass(frozen=True, slots=True)
class Cause:
    """Why an entry is written: the event (or operator) and the order it is about."""

    actor: str
    event_id: str | None = None
    order_id: str | None = None
    note: str | None = None


def ladder_of(settings: LoyaltySettings) -> tuple[rules.TierTerms, ...]:
    return rules.tier_ladder(
        settings.silver_points,
        settings.gold_points,
        settings.silver_multiplier,
        settings.gold_multiplier,
    )


class PointsBook:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.session = uow.session
        self.settings = uow.settings_of(LoyaltySettings)
        self.ladder = ladder_of(self.settings)

    async def member(
        self, customer_id: str, at: datetime, first_order_id: str | None = None
    ) -> Member:
        """The customer's membership, locked for this unit of work (created at Bronze, with
        `first_order_id` when an order makes it)."""
        found = await self.session.scalar(
            select(Member).where(Member.customer_id == customer_id).with_for_update()
        )
        if found is None:
            found = Member(
                customer_id=customer_id,
                tier="bronze",
                tier_since=at,
                review_due_at=at + YEAR,
                first_order_id=first_order_id,
                created_at=at,
                updated_at=at,
            )
            self.session.add(found)
            await self.session.flush()
        return found

    async def find(self, reason: str, reference: str) -> Entry | None:
        return await self.session.scalar(
            select(Entry).where(Entry.reason == reason, Entry.reference == reference)
        )

    async def write(
        self,
        customer_id: str,
        bucket: str,
        points: int,
        reason: str,
        reference: str,
        cause: Cause,
        at: datetime,
    ) -> Entry | None:
        """Write the entry unless one with this reason and reference exists (None then): one
        INSERT that does nothing on the unique (reason, reference), rather than a look first."""
        if points == 0:
            return None
        expires = at + timedelta(days=self.settings.expiry_days)
        written = (
            upsert_insert(self.session)(Entry)
            .values(
                customer_id=customer_id,
                bucket=bucket,
                points=points,
                reason=reason,
                reference=reference,
                order_id=cause.order_id,
                event_id=cause.event_id,
                actor=cause.actor,
                note=cause.note,
                expires_at=expires if bucket == "available" and points > 0 else None,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["reason", "reference"])
            .returning(Entry)
        )
        entry: Entry | None = await self.session.scalar(written)
        return entry

    async def balance(self, customer_id: str) -> int:
        return await self._sum(Entry.customer_id == customer_id, Entry.bucket == "available")

    async def pending_of_order(self, order_id: str) -> int:
        return await self._sum(Entry.order_id == order_id, Entry.bucket == "pending")

    async def earned_since(self, customer_id: str, since: datetime | None) -> int:
        conditions = [
            Entry.customer_id == customer_id,
            Entry.bucket == "available",
            Entry.reason.in_(EARNING_REASONS),
        ]
        if since is not None:
            conditions.append(Entry.created_at > since)
        return await self._sum(*conditions)

    async def _sum(self, *conditions: ColumnElement[bool]) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(Entry.points), 0)).where(*conditions)
        )
        return int(total or 0)

    def tier_terms(self, tier: str) -> rules.TierTerms:
        return next(t for t in self.ladder if t.name == tier)

    async def recognise(self, member: Member, at: datetime) -> None:
        """After points were earned: the tier they now support (at once) and the rewards their
        lifetime total reaches, each announced once."""
        qualifying = await self.earned_since(member.customer_id, at - YEAR)
        tier = rules.upgraded_tier(member.tier, qualifying, self.ladder)  # type: ignore[arg-type]
        if tier != member.tier:
            self.uow.emit(
                TierUpgraded(
                    customer_id=member.customer_id,
                    previous_tier=member.tier,
                    tier=tier,
                    qualifying_points=max(qualifying, 0),
                    free_shipping=self.tier_terms(tier).free_shipping,
                    upgraded_at=at,
                )
            )
            member.tier, member.tier_since, member.review_due_at = tier, at, at + YEAR
            member.updated_at = at
        await self._unlock_rewards(member.customer_id, at)

    async def _unlock_rewards(self, customer_id: str, at: datetime) -> None:
        lifetime = await self.earned_since(customer_id, None)
        unlocked = select(UnlockedReward.reward_id).where(UnlockedReward.customer_id == customer_id)
        due = await self.session.scalars(
            select(Reward)
            .where(Reward.active, Reward.threshold <= lifetime, Reward.id.not_in(unlocked))
            .order_by(Reward.threshold, Reward.id)
        )
        for reward in list(due):
            self.session.add(
                UnlockedReward(customer_id=customer_id, reward_id=reward.id, unlocked_at=at)
            )
            self.uow.emit(
                RewardUnlocked(
                    customer_id=customer_id,
                    reward_id=reward.id,
                    kind=reward.kind,
                    value=reward.value,
                    unlocked_at=at,
                )
            )
        await self.session.flush()
