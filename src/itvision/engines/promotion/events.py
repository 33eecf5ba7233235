"""Events of the promotion engine: campaigns (promo codes, sales, bundles) and code usages.

A code's usage is reserved when an order is placed with it and counted when the order is paid
(`promotion.code.redeemed`); an order cancelled after that gives the usage back
(`promotion.code.released`). An order placed with a code the engine cannot honour (expired,
used up…) gets `promotion.code.rejected`, with the reason in French and English.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "promotion-engine"


class CodeRedeemed(Payload):
    campaign_id: str
    code: str
    order_id: str
    customer_id: str
    discount_amount: Amount
    currency: Currency = "XOF"
    redeemed_at: UtcDatetime


class CodeReleased(Payload):
    """A usage reserved or counted for an order was given back: the order was cancelled."""

    campaign_id: str
    code: str
    order_id: str
    customer_id: str
    discount_amount: Amount
    currency: Currency = "XOF"
    was_redeemed: bool = Field(description="True: the order had been paid and the usage counted")
    released_at: UtcDatetime


class CodeRejected(Payload):
    """An order was placed with a code the engine does not honour for it."""

    order_id: str
    customer_id: str
    code: str
    campaign_id: str | None = Field(default=None, description="None: no promotion has this code")
    reason: str = Field(description="Stable code, e.g. 'usage_limit_reached', 'expired'")
    message_fr: str
    message_en: str
    rejected_at: UtcDatetime


class BundleItem(Payload):
    product_id: str
    quantity: int = Field(gt=0)


class CampaignStarted(Payload):
    campaign_id: str
    name: str
    kind: Literal[
        "percentage", "fixed_amount", "free_shipping", "bundle", "flash_sale", "buy_x_get_y"
    ]
    discount_rate: Rate | None = None
    discount_amount: Amount | None = None
    min_order_total: Amount | None = None
    currency: Currency = "XOF"
    product_ids: list[str] = Field(default_factory=list, description="Empty: every product")
    category_ids: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="Empty: applied without a code")
    starts_at: UtcDatetime
    ends_at: UtcDatetime | None = None
    brands: list[str] = Field(default_factory=list)
    min_quantity: int | None = Field(default=None, gt=0)
    max_discount_amount: Amount | None = None
    bundle_items: list[BundleItem] = Field(default_factory=list)
    bundle_price: Amount | None = None
    buy_quantity: int | None = Field(default=None, gt=0)
    get_quantity: int | None = Field(default=None, gt=0)
    usage_limit: int | None = Field(default=None, gt=0)
    usage_limit_per_customer: int | None = Field(default=None, gt=0)
    exclusive: bool = False
    priority: int = 0


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
        SOURCE,
        "A promo code was applied to an order (Code promo utilisé)",
        key="campaign_id",
    ),
    Topic(
        "promotion.code.released",
        CodeReleased,
        SOURCE,
        "A promo code's usage was given back: the order was cancelled (Code promo libéré)",
        key="campaign_id",
    ),
    Topic(
        "promotion.code.rejected",
        CodeRejected,
        SOURCE,
        "An order was placed with a code that cannot be honoured (Code promo refusé)",
        key="order_id",
    ),
    Topic(
        "promotion.campaign.started",
        CampaignStarted,
        SOURCE,
        "A promotion campaign started (Campagne démarrée)",
        key="campaign_id",
    ),
    Topic(
        "promotion.campaign.ended",
        CampaignEnded,
        SOURCE,
        "A promotion campaign ended (Campagne terminée)",
        key="campaign_id",
    ),
)
