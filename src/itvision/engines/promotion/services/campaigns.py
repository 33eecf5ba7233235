"""Staff's use cases on promotions — create, edit, activate, deactivate — and the announcements
of campaigns: `promotion.campaign.started` / `ended` are emitted when a promotion becomes live or
stops being live, whatever made it change — staff, the clock (`announce_due_campaigns`, the
`promotion-tick` job), or paid orders using it up (and cancelled ones giving a usage back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.commands import (
    ActivatePromotion,
    AnnounceCampaigns,
    CreatePromotion,
    DeactivatePromotion,
    Unchanged,
    UpdatePromotion,
)
from itvision.engines.promotion.events import SOURCE, BundleItem, CampaignEnded, CampaignStarted
from itvision.engines.promotion.models import Promotion
from itvision.engines.promotion.queries.promotions import PromotionRecord, promotion_row, records_of
from itvision.engines.promotion.queries.usages import usage_summaries
from itvision.engines.promotion.rules.lifecycle import end_reason, is_live
from itvision.engines.promotion.rules.offers import Offer, check_offer, normalize_code
from itvision.platform.errors import Conflict
from itvision.platform.events import new_event_id, utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


@dataclass(frozen=True, slots=True)
class CampaignAnnouncements:
    """The promotions announced as started, and those announced as ended."""

    started: list[str]
    ended: list[str]


async def create_promotion(
    on: Runner, command: CreatePromotion, *, now: datetime | None = None
) -> PromotionRecord:
    """Emits `promotion.campaign.started` if the promotion is live at once."""
    now = now or utcnow()
    offer = _normalized(command.offer(str(new_event_id()), now))
    check_offer(offer)
    async with unit_of_work(on, SOURCE) as uow:
        await _ensure_code_is_free(uow.session, offer)
        row = Promotion(
            id=offer.id,
            description=command.description,
            announced_live=False,
            created_by=command.created_by,
            created_at=now,
            updated_at=now,
        )
        row.define(offer)
        uow.session.add(row)
        await _flush(uow.session, offer)
        await _announce(uow, [row], now)
        (record,) = await records_of(uow.session, [row], now)
        return record


async def update_promotion(
    on: Runner, command: UpdatePromotion, *, now: datetime | None = None
) -> PromotionRecord:
    """The result is checked as a whole."""
    now = now or utcnow()
    async with unit_of_work(on, SOURCE) as uow:
        row = await promotion_row(uow.session, command.promotion_id, for_update=True)
        if not isinstance(command.description, Unchanged):
            row.description = command.description
        offer = _normalized(command.applied_to(row.offer()))
        check_offer(offer)
        await _ensure_code_is_free(uow.session, offer)
        row.define(offer)
        row.updated_at = now
        await _flush(uow.session, offer)
        await _announce(uow, [row], now)
        (record,) = await records_of(uow.session, [row], now)
        return record


async def activate_promotion(
    on: Runner, command: ActivatePromotion, *, now: datetime | None = None
) -> PromotionRecord:
    return await update_promotion(on, UpdatePromotion(command.promotion_id, active=True), now=now)


async def deactivate_promotion(
    on: Runner, command: DeactivatePromotion, *, now: datetime | None = None
) -> PromotionRecord:
    return await update_promotion(on, UpdatePromotion(command.promotion_id, active=False), now=now)


async def announce_campaigns(
    on: Runner, command: AnnounceCampaigns, *, now: datetime | None = None
) -> CampaignAnnouncements:
    """A code used up by paid orders ends its campaign; a usage given back may restart it."""
    if not command.promotion_ids:
        return CampaignAnnouncements([], [])
    async with unit_of_work(on, SOURCE) as uow:
        rows = await uow.session.scalars(
            select(Promotion)
            .where(Promotion.id.in_(sorted(command.promotion_ids)))
            .order_by(Promotion.id)
            .with_for_update()
        )
        return await _announce(uow, list(rows), now or utcnow())


async def announce_due_campaigns(
    on: Runner, *, now: datetime | None = None
) -> CampaignAnnouncements:
    """Announce every promotion whose live state changed with time: `started` for those whose
    start passed, `ended` for those whose end passed. `serve` and `worker` run it every minute
    (the `promotion-tick` job); by hand, `itvision promotion tick`. Running it twice announces
    nothing twice."""
    now = now or utcnow()
    in_dates = and_(
        Promotion.active.is_(True),
        Promotion.starts_at <= now,
        or_(Promotion.ends_at.is_(None), Promotion.ends_at > now),
    )
    due = or_(
        and_(Promotion.announced_live.is_(True), ~in_dates),
        and_(Promotion.announced_live.is_(False), in_dates),
    )
    async with unit_of_work(on, SOURCE) as uow:
        rows = await uow.session.scalars(
            select(Promotion).where(due).order_by(Promotion.id).with_for_update()
        )
        return await _announce(uow, list(rows), now)


async def _announce(
    uow: UnitOfWork, rows: Sequence[Promotion], now: datetime
) -> CampaignAnnouncements:
    """Emit `started` or `ended` for each promotion whose live state changed since last
    announced. The rows are held (locked on PostgreSQL) in this unit of work."""
    announced = CampaignAnnouncements([], [])
    summaries = await usage_summaries(uow.session, [row.id for row in rows])
    for row in rows:
        offer, summary = row.offer(), summaries[row.id]
        live = is_live(offer, now, summary.redeemed)
        if live and not row.announced_live:
            uow.emit(_started(offer))
            row.announced_live = True
            announced.started.append(row.id)
        elif not live and row.announced_live:
            reason = end_reason(offer, now, summary.redeemed)
            uow.emit(
                CampaignEnded(
                    campaign_id=offer.id,
                    name=offer.name,
                    reason=reason,
                    redemption_count=summary.redeemed,
                    discount_total=summary.discount_total,
                    ended_at=offer.ends_at if reason == "scheduled" and offer.ends_at else now,
                ),
            )
            row.announced_live = False
            announced.ended.append(row.id)
    return announced


def _started(offer: Offer) -> CampaignStarted:
    return CampaignStarted(
        campaign_id=offer.id,
        name=offer.name,
        kind=offer.kind.value,
        discount_rate=offer.discount_rate,
        discount_amount=offer.discount_amount,
        min_order_total=offer.min_order_amount,
        product_ids=sorted(offer.product_ids),
        category_ids=sorted(offer.category_ids),
        codes=[offer.code] if offer.code else [],
        starts_at=offer.starts_at,
        ends_at=offer.ends_at,
        brands=sorted(offer.brands),
        min_quantity=offer.min_quantity,
        max_discount_amount=offer.max_discount_amount,
        bundle_items=[
            BundleItem(product_id=i.product_id, quantity=i.quantity) for i in offer.bundle_items
        ],
        bundle_price=offer.bundle_price,
        buy_quantity=offer.buy_quantity,
        get_quantity=offer.get_quantity,
        usage_limit=offer.usage_limit,
        usage_limit_per_customer=offer.usage_limit_per_customer,
        exclusive=offer.exclusive,
        priority=offer.priority,
    )


def _normalized(offer: Offer) -> Offer:
    return replace(offer, code=normalize_code(offer.code)) if offer.code else offer


async def _ensure_code_is_free(session: AsyncSession, offer: Offer) -> None:
    if offer.code is None:
        return
    taken = await session.scalar(
        select(Promotion.id).where(Promotion.code == offer.code, Promotion.id != offer.id)
    )
    if taken is not None:
        raise Conflict(f"code {offer.code!r} is already used by another promotion", field="code")


async def _flush(session: AsyncSession, offer: Offer) -> None:
    # Two staff members creating the same code at once: the unique index decides.
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            f"code {offer.code!r} is already used by another promotion", field="code"
        ) from None
