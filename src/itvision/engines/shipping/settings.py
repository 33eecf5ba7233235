"""The shipping engine's settings, read from `ITVISION_SHIPPING_*` environment variables (or a
line of `.env`) once per platform: use cases read them with `uow.settings_of(ShippingSettings)`,
routes with `platform.settings_of(ShippingSettings)`. A zone's own threshold overrides
`default_free_from`."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ShippingSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_SHIPPING_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        env_parse_none_str="none",  # ITVISION_SHIPPING_DEFAULT_FREE_FROM=none: never free
    )

    default_free_from: int | None = Field(
        default=100_000,
        ge=0,
        description="Subtotal (XOF, VAT incl.) from which delivery is free in a zone that sets "
        "no threshold of its own; none: never free",
    )
    default_carrier: str = Field(
        default="coursier",
        min_length=1,
        max_length=60,
        description="Who delivers a home-delivery shipment when it is created",
    )
    carrier_secrets: dict[str, SecretStr] = Field(
        default_factory=dict,
        description='Shared secret per carrier for its webhook, JSON: {"coursier": "…"}; a '
        "carrier without one is refused",
    )
    webhook_tolerance_seconds: int = Field(
        default=300,
        ge=1,
        description="A carrier report signed longer ago than this (or that far ahead) is refused",
    )
