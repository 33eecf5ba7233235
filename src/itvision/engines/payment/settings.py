"""The payment engine's settings, read from `ITVISION_PAYMENT_*` environment variables (or a line
of `.env`) once per platform: use cases read them with `uow.settings_of(PaymentSettings)` or
`platform.settings_of(PaymentSettings)`.

Each provider's base URL and credentials are what its adapter talks to. With
`ITVISION_PAYMENT_SIMULATORS=true` (a demo on one machine), the base URLs and credentials left
unset point at the local Wave and Orange Money simulators that `itvision serve` then starts;
the adapters are the same and do not know the difference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SIMULATOR_HOST = "127.0.0.1"
# What the simulators and the adapters agree on when the demo runs them together.
SIMULATED: dict[str, Any] = {
    "wave_api_key": "wave_sn_demo_simulated_api_key_0123456789abcdef",
    "wave_webhook_secret": "wave_sn_WHS_demo_simulated_signing_secret_0123456789",
    "orange_money_client_id": "demo-client",
    "orange_money_client_secret": "demo-client-secret",
    "orange_money_merchant_key": "demo-merchant-key",
}


class PaymentSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_PAYMENT_", env_file=".env", extra="ignore", frozen=True
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where providers and customers reach this API: webhooks, return pages",
    )
    simulators: bool = Field(
        default=False,
        description="Demo: `serve` starts the local Wave and Orange Money simulators and "
        "the adapters talk to them",
    )
    simulators_approve_at_once: bool = Field(
        default=False,
        description="With `simulators`: every payment is approved as soon as it is asked for "
        "(benchmarks, unattended demos)",
    )
    simulator_wave_port: int = Field(default=8701, ge=1, le=65535)
    simulator_orange_money_port: int = Field(default=8702, ge=1, le=65535)

    wave_base_url: str = "https://api.wave.com"
    wave_api_key: SecretStr | None = None
    wave_webhook_strategy: Literal["signing_secret", "shared_secret"] = Field(
        default="signing_secret",
        description="How Wave proves a webhook is its own: `Wave-Signature` HMAC, or the "
        "secret as a bearer token",
    )
    wave_webhook_secret: SecretStr | None = None
    wave_fee_rate: Decimal = Field(
        default=Decimal("0.01"), ge=0, le=1, description="Wave's merchant fee (1 %)"
    )

    orange_money_base_url: str = "https://api.orange.com"
    orange_money_country: str = Field(
        default="sn", pattern=r"^[a-z]{2,3}$", description="`dev` in the sandbox, `sn`, `ci`…"
    )
    orange_money_currency: str = Field(
        default="XOF", pattern=r"^[A-Z]{3}$", description="`OUV` in the sandbox, `XOF` live"
    )
    orange_money_client_id: str | None = None
    orange_money_client_secret: SecretStr | None = None
    orange_money_merchant_key: SecretStr | None = None
    orange_money_fee_rate: Decimal = Field(
        default=Decimal("0.01"), ge=0, le=1, description="The merchant contract's fee rate"
    )

    provider_timeout_seconds: float = Field(default=10.0, gt=0)
    stock_wait_seconds: float = Field(
        default=2.0,
        ge=0,
        le=10,
        description="A payment asked for before the order's stock is held waits this long "
        "for it before answering 409 awaiting_stock (an app pays right after checkout)",
    )
    webhook_tolerance_seconds: int = Field(
        default=300, ge=1, description="A signed webhook older than this is a replay"
    )
    reconcile_after_minutes: float = Field(
        default=5.0,
        gt=0,
        description="A payment pending this long is asked about at its provider",
    )

    @model_validator(mode="before")
    @classmethod
    def _simulated_providers(cls, data: Any) -> Any:
        """With `simulators`, whatever is not set explicitly points at the simulators."""
        if not isinstance(data, dict) or str(data.get("simulators", "")).lower() not in (
            "1",
            "true",
            "yes",
            "on",
        ):
            return data
        wave = data.get("simulator_wave_port", 8701)
        orange = data.get("simulator_orange_money_port", 8702)
        defaults = {
            **SIMULATED,
            "wave_base_url": f"http://{SIMULATOR_HOST}:{wave}",
            "orange_money_base_url": f"http://{SIMULATOR_HOST}:{orange}",
            "orange_money_country": "dev",
            "orange_money_currency": "OUV",
        }
        return {**defaults, **data}

    def fee_rate(self, method: str) -> Decimal:
        return {"wave": self.wave_fee_rate, "orange_money": self.orange_money_fee_rate}.get(
            method, Decimal(0)
        )
