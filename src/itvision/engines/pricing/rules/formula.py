"""How a unit price is made: `FORMULA` says it, `unit_price` does it.

`FORMULA` is written once, here: the API documentation of the price and quote routes shows it,
and docs/engines/pricing.md repeats it (a test checks that the two say the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from itvision.engines.pricing.rules.tiers import Tier
from itvision.platform.money import apply_rate, round_amount, vat_included

FORMULA = """\
list multiplier   L = 1 + margin + service_fee + insurance
tier multiplier   T = L × (1 − tier discount)              (T = L when no tier is reached)
effective margin  e = T − 1 − service_fee − insurance
                  if e < minimum margin: e = minimum margin, T = 1 + e + service_fee + insurance
price excl. VAT   P = base_cost × T, rounded to a multiple of the rounding step (5 F by default),
                      up (the default: never under the computed price) or to the nearest step
VAT               V = P × VAT rate (18 %), rounded to the franc, half up
price incl. VAT   P + V
line              quantity × P, quantity × V, quantity × (P + V)

A tier discount comes out of the margin only (the service fee and the insurance are costs): a
tier lowers the margin down to the minimum margin and no further. Rates are Decimal, amounts
whole francs (int), never a float. The breakdown gives each component in francs, each rounded
to the franc (half up), and `rounding` takes the difference, so that they add up exactly:
base_cost + margin + service_fee + insurance − tier_discount + rounding = P.
"""

RoundingMode = Literal["up", "nearest"]
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class ComponentRates:
    """The rates a price is made of; each comes from the most specific settings that set it."""

    margin_rate: Decimal
    service_fee_rate: Decimal
    insurance_rate: Decimal


@dataclass(frozen=True, slots=True)
class PriceRules:
    """The global rules every price follows."""

    min_margin_rate: Decimal
    vat_rate: Decimal
    rounding_step: int
    rounding_mode: RoundingMode


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """One unit's price and how it was made (amounts in francs)."""

    base_cost: int
    rates: ComponentRates
    tier: Tier | None
    effective_margin_rate: Decimal
    margin_floor_applied: bool
    margin_amount: int
    service_fee_amount: int
    insurance_amount: int
    tier_discount_amount: int
    rounding_adjustment: int
    price_excl_vat: int
    vat_rate: Decimal
    vat_amount: int
    price_incl_vat: int


def unit_price(
    base_cost: int, rates: ComponentRates, rules: PriceRules, tier: Tier | None = None
) -> UnitPrice:
    costs = rates.service_fee_rate + rates.insurance_rate
    list_multiplier = ONE + rates.margin_rate + costs
    multiplier = list_multiplier * (ONE - tier.discount_rate) if tier else list_multiplier
    effective_margin = multiplier - ONE - costs
    floor_applied = effective_margin < rules.min_margin_rate
    if floor_applied:
        effective_margin = rules.min_margin_rate
        multiplier = ONE + effective_margin + costs
    price_excl = round_amount(
        apply_rate(base_cost, multiplier), rules.rounding_step, rules.rounding_mode
    )
    vat, _ = vat_included(price_excl, rules.vat_rate)
    return _breakdown(
        base_cost,
        rates,
        tier=tier,
        effective_margin=effective_margin,
        floor_applied=floor_applied,
        tier_discount=round_amount(apply_rate(base_cost, list_multiplier - multiplier)),
        price_excl=price_excl,
        vat_rate=rules.vat_rate,
        vat=vat,
    )


def recorded_unit_price(
    base_cost: int, rates: ComponentRates, price_excl_vat: int, vat_rate: Decimal, vat_amount: int
) -> UnitPrice:
    """The breakdown of a price recorded in the history (one unit, no tier): the components
    follow from the base cost and the rates, the rounding from the recorded price."""
    return _breakdown(
        base_cost,
        rates,
        tier=None,
        effective_margin=rates.margin_rate,
        floor_applied=False,
        tier_discount=0,
        price_excl=price_excl_vat,
        vat_rate=vat_rate,
        vat=vat_amount,
    )


def _breakdown(
    base_cost: int,
    rates: ComponentRates,
    *,
    tier: Tier | None,
    effective_margin: Decimal,
    floor_applied: bool,
    tier_discount: int,
    price_excl: int,
    vat_rate: Decimal,
    vat: int,
) -> UnitPrice:
    margin = round_amount(apply_rate(base_cost, rates.margin_rate))
    service_fee = round_amount(apply_rate(base_cost, rates.service_fee_rate))
    insurance = round_amount(apply_rate(base_cost, rates.insurance_rate))
    return UnitPrice(
        base_cost=base_cost,
        rates=rates,
        tier=tier,
        effective_margin_rate=effective_margin,
        margin_floor_applied=floor_applied,
        margin_amount=margin,
        service_fee_amount=service_fee,
        insurance_amount=insurance,
        tier_discount_amount=tier_discount,
        rounding_adjustment=price_excl
        - (base_cost + margin + service_fee + insurance - tier_discount),
        price_excl_vat=price_excl,
        vat_rate=vat_rate,
        vat_amount=vat,
        price_incl_vat=price_excl + vat,
    )
