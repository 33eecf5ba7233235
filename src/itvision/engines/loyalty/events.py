"""Events of the loyalty engine: points earned and spent, tier changes, unlocked rewards."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "loyalty-engine"

Tier = Literal["bronze", "silver", "gold", "platinum"]


class PointsEarned(Payload):
    customer_id: str
    points: int = Field(gt=0)
    balance: int = Field(ge=0, description="Points balance after this credit")
    source: Literal["order", "review", "referral", "signup", "birthday", "group_buy", "adjustment"]
    order_id: str | None = None
    status: Literal["pending", "available"] = Field(
        default="available",
        description="pending: credited when the order was placed, usable once it is delivered",
    )
    expires_at: UtcDatetime | None = None
    earned_at: UtcDatetime


class PointsReversed(Payload):
    """Points taken back (a cancelled order's pending points, a refund's share, a staff
    debit) or given back (the points a cancelled order had spent): `direction` says which."""

    customer_id: str
    points: int = Field(gt=0)
    balance: int = Field(ge=0, description="Available points after this change")
    direction: Literal["debit", "credit"]
    reason: Literal["order_cancelled", "order_refunded", "redemption_returned", "adjustment"]
    order_id: str | None = None
    reversed_at: UtcDatetime


class PointsExpiring(Payload):
    """A warning: these points expire at `expires_at` unless spent first."""

    customer_id: str
    points: int = Field(gt=0)
    balance: int = Field(ge=0)
    expires_at: UtcDatetime
    warned_at: UtcDatetime


class PointsExpired(Payload):
    customer_id: str
    points: int = Field(gt=0)
    balance: int = Field(ge=0, description="Available points after the expiry")
    expired_at: UtcDatetime


class PointsRedeemed(Payload):
    customer_id: str
    points: int = Field(gt=0)
    balance: int = Field(ge=0, description="Points balance after this debit")
    value: Amount = Field(description="What the points were worth")
    currency: Currency = "XOF"
    order_id: str | None = None
    reward_id: str | None = None
    redeemed_at: UtcDatetime


class TierUpgraded(Payload):
    customer_id: str
    previous_tier: Tier
    tier: Tier
    qualifying_points: int = Field(ge=0)
    free_shipping: bool = Field(default=False, description="The new tier delivers free")
    upgraded_at: UtcDatetime


class TierDowngraded(Payload):
    customer_id: str
    previous_tier: Tier
    tier: Tier
    qualifying_points: int = Field(ge=0)
    free_shipping: bool = Field(default=False, description="The new tier delivers free")
    downgraded_at: UtcDatetime


class RewardUnlocked(Payload):
    customer_id: str
    reward_id: str
    kind: Literal["discount", "free_shipping", "voucher", "gift"]
    value: Amount | None = None
    currency: Currency = "XOF"
    code: str | None = None
    expires_at: UtcDatetime | None = None
    unlocked_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "loyalty.points.earned",
        PointsEarned,
        SOURCE,
        "A customer earned loyalty points (Points gagnés)",
        key="customer_id",
    ),
    Topic(
        "loyalty.points.redeemed",
        PointsRedeemed,
        SOURCE,
        "A customer spent loyalty points (Points utilisés)",
        key="customer_id",
    ),
    Topic(
        "loyalty.points.reversed",
        PointsReversed,
        SOURCE,
        "Points taken back or given back with an order (Points annulés ou restitués)",
        key="customer_id",
    ),
    Topic(
        "loyalty.points.expiring",
        PointsExpiring,
        SOURCE,
        "A customer's points will expire soon (Points bientôt expirés)",
        key="customer_id",
    ),
    Topic(
        "loyalty.points.expired",
        PointsExpired,
        SOURCE,
        "A customer's oldest points expired (Points expirés)",
        key="customer_id",
    ),
    Topic(
        "loyalty.tier.upgraded",
        TierUpgraded,
        SOURCE,
        "A customer moved up a loyalty tier (Niveau augmenté)",
        key="customer_id",
    ),
    Topic(
        "loyalty.tier.downgraded",
        TierDowngraded,
        SOURCE,
        "A customer moved down a loyalty tier (Niveau diminué)",
        key="customer_id",
    ),
    Topic(
        "loyalty.reward.unlocked",
        RewardUnlocked,
        SOURCE,
        "A customer unlocked a reward (Récompense débloquée)",
        key="customer_id",
    ),
)
