"""The yearly tier review (policy: one tier down at most, when the last 12 months' points no
longer support the tier; upgrades happen at once, as points are earned). A member is reviewed a
year after their tier was reached or last reviewed. Run daily by the job `loyalty-review`, by
`itvision loyalty review` and `POST /api/loyalty/tiers/review`."""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.loyalty import rules
from itvision.engines.loyalty.commands import ReviewTiers
from itvision.engines.loyalty.events import SOURCE, TierDowngraded
from itvision.engines.loyalty.models import Member
from itvision.engines.loyalty.services.book import YEAR, PointsBook
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, read_session, unit_of_work


async def review_tiers(on: Runner, command: ReviewTiers) -> int:
    """Review every member due; the number moved down."""
    at = command.at or utcnow()
    async with read_session(on) as session:
        due = list(
            await session.scalars(
                select(Member.customer_id)
                .where(Member.review_due_at <= at)
                .order_by(Member.customer_id)
            )
        )
    downgraded = 0
    for customer_id in due:
        async with unit_of_work(on, SOURCE) as uow:
            book = PointsBook(uow)
            member = await book.member(customer_id, at)
            if member.review_due_at > at:
                continue  # reviewed meanwhile
            qualifying = await book.earned_since(customer_id, at - YEAR)
            tier = rules.reviewed_tier(member.tier, qualifying, book.ladder)  # type: ignore[arg-type]
            if tier != member.tier:
                uow.emit(
                    TierDowngraded(
                        customer_id=customer_id,
                        previous_tier=member.tier,
                        tier=tier,
                        qualifying_points=max(qualifying, 0),
                        free_shipping=book.tier_terms(tier).free_shipping,
                        downgraded_at=at,
                    )
                )
                member.tier, member.tier_since = tier, at
                downgraded += 1
            member.review_due_at, member.updated_at = at + YEAR, at
    return downgraded
