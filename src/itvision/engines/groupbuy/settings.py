"""The group-buy engine's settings, read from `ITVISION_GROUPBUY_*` environment variables (or a
line of `.env`) once per platform, through `uow.settings_of(GroupBuySettings)` or
`platform.settings_of(GroupBuySettings)`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GroupBuySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ITVISION_GROUPBUY_", env_file=".env", extra="ignore", frozen=True
    )

    payment_minutes: float = Field(
        default=30.0,
        gt=0,
        description="A participation unpaid this long after joining (or at the deadline, "
        "whichever comes first) is dropped and its seat freed",
    )
    max_participants: int = Field(
        default=500, ge=1, description="The participant cap of a group opened without one"
    )
