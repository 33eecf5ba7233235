"""The loyalty engine's settings, read from `ITVISION_LOYALTY_*` environment variables (or a line
of `.env`) once per platform, through `uow.settings_of(LoyaltySettings)` or
`platform.settings_of(LoyaltySettings)`. Staff-managed earn multipliers and rewards live in the
database; these are the programme's fixed terms."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LoyaltySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_LOYALTY_", env_file=".env", extra="ignore", frozen=True
    )

    francs_per_point: int = Field(
        default=100, ge=1, description="F CFA paid for goods (after discounts) to earn 1 point"
    )
    point_value: int = Field(
        default=1, ge=1, description="F CFA a point is worth when spent at checkout"
    )
    max_redeem_percent: int = Field(
        default=50, ge=1, le=100, description="Points pay at most this share of an order's goods"
    )
    first_order_bonus: int = Field(default=500, ge=0, description="Points for a first order")
    referral_bonus: int = Field(
        default=1_000,
        ge=0,
        description="Points to the referrer when a referred first order is delivered",
    )
    birthday_bonus: int = Field(
        default=500,
        ge=0,
        description="Points for the first order of the birthday month, once a year",
    )
    silver_points: int = Field(
        default=10_000, ge=1, description="Points earned over 12 months to reach Silver"
    )
    gold_points: int = Field(
        default=50_000, ge=1, description="Points earned over 12 months to reach Gold"
    )
    silver_multiplier: Decimal = Field(
        default=Decimal("1.25"), ge=1, description="Silver members earn this many times the points"
    )
    gold_multiplier: Decimal = Field(
        default=Decimal("1.5"), ge=1, description="Gold members earn this many times the points"
    )
    expiry_days: int = Field(
        default=365, ge=1, description="Points expire this long after they are usable"
    )
    expiry_warning_days: int = Field(
        default=30, ge=1, description="Customers are warned this long before points expire"
    )
