"""What the loyalty API reads and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from itvision.engines.loyalty.models import EarnRuleRow
from itvision.engines.loyalty.rules import RuleScope
from itvision.platform.inputs import JSON_NUMBER, InputModel, Omittable, nonblank

CustomerRef = Annotated[str, nonblank(100)]
Multiplier = Annotated[
    Decimal,
    Field(
        gt=1,
        le=10,
        multiple_of=Decimal("0.01"),
        description="1.5 earns half as much again (hundredths)",
    ),
    JSON_NUMBER,
]


class _Input(InputModel):
    model_config = ConfigDict(extra="forbid")


class PointsAdjustmentCreate(_Input):
    points: Annotated[
        int,
        Field(
            ge=-1_000_000,
            le=1_000_000,
            description="Points given (positive) or taken (negative); not zero",
            json_schema_extra={"not": {"const": 0}},
        ),
    ]
    reference: Annotated[
        str,
        nonblank(200),
        Field(description="The external reference (ticket, campaign): one adjustment each"),
    ]
    note: Annotated[str, nonblank(500), Field(description="Why, for the customer's ledger")]

    @field_validator("points")
    @classmethod
    def _not_zero(cls, points: int) -> int:
        if points == 0:
            raise ValueError("an adjustment of 0 points changes nothing")
        return points


class ProfileUpdate(_Input):
    birthday: Omittable[date] = None
    referrer_id: Omittable[CustomerRef] = None


class EarnRuleCreate(_Input):
    scope: RuleScope
    target: Annotated[str, nonblank(100), Field(description="Product id, category id or brand")]
    multiplier: Multiplier


class RewardCreate(_Input):
    name: Annotated[str, nonblank(200)]
    threshold: Annotated[int, Field(ge=1, le=100_000_000, description="Lifetime points earned")]
    kind: Literal["discount", "free_shipping", "voucher", "gift"]
    value: Annotated[int | None, Field(ge=0, le=10**9, description="F CFA, if any")] = None


class BalancePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    customer_id: str
    available: int
    pending: int = Field(description="Points of orders not delivered yet")
    value: int = Field(description="What the available points are worth at checkout, F CFA")
    tier: str
    earn_multiplier: float
    free_shipping: bool
    qualifying_points: int = Field(description="Points earned over the last 12 months")
    next_tier: str | None
    points_to_next_tier: int | None
    birthday: date | None
    referrer_id: str | None


class EntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    bucket: Literal["pending", "available"]
    points: int
    reason: str
    reference: str
    order_id: str | None
    event_id: str | None
    actor: str
    note: str | None
    expires_at: datetime | None
    created_at: datetime


class EarnRulePublic(BaseModel):
    id: str
    scope: str
    target: str
    multiplier: Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
    active: bool

    @classmethod
    def of(cls, rule: EarnRuleRow) -> EarnRulePublic:
        return cls(
            id=rule.id,
            scope=rule.scope,
            target=rule.target,
            multiplier=Decimal(rule.multiplier_percent) / 100,
            active=rule.active,
        )


class LoyaltyTierPublic(BaseModel):
    name: str
    threshold: int = Field(description="Points earned over 12 months to reach it")
    earn_multiplier: float
    free_shipping: bool


class RewardPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    threshold: int
    kind: str
    value: int | None
    active: bool


class UnlockedPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reward_id: str
    name: str
    kind: str
    value: int | None
    unlocked_at: datetime


class PointsExpiryReport(BaseModel):
    points_expired: int


class TierReviewReport(BaseModel):
    downgraded: int
