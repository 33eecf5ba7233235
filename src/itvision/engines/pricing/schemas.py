"""The pricing API's request and response models.

Two views of every price: `*Public` is what anyone may read (prices excl. and incl. VAT, the VAT,
tiers); `*BreakdownPublic` adds what only staff may read — base cost, rates, each component in
francs, and the scope each rate came from. Rates are decimals: sent as JSON numbers or strings,
answered as JSON numbers, like the events. The last part of this module presents what the engine
knows to a caller: base costs and margins never leave for non-staff.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from itvision.engines.pricing.models import PriceRecord, StoredQuote
from itvision.engines.pricing.queries.prices import PriceView, recorded
from itvision.engines.pricing.rules.formula import UnitPrice
from itvision.engines.pricing.rules.scopes import GlobalSettings, Overrides
from itvision.engines.pricing.rules.tiers import Tier
from itvision.platform.events import Rate, UtcDatetime
from itvision.platform.inputs import JSON_NUMBER, InputModel, Omittable

RATE_STEP = Decimal("0.0001")  # rates are kept to 4 decimals (0.1234 is 12.34 %)
RateIn = Annotated[
    Decimal,
    Field(ge=0, le=1, decimal_places=4, multiple_of=RATE_STEP, description="0.25 is 25 %"),
    JSON_NUMBER,
]
Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/-]+$")]


class _Input(InputModel):
    model_config = ConfigDict(extra="forbid")


class TierCreate(_Input):
    min_quantity: int = Field(ge=2, le=1_000_000, description="From this many units of one SKU")
    discount_rate: Annotated[
        Decimal,
        Field(gt=0, le=Decimal("0.9"), decimal_places=4, multiple_of=RATE_STEP),
        JSON_NUMBER,
    ]


class GlobalSettingsUpdate(_Input):
    """Only the fields given change (at least one); a field cannot be set to null."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    default_margin_rate: Omittable[RateIn] = None
    service_fee_rate: Omittable[RateIn] = None
    insurance_rate: Omittable[RateIn] = None
    min_margin_rate: Omittable[RateIn] = None
    vat_rate: Omittable[RateIn] = None
    rounding_step: Omittable[Annotated[int, Field(ge=1, le=10_000)]] = None
    rounding_mode: Omittable[Literal["up", "nearest"]] = None
    quote_validity_hours: Omittable[Annotated[int, Field(ge=1, le=24 * 90)]] = None
    tiers: Omittable[Annotated[list[TierCreate], Field(max_length=10)]] = None

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


# Presenting ------------------------------------------------------------------------------


def present_price(view: PriceView, *, staff: bool) -> PricePublic:
    item, unit = view.item, view.price
    tier = unit.tier
    fields: dict[str, Any] = {
        "sku": item.sku,
        "product_id": item.product_id,
        "variant_id": item.variant_id,
        "name": item.name,
        "name_en": item.name_en,
        "currency": item.currency,
        "quantity": view.quantity,
        "tier": None
        if tier is None or view.tier_id is None
        else {
            "id": view.tier_id,
            "min_quantity": tier.min_quantity,
            "discount_rate": tier.discount_rate,
        },
        "unit_price_excl_vat": unit.price_excl_vat,
        "vat_rate": unit.vat_rate,
        "unit_vat": unit.vat_amount,
        "unit_price_incl_vat": unit.price_incl_vat,
        "tiers": [_tier_price(t, p) for t, p in view.tiers],
        "as_of": view.as_of,
    }
    if not staff:
        return PricePublic.model_validate(fields)
    return PriceBreakdownPublic.model_validate(
        {**fields, **_components(unit), "sources": view.sources, "status": item.status}
    )


def _components(unit: UnitPrice) -> dict[str, Any]:
    return {
        "base_cost": unit.base_cost,
        "margin_rate": unit.rates.margin_rate,
        "service_fee_rate": unit.rates.service_fee_rate,
        "insurance_rate": unit.rates.insurance_rate,
        "effective_margin_rate": unit.effective_margin_rate,
        "margin_floor_applied": unit.margin_floor_applied,
        "margin_amount": unit.margin_amount,
        "service_fee_amount": unit.service_fee_amount,
        "insurance_amount": unit.insurance_amount,
        "tier_discount_amount": unit.tier_discount_amount,
        "rounding_adjustment": unit.rounding_adjustment,
    }


def _tier_price(tier: Tier, unit: UnitPrice) -> dict[str, Any]:
    return {
        "min_quantity": tier.min_quantity,
        "discount_rate": tier.discount_rate,
        "unit_price_excl_vat": unit.price_excl_vat,
        "unit_vat": unit.vat_amount,
        "unit_price_incl_vat": unit.price_incl_vat,
    }


def present_quote(stored: StoredQuote, *, staff: bool) -> QuotePublic:
    fields = {
        "id": stored.id,
        "currency": stored.currency,
        "vat_rate": stored.vat_rate,
        "lines": stored.lines,
        "total_excl_vat": stored.total_excl_vat,
        "total_vat": stored.total_vat,
        "total_incl_vat": stored.total_incl_vat,
        "created_at": stored.created_at,
        "expires_at": stored.expires_at,
    }
    if not staff:
        return QuotePublic.model_validate(fields)
    return QuoteBreakdownPublic.model_validate(
        {**fields, "owner_subject": stored.owner_subject, "group_id": stored.group_id}
    )


def present_record(row: PriceRecord) -> PriceRecordPublic:
    unit = recorded(row)
    return PriceRecordPublic(
        sku=row.sku,
        product_id=row.product_id,
        base_cost=row.base_cost,
        margin_rate=row.margin_rate,
        service_fee_rate=row.service_fee_rate,
        insurance_rate=row.insurance_rate,
        price_excl_vat=row.price_excl_vat,
        vat_rate=row.vat_rate,
        vat_amount=row.vat_amount,
        price_incl_vat=unit.price_incl_vat,
        currency=row.currency,
        valid_from=row.valid_from,
    )


def present_global_settings(settings: GlobalSettings) -> GlobalSettingsPublic:
    return GlobalSettingsPublic(
        default_margin_rate=settings.default_margin_rate,
        service_fee_rate=settings.service_fee_rate,
        insurance_rate=settings.insurance_rate,
        min_margin_rate=settings.min_margin_rate,
        vat_rate=settings.vat_rate,
        rounding_step=settings.rounding_step,
        rounding_mode=settings.rounding_mode,
        quote_validity_hours=settings.quote_validity_hours,
        tiers=[_tier(t) for t in settings.tiers],
    )


def present_scope_settings(scope: str, overrides: Overrides | None) -> ScopeSettingsPublic:
    overrides = overrides or Overrides()
    return ScopeSettingsPublic(
        scope=scope,
        margin_rate=overrides.margin_rate,
        service_fee_rate=overrides.service_fee_rate,
        insurance_rate=overrides.insurance_rate,
        tiers=None if overrides.tiers is None else [_tier(t) for t in overrides.tiers],
    )


def _tier(tier: Tier) -> dict[str, Any]:
    return {"min_quantity": tier.min_quantity, "discount_rate": tier.discount_rate}
