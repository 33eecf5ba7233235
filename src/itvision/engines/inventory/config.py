"""The inventory engine's settings, read from `ITVISION_INVENTORY_*` environment variables (or a
line of `.env`). Per-SKU values set by staff (threshold, safety stock, lead time) override the
defaults here."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from itvision.platform.errors import ConfigurationError

ENV_PREFIX = "ITVISION_INVENTORY_"


class InventorySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
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


@lru_cache(maxsize=1)
def inventory_settings() -> InventorySettings:
    """The settings from the environment; a bad value is one error naming the variable."""
    try:
        return InventorySettings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ENV_PREFIX + str(error["loc"][0]).upper()
        raise ConfigurationError(f"{name}: {error['msg']}", field=name) from None
