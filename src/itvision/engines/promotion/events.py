"""Events of the promotion engine: campaigns (promo codes, sales, bundles) and code redemptions."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

OWNER = "promotion-engine"


class CodeRedeemed(Payload):
    campaign_id: str
    code: str
    order_id: str
    customer_id: str
    discount_amount: Amount
    currency: Currency = "XOF"
    redeemed_at: UtcDatetime


class CampaignStarted(Payload):
    campaign_id: str
    name: str
    kind: Literal["percentage", "fixed_amount", "free_shipping", "bundle", "flash_sale"]
    discount_rate: Rate | None = None
    discount_amount: Amount | None = None
    min_order_total: Amount | None = None
    currency: Currency = "XOF"
    product_ids: list[str] = Field(default_factory=list, description="Empty: every product")
    category_ids: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="Empty: applied without a code")
    starts_at: UtcDatetime
    ends_at: UtcDatetime | None = None


class CampaignEnded(Payload):
    campaign_id: str
    name: str
    reason: Literal["scheduled", "manual", "budget_exhausted", "usage_limit_reached"]
    redemption_count: int = Field(ge=0)
    discount_total: Amount
    currency: Currency = "XOF"
    ended_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "promotion.code.redeemed",
        CodeRedeemed,
        OWNER,
        "A promo code was applied to an order (Code promo utilisé)",
        key="campaign_id",
    ),
    Topic(
        "promotion.campaign.started",
        CampaignStarted,
        OWNER,
        "A promotion campaign started (Campagne démarrée)",
        key="campaign_id",
    ),
    Topic(
        "promotion.campaign.ended",
        CampaignEnded,
        OWNER,
        "A promotion campaign ended (Campagne terminée)",
        key="campaign_id",
    ),
)
