"""When a campaign is live, and why it stopped: `promotion.campaign.started` is emitted when a
promotion becomes live and `promotion.campaign.ended` when it stops being live."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from itvision.engines.promotion.rules.offers import Offer

EndReason = Literal["scheduled", "manual", "usage_limit_reached"]


def is_live(offer: Offer, now: datetime, redeemed: int) -> bool:
    """Active, within its dates, and not used up by paid orders."""
    return (
        offer.active
        and offer.starts_at <= now
        and (offer.ends_at is None or now < offer.ends_at)
        and not (offer.usage_limit is not None and redeemed >= offer.usage_limit)
    )


def end_reason(offer: Offer, now: datetime, redeemed: int) -> EndReason:
    """Why a live campaign stopped: its end date passed (`scheduled`), paid orders used it up
    (`usage_limit_reached`), or staff deactivated it or moved its dates (`manual`)."""
    if not offer.active:
        return "manual"
    if offer.ends_at is not None and now >= offer.ends_at:
        return "scheduled"
    if offer.usage_limit is not None and redeemed >= offer.usage_limit:
        return "usage_limit_reached"
    return "manual"
