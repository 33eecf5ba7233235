"""`promotion.campaign.started` / `ended`: emitted when a promotion becomes live or stops being
live, whatever made it change — staff (create, edit, activate, deactivate), the clock (`tick`),
or paid orders using it up (and cancelled ones giving a usage back)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from itvision.engines.promotion import store
from itvision.engines.promotion.events import BundleItem, CampaignEnded, CampaignStarted
from itvision.engines.promotion.lifecycle import end_reason, is_live
from itvision.engines.promotion.models import Promotion
from itvision.engines.promotion.offers import Offer
from itvision.platform.uow import UnitOfWork

Change = Literal["started", "ended"]


async def announce_change(uow: UnitOfWork, row: Promotion, now: datetime) -> Change | None:
    """Emit `started` or `ended` if the promotion's live state changed since last announced.
    The caller holds the row (locked on PostgreSQL) in this unit of work."""
    offer = store.offer_of(row)
    summary = (await store.usage_summaries(uow.session, [row.id]))[row.id]
    live = is_live(offer, now, summary.redeemed)
    if live and not row.announced_live:
        uow.emit(_started(offer))
        row.announced_live = True
        return "started"
    if not live and row.announced_live:
        reason = end_reason(offer, now, summary.redeemed)
        ended_at = offer.ends_at if reason == "scheduled" and offer.ends_at else now
        uow.emit(
            CampaignEnded(
                campaign_id=offer.id,
                name=offer.name,
                reason=reason,
                redemption_count=summary.redeemed,
                discount_total=summary.discount_total,
                ended_at=ended_at,
            ),
        )
        row.announced_live = False
        return "ended"
    return None


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
