"""The order engine's settings, read from `ITVISION_ORDER_*` environment variables (or a line of
`.env`) once per platform: use cases read them with `uow.settings_of(OrderSettings)`, routes
with `platform.settings_of(OrderSettings)`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OrderSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_ORDER_", env_file=".env", extra="ignore", frozen=True
    )

    payment_minutes: int = Field(
        default=30,
        ge=1,
        description="How long a customer has to pay an order by Wave or Orange Money before it "
        "is cancelled (expired); keep it shorter than inventory's hold "
        "(ITVISION_INVENTORY_RESERVATION_MINUTES)",
    )
