"""The pricing API's request and response models.

Two views of every price: `*Public` is what anyone may read (prices excl. and incl. VAT, the VAT,
tiers); `*BreakdownPublic` adds what only staff may read — base cost, rates, each component in
francs, and the scope each rate came from. Rates are decimals: sent as JSON numbers or strings,
answered as JSON numbers, like the events.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from itvision.platform.events import Rate, UtcDatetime

RateIn = Annotated[Decimal, Field(ge=0, le=1, decimal_places=4, description="0.25 is 25 %")]
Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/-]+$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TierCreate(_Input):
    min_quantity: int = Field(ge=2, le=1_000_000, description="From this many units of one SKU")
    discount_rate: Decimal = Field(gt=0, le=Decimal("0.9"), decimal_places=4)


class GlobalSettingsUpdate(_Input):
    """Only the fields given change; a field cannot be set to null."""

    default_margin_rate: RateIn | None = None
    service_fee_rate: RateIn | None = None
    insurance_rate: RateIn | None = None
    min_margin_rate: RateIn | None = None
    vat_rate: RateIn | None = None
    rounding_step: int | None = Field(default=None, ge=1, le=10_000)
    rounding_mode: Literal["up", "nearest"] | None = None
    quote_validity_hours: int | None = Field(default=None, ge=1, le=24 * 90)
    tiers: list[TierCreate] | None = Field(default=None, max_length=10)

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("a global setting cannot be null")
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> GlobalSettingsUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one setting to change")
        return self


class ScopeSettingsUpdate(_Input):
    """What a category or a product sets; a component left null is inherited."""

    margin_rate: RateIn | None = None
    service_fee_rate: RateIn | None = None
    insurance_rate: RateIn | None = None
    tiers: list[TierCreate] | None = Field(
        default=None, max_length=10, description="null: inherited; []: no tiers here"
    )


class TierPublic(BaseModel):
    min_quantity: int
    discount_rate: Rate


class GlobalSettingsPublic(BaseModel):
    default_margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    min_margin_rate: Rate
    vat_rate: Rate
    rounding_step: int
    rounding_mode: Literal["up", "nearest"]
    quote_validity_hours: int
    tiers: list[TierPublic]


class ScopeSettingsPublic(BaseModel):
    scope: str
    margin_rate: Rate | None
    service_fee_rate: Rate | None
    insurance_rate: Rate | None
    tiers: list[TierPublic] | None


class AppliedTierPublic(BaseModel):
    id: str
    min_quantity: int
    discount_rate: Rate


class TierPricePublic(BaseModel):
    min_quantity: int
    discount_rate: Rate
    unit_price_excl_vat: int
    unit_vat: int
    unit_price_incl_vat: int


class _Components(BaseModel):
    """The staff-only part of a price (amounts in francs, adding up to the price excl. VAT)."""

    base_cost: int
    margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    effective_margin_rate: Rate
    margin_floor_applied: bool
    margin_amount: int
    service_fee_amount: int
    insurance_amount: int
    tier_discount_amount: int
    rounding_adjustment: int
    sources: dict[str, str] = Field(description="The scope each component came from")


class PricePublic(BaseModel):
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    name_en: str | None
    currency: str
    quantity: int
    tier: AppliedTierPublic | None
    unit_price_excl_vat: int = Field(description="Prix HT")
    vat_rate: Rate
    unit_vat: int = Field(description="TVA")
    unit_price_incl_vat: int = Field(description="Prix TTC")
    tiers: list[TierPricePublic] = Field(description="Remises par quantité (paliers)")
    as_of: UtcDatetime


class PriceBreakdownPublic(PricePublic, _Components):
    status: str


class PriceRecordPublic(BaseModel):
    sku: str
    product_id: str
    base_cost: int
    margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    price_excl_vat: int
    vat_rate: Rate
    vat_amount: int
    price_incl_vat: int
    currency: str
    valid_from: UtcDatetime


class QuoteLineCreate(_Input):
    sku: Identifier
    quantity: int = Field(ge=1, le=100_000)


class QuoteCreate(_Input):
    lines: list[QuoteLineCreate] = Field(min_length=1, max_length=100)
    group_id: Identifier | None = Field(
        default=None, description="Staff only: the group buy this quantity is for"
    )


class QuoteLinePublic(BaseModel):
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    name_en: str | None
    quantity: int
    tier: AppliedTierPublic | None
    unit_price_excl_vat: int
    unit_vat: int
    unit_price_incl_vat: int
    line_total_excl_vat: int
    line_vat: int
    line_total_incl_vat: int


class QuoteLineBreakdownPublic(QuoteLinePublic, _Components):
    pass


class QuotePublic(BaseModel):
    id: str
    currency: str
    vat_rate: Rate
    lines: list[QuoteLinePublic]
    total_excl_vat: int = Field(description="Total HT")
    total_vat: int = Field(description="TVA")
    total_incl_vat: int = Field(description="Total TTC")
    created_at: UtcDatetime
    expires_at: UtcDatetime = Field(description="Valable jusqu'au")


class QuoteBreakdownPublic(QuotePublic):
    lines: list[QuoteLineBreakdownPublic]  # type: ignore[assignment]
    owner_subject: str | None
    group_id: str | None
