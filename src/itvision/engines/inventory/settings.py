"""The inventory engine's settings, read from `ITVISION_INVENTORY_*` environment variables (or a
line of `.env`) once per platform: use cases read them with `uow.settings_of(InventorySettings)`,
routes with `platform.settings_of(InventorySettings)`. Per-SKU values set by staff (threshold,
safety stock, lead time) override the defaults here."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InventorySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_INVENTORY_", env_file=".env", extra="ignore", frozen=True
    )

    reservation_minutes: int = Field(
        default=60,
        ge=1,
        description="How long an unpaid order's stock stays reserved (mobile money, card)",
    )
    cash_on_delivery_reservation_hours: int = Field(
        default=48,
        ge=1,
        description="How long a cash-on-delivery order's stock stays reserved unconfirmed",
    )
    low_stock_threshold: int = Field(
        default=5, ge=0, description="Default available quantity at which stock is low"
    )
    safety_stock: int = Field(default=0, ge=0, description="Default safety stock, in units")
    lead_time_days: int = Field(default=7, ge=0, description="Default supplier lead time")
    velocity_days: int = Field(
        default=30, ge=1, description="Sales of the last N days give the daily velocity"
    )
    coverage_days: int = Field(
        default=30, ge=1, description="A suggested reorder covers this many days of sales"
    )
