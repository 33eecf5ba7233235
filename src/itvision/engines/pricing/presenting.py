"""From what the engine knows to what a caller may read: staff get the breakdown, everyone
else the prices and the VAT only (base costs and margins never leave for non-staff)."""

from __future__ import annotations

from typing import Any

from itvision.engines.pricing.formula import UnitPrice
from itvision.engines.pricing.models import PriceRecord, StoredQuote
from itvision.engines.pricing.queries import PriceView, recorded
from itvision.engines.pricing.schemas import (
    GlobalSettingsPublic,
    PriceBreakdownPublic,
    PricePublic,
    PriceRecordPublic,
    QuoteBreakdownPublic,
    QuotePublic,
    ScopeSettingsPublic,
)
from itvision.engines.pricing.scopes import GlobalSettings, Overrides
from itvision.engines.pricing.tiers import Tier


def price(view: PriceView, *, staff: bool) -> PricePublic:
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
        {**fields, **components(unit), "sources": view.sources, "status": item.status}
    )


def components(unit: UnitPrice) -> dict[str, Any]:
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


def quote(stored: StoredQuote, *, staff: bool) -> QuotePublic:
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


def record(row: PriceRecord) -> PriceRecordPublic:
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


def global_settings(settings: GlobalSettings) -> GlobalSettingsPublic:
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


def scope_settings(scope: str, overrides: Overrides | None) -> ScopeSettingsPublic:
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
